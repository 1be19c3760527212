"""The bench on a team's PostgreSQL database: ``python -m bench --backend postgresql``.

The server is the one of ``CLAUSES_BENCH_PG_URL`` (else ``CLAUSES_TEST_PG_URL``): a role that
may create databases. The bench makes its own database there (``clauses_bench_<size>``), fills
it with the demo data of the chosen size through the services (as ``clauses demo`` does, the
history triggers included) and drops it at the end; with ``--workdir`` it keeps it for the
next run (a file in the workdir says it is complete), else its name has the process id.

Stages, each beside a baseline measured in the same run, with the SQLite bench's targets:
``figures`` (the services vs the hand-written SQL of ``bench/figures_sql.py`` in its
PostgreSQL form, through psycopg itself) and ``application`` (the window on the database vs a
bare PySide6 window: dashboard, employments list, search; ``bench/app_probe.py``) and
``team`` (the dashboard's figures for a facilitator and a coordinator, under row-level
security, vs the owner's: ``clauses team init`` is run on the bench database, and the bench's
roles are dropped with it).
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.common import Results, stopwatch

STAGES = ("generate", "figures", "application", "team")
SAMPLES = {"national": 3, "territory": 3}  # figures samples; other sizes: one


def server_url() -> str:
    url = os.environ.get("CLAUSES_BENCH_PG_URL") or os.environ.get("CLAUSES_TEST_PG_URL")
    if not url:
        raise SystemExit(
            "python -m bench --backend postgresql: set CLAUSES_BENCH_PG_URL to a server URL "
            "(postgresql+psycopg://user:password@host/postgres) whose role may create databases"
        )
    return url


@dataclass
class PgContext:
    workdir: Path
    size: str
    year: int
    results: Results
    server: str  # a URL on the server's maintenance database
    keep: bool = False

    @property
    def name(self) -> str:
        return f"clauses_bench_{self.size}" + ("" if self.keep else f"_{os.getpid()}")

    @property
    def url(self) -> str:
        """The bench database, as the application opens it."""
        return make_url(self.server).set(database=self.name).render_as_string(hide_password=False)

    @property
    def conninfo(self) -> str:
        """The same for psycopg itself (libpq URL)."""
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

    @property
    def marker(self) -> Path:
        return self.workdir / f"{self.name}.complete"

    def server_execute(self, *statements: str) -> None:
        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def exists(self) -> bool:
        engine = create_engine(self.server)
        try:
            with engine.connect() as connection:
                found = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": self.name}
                ).first()
        finally:
            engine.dispose()
        return found is not None

    @property
    def members(self) -> dict[str, str]:
        """The team stage's login roles: facilitator and coordinator (names of this database)."""
        suffix = self.name.removeprefix("clauses_bench_")
        return {"facilitateur": f"bench_fac_{suffix}", "coordinateur": f"bench_coord_{suffix}"}

    def drop(self) -> None:
        """The database, then the team stage's roles (a role that owns a table of the
        database cannot be dropped before it)."""
        from clauses_app.services.team import TeamRoles

        roles = TeamRoles.of(self.name)
        self.server_execute(
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
            *(f'DROP ROLE IF EXISTS "{role}"' for role in (
                *self.members.values(), roles.facilitator, roles.coordinator, roles.owner)),
        )  # fmt: skip
        self.marker.unlink(missing_ok=True)


def generate(ctx: PgContext) -> None:
    """The demo data into a new database on the server; wall and CPU time of this process
    (the rest is the server's: its inserts and the history triggers)."""
    if ctx.marker.exists() and ctx.exists():
        ctx.results.add("pg_generate_s", 0.0, "kept from an earlier run")
        return
    from clauses_app.runtime import collector_paused
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.demo import generate_demo

    ctx.drop()
    ctx.server_execute(f'CREATE DATABASE "{ctx.name}"')
    database = open_app_database(ctx.url)
    cpu = time.process_time()
    with collector_paused(), stopwatch() as elapsed:
        generate_demo(database, size=ctx.size, seed=1)
    database.dispose()
    ctx.marker.write_text(ctx.url.split("@")[-1] + "\n")
    ctx.results.add("pg_generate_s", elapsed(), "(no target) demo data through the services", "s")
    ctx.results.add("pg_generate_client_cpu_s", time.process_time() - cpu, "", "s")


def figures(ctx: PgContext) -> None:
    """Balance figures of every authority for one year: the services on PostgreSQL vs the
    hand-written SQL on PostgreSQL, interleaved, medians (the first read warms the server's
    cache for both)."""
    from bench import figures_sql
    from clauses_app.runtime import collector_paused
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.figures import compute_figures
    from clauses_app.services.periods import Period

    database = open_app_database(ctx.url, daily=False)
    figures_sql.figures_by_authority_pg(ctx.conninfo, ctx.year)  # warms the server's cache
    sql_runs, service_runs = [], []
    expected: dict[str, object] = {}
    by_authority: dict = {}  # type: ignore[type-arg]
    for _ in range(SAMPLES.get(ctx.size, 1)):
        with stopwatch() as elapsed:
            expected = dict(figures_sql.figures_by_authority_pg(ctx.conninfo, ctx.year))
        sql_runs.append(elapsed())
        with collector_paused(), stopwatch() as elapsed, database.reading_session() as session:
            by_authority = compute_figures(session, Period.year(ctx.year)).by_authority()
        service_runs.append(elapsed())
    database.dispose()
    mismatches = sum(
        1
        for key, totals in by_authority.items()
        if expected.get(key.hex) != (totals.hours_required, totals.hours_done)
    )
    sql_s, service_s = statistics.median(sql_runs), statistics.median(service_runs)
    r = ctx.results
    r.add("pg_figures_authorities", len(by_authority))
    r.add("pg_figures_mismatches", mismatches, "0")
    r.add("pg_figures_sql_s", sql_s, "hand-written SQL on PostgreSQL (median)", "s")
    r.add("pg_figures_service_s", service_s, "< 2 s (median)", "s")
    r.ratio("pg_figures_ratio", service_s, sql_s, "≤ 2")


def application(ctx: PgContext) -> None:
    """The window on the team database vs a bare PySide6 window, as the SQLite stage
    measures it (medians of interleaved samples, then one full run: dashboard, employments
    list, search, peak memory)."""
    from bench.stages import window_figures

    window_figures(ctx.results, ctx.url, ctx.size, prefix="pg_")


PORTFOLIO_SHARE = 10  # the facilitator is in charge of one authority in ten


def team(ctx: PgContext) -> None:
    """The dashboard's figures of one year for a facilitator (in charge of one authority in
    ten) and a coordinator, each logged in as themselves under row-level security, beside the
    owner's (the baseline, which no policy restricts); interleaved, medians. Their hours,
    pending hours and planned hours must be the owner's: only the people differ."""
    import secrets

    from sqlalchemy import select

    from clauses_app.models import ContractingAuthority
    from clauses_app.runtime import collector_paused
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.dashboard import dashboard_figures
    from clauses_app.services.team import add_user, assign, init_team

    owner = open_app_database(ctx.url, daily=False)
    databases = {"owner": owner}
    runs: dict[str, list[float]] = {"owner": [], **{role: [] for role in ctx.members}}
    seen: dict[str, tuple[object, ...]] = {}
    try:
        password = secrets.token_urlsafe(16)
        init_team(owner)
        for role, member in ctx.members.items():
            add_user(owner, member, role, password)
        with owner.transaction() as session:
            authorities = session.scalars(
                select(ContractingAuthority.uuid).order_by(ContractingAuthority.uuid)
            ).all()
            for authority in authorities[::PORTFOLIO_SHARE]:
                assign(session, ctx.members["facilitateur"], authority)
        for role, member in ctx.members.items():
            url = make_url(ctx.url).set(username=member, password=password)
            databases[role] = open_app_database(
                url.render_as_string(hide_password=False), daily=False
            )
        for _ in range(SAMPLES.get(ctx.size, 1)):
            for who, database in databases.items():
                with collector_paused(), stopwatch() as elapsed, database.reading_session() as s:
                    found = dashboard_figures(s, ctx.year)
                runs[who].append(elapsed())
                seen[who] = (found.hours_required, found.hours_done, found.pending_counted,
                             found.pending_excluded, found.unawarded_hours)  # fmt: skip
    finally:
        for database in databases.values():
            database.dispose()
    r = ctx.results
    owner_s = statistics.median(runs["owner"])
    r.add("pg_team_owner_s", owner_s, "baseline: the owner's dashboard figures (median)", "s")
    for role, name in (("facilitateur", "facilitator"), ("coordinateur", "coordinator")):
        role_s = statistics.median(runs[role])
        r.add(f"pg_team_{name}_s", role_s, "< 2 s (median)", "s")
        r.ratio(f"pg_team_{name}_ratio", role_s, owner_s, "(no target)")
    r.add("pg_team_figures_differ", sum(seen[who] != seen["owner"] for who in seen), "0")


def run(workdir: Path, size: str, year: int, results: Results, only: set[str], keep: bool) -> None:
    """Every chosen stage on a database of the server (made first, dropped unless ``keep``)."""
    ctx = PgContext(workdir, size, year, results, server_url(), keep)
    results.add("backend", "postgresql")
    results.add("load_average_start", os.getloadavg()[0], "(2 cores, shared)")
    try:
        generate(ctx)
        for name in STAGES[1:]:
            if name in only:
                globals()[name](ctx)
    finally:
        if not keep:
            ctx.drop()
    results.add("load_average_end", os.getloadavg()[0], "(2 cores, shared)")
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    results.add("bench_cpu_s", cpu, "the bench and its probes (not the server)", "s")
