"""A team at work on one PostgreSQL database: ``python -m bench.team_load``.

On the server of ``CLAUSES_BENCH_PG_URL`` (else ``CLAUSES_TEST_PG_URL``; use its loopback
address), the load test makes its own database with the demo data of ``--size``, sets up the
team with the team services (``clauses team init``, ``add-user``, ``assign``), then starts
``--facilitators`` processes, each logged in as its own facilitator role, and one coordinator
process. For ``--duration`` seconds each facilitator saves one hours record every 100–500 ms
through the hours grid's services (``load_grid`` once, then ``save_grid``, as the window's
« Heures » page does, in one transaction each), while the coordinator recomputes the
dashboard (``services.dashboard.load_snapshot``) again and again.

Each save adds a few hours to one month of an employment: most often on the facilitator's
own award (no one else writes it), else on an award shared by every facilitator, so that
saves meet. A save refused as stale (someone saved that cell since the grid was loaded) is
retried on the grid reloaded, as a user would; it is counted, not lost. At the end every
cell must hold its starting hours plus every hour added by a save that succeeded (a lost
update otherwise), and no month may be recorded twice. Any other failure is an error shown to
the user. The database and the roles are dropped at the end (``--keep`` keeps them).

Figures: save time p50/p95 (target p95 < 200 ms), the dashboard's time, lost updates
(target 0), errors shown to users (target 0), stale saves refused and retried, the load of the
machine and the CPU time of every process of the test (the server's own is not counted).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.common import Results
from bench.postgres import server_url

HOT_SHARE = 0.2  # part of the saves made on the award every facilitator shares
RETRIES = 5
Key = tuple[str, int, int]  # employment uuid (hex), year, month


@dataclass
class Plan:
    """What the set-up made: the database, each facilitator's role and award, the shared one."""

    url: str  # the owner's
    password: str
    facilitators: list[str]
    coordinator: str
    own_awards: list[uuid.UUID]
    shared_award: uuid.UUID
    duration: float
    intervals: tuple[float, float]
    seed: int

    def url_of(self, role: str) -> str:
        return (
            make_url(self.url)
            .set(username=role, password=self.password)
            .render_as_string(hide_password=False)
        )


@dataclass
class FacilitatorReport:
    role: str
    save_s: list[float] = field(default_factory=list)  # every attempt, refused ones too
    saved: int = 0
    stale_retried: int = 0
    errors: list[str] = field(default_factory=list)
    added: dict[Key, Decimal] = field(default_factory=dict)
    cpu_s: float = 0.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _message(error: BaseException) -> str:
    """What the window would show (services' French messages, or the database's)."""
    from clauses_app.storage.errors import describe_database_error

    return describe_database_error(error) or f"{type(error).__name__}: {error}"


def facilitator(plan: Plan, index: int, ready: Any, start: Any, out: Any) -> None:
    """One facilitator's process: two grids open, a save every 100–500 ms until the end."""
    report = FacilitatorReport(plan.facilitators[index])
    try:
        _facilitate(plan, index, ready, start, report)
    except Exception as error:  # reported: the process could not work
        report.errors.append(_message(error))
        ready.put(index)
    report.cpu_s = _cpu()
    out.put(report)


def _facilitate(plan: Plan, index: int, ready: Any, start: Any, report: FacilitatorReport) -> None:
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.hours_entry import StaleHoursError, load_grid, save_grid

    role = plan.facilitators[index]
    rng = random.Random(plan.seed * 1000 + index)
    today = date.today()
    database = open_app_database(plan.url_of(role), daily=False)

    def load(award: uuid.UUID) -> Any:
        with database.session() as session:
            return load_grid(session, award, today)

    awards = {"own": plan.own_awards[index], "shared": plan.shared_award}
    grids = {name: load(award) for name, award in awards.items()}
    ready.put(index)
    start.wait()
    deadline = time.monotonic() + plan.duration
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(*plan.intervals))
        name = "shared" if rng.random() < HOT_SHARE else "own"
        grid = grids[name]
        cells = [(r, m) for r, row in enumerate(grid.rows) for m in grid.months if row.covers(m)]
        if not cells:
            continue
        row, month = rng.choice(cells)
        employment = grid.rows[row].employment_uuid
        hours = Decimal(rng.randint(1, 40)) / 4
        for _attempt in range(RETRIES):
            index_of = {r.employment_uuid: i for i, r in enumerate(grid.rows)}
            at = index_of[employment]
            grid.set_value(at, month, (grid.value(at, month) or Decimal(0)) + hours)
            began = time.perf_counter()
            try:
                with database.transaction() as session:
                    save_grid(session, grid)
            except StaleHoursError:
                report.save_s.append(time.perf_counter() - began)
                report.stale_retried += 1
                grid = grids[name] = load(awards[name])  # « rouvrez la grille »
                continue
            except Exception as error:  # counted: what a user would be shown
                report.save_s.append(time.perf_counter() - began)
                report.errors.append(_message(error))
                grid = grids[name] = load(awards[name])
                break
            report.save_s.append(time.perf_counter() - began)
            report.saved += 1
            key = (employment.hex, *month)
            report.added[key] = report.added.get(key, Decimal(0)) + hours
            grid.original = dict(grid.cells)  # saved: what the grid shows is the database's
            break
        else:
            report.errors.append(f"still stale after {RETRIES} attempts")
    database.dispose()


def coordinator(plan: Plan, ready: Any, start: Any, out: Any) -> None:
    """The coordinator's process: the dashboard recomputed from start to end."""
    os.environ["CLAUSES_HOME"] = tempfile.mkdtemp(prefix="clauses-load-")  # no kept figures
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.dashboard import load_snapshot

    runs: list[float] = []
    errors: list[str] = []
    try:
        database = open_app_database(plan.url_of(plan.coordinator), daily=False)
    except Exception as error:  # reported: the process could not work
        ready.put("coordinator")
        out.put({"dashboard_s": runs, "errors": [_message(error)], "cpu_s": _cpu()})
        return
    ready.put("coordinator")
    start.wait()
    deadline = time.monotonic() + plan.duration
    while time.monotonic() < deadline:
        began = time.perf_counter()
        try:
            load_snapshot(database, None, None, date.today())
        except Exception as error:  # counted: what a user would be shown
            errors.append(_message(error))
        runs.append(time.perf_counter() - began)
    database.dispose()
    out.put({"dashboard_s": runs, "errors": errors, "cpu_s": _cpu()})


def set_up(server: str, name: str, size: str, facilitators: int, results: Results) -> Plan:
    """The database, its demo data and the team: a facilitator in charge of the authority of
    their own award, every facilitator in charge of the shared award's authority."""
    from clauses_app.models import Award, Employment, Lot, PublicContract
    from clauses_app.runtime import collector_paused
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.demo import generate_demo
    from clauses_app.services.team import add_user, assign, init_team

    _server_execute(server, f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    owner = open_app_database(url, daily=False)
    began = time.perf_counter()
    with collector_paused():
        generate_demo(owner, size=size, seed=1)
    results.add("generate_s", time.perf_counter() - began, f"demo data, size {size}", "s")
    init_team(owner)
    password = secrets.token_urlsafe(16)
    suffix = name.rsplit("_", 1)[-1]
    roles = [f"load_fac{i:02d}_{suffix}" for i in range(facilitators)]
    boss = f"load_coord_{suffix}"
    for role in roles:
        add_user(owner, role, "facilitateur", password)
    add_user(owner, boss, "coordinateur", password)
    with owner.transaction() as session:
        # Awards with employments, the busiest first, one per authority.
        busiest = session.execute(
            select(Award.uuid, PublicContract.authority_uuid)
            .join(Employment, Employment.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
            .group_by(Award.uuid, PublicContract.authority_uuid)
            .order_by(func.count(Employment.uuid).desc(), Award.uuid)
        ).all()
        chosen: list[tuple[uuid.UUID, uuid.UUID]] = []
        seen: set[uuid.UUID] = set()
        for award, authority in busiest:
            if authority not in seen:
                chosen.append((award, authority))
                seen.add(authority)
        if len(chosen) < 2:
            raise SystemExit(f"size {size}: too few authorities with employments")
        shared, shared_authority = chosen[0]
        own = [chosen[1 + i % (len(chosen) - 1)] for i in range(facilitators)]
        for role, (_award, authority) in zip(roles, own, strict=True):
            assign(session, role, authority)
            assign(session, role, shared_authority)
    owner.dispose()
    if len({award for award, _a in own}) < facilitators:
        results.add("own_awards_shared", True, "too few authorities: some own awards shared")
    return Plan(url, password, roles, boss, [a for a, _ in own], shared, 0.0, (0.1, 0.5), 1)


def month_cells(url: str, awards: list[uuid.UUID]) -> tuple[dict[Key, Decimal], int]:
    """Worked hours of every month record of the awards' employments, and how many
    (employment, month) hold more than one record."""
    from clauses_app.models import Employment, HoursKind, HoursRecord

    engine = create_engine(url)
    cells: dict[Key, Decimal] = {}
    twice = 0
    with engine.connect() as connection:
        rows = connection.execute(
            select(HoursRecord.employment_uuid, HoursRecord.period_start, HoursRecord.worked_hours)
            .join(Employment, Employment.uuid == HoursRecord.employment_uuid)
            .where(Employment.award_uuid.in_(awards), HoursRecord.kind == HoursKind.MONTH)
        )
        for employment, start, worked in rows:
            key = (employment.hex, start.year, start.month)
            twice += key in cells
            cells[key] = cells.get(key, Decimal(0)) + worked
    engine.dispose()
    return cells, twice


def _server_execute(server: str, *statements: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def tear_down(server: str, name: str, plan: Plan | None) -> None:
    from clauses_app.services.team import TeamRoles

    statements = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']
    roles = TeamRoles.of(name)
    members = [*plan.facilitators, plan.coordinator] if plan else []
    for role in (*members, roles.facilitator, roles.coordinator, roles.owner):
        statements.append(f'DROP ROLE IF EXISTS "{role}"')
    _server_execute(server, *statements)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def run(args: argparse.Namespace) -> Results:
    results = Results()
    server = server_url()
    name = f"clauses_load_{uuid.uuid4().hex[:8]}"
    results.add("database", name, "dropped at the end unless --keep")
    results.add("size", args.size)
    results.add("facilitators", args.facilitators)
    results.add("duration_s", float(args.duration))
    results.add("load_average_start", os.getloadavg()[0], f"({os.cpu_count()} cores, shared)")
    plan: Plan | None = None
    try:
        plan = set_up(server, name, args.size, args.facilitators, results)
        plan.duration, plan.intervals, plan.seed = args.duration, (0.1, 0.5), args.seed
        before, _ = month_cells(plan.url, [*plan.own_awards, plan.shared_award])
        spawn = multiprocessing.get_context("spawn")
        start, ready, out = spawn.Event(), spawn.Queue(), spawn.Queue()
        workers = [
            spawn.Process(target=facilitator, args=(plan, i, ready, start, out))
            for i in range(args.facilitators)
        ]
        workers.append(spawn.Process(target=coordinator, args=(plan, ready, start, out)))
        for worker in workers:
            worker.start()
        reports = _gather(ready, start, out, workers, plan.duration)
        after, twice = month_cells(plan.url, [*plan.own_awards, plan.shared_award])
        _figures(results, reports, before, after, twice)
    finally:
        if not args.keep:
            tear_down(server, name, plan)
    results.add("load_average_end", os.getloadavg()[0], f"({os.cpu_count()} cores, shared)")
    return results


def _gather(ready: Any, start: Any, out: Any, workers: list[Any], duration: float) -> list[Any]:
    """Wait for every process to be ready (logged in, its grids loaded), start them
    together, collect their reports."""
    for _worker in workers:
        ready.get(timeout=600)
    start.set()
    reports = [out.get(timeout=duration + 600) for _ in workers]
    for worker in workers:
        worker.join(60)
    return reports


def _figures(
    r: Results,
    reports: list[Any],
    before: dict[Key, Decimal],
    after: dict[Key, Decimal],
    twice: int,
) -> None:
    saves = [s for rep in reports if isinstance(rep, FacilitatorReport) for s in rep.save_s]
    facilitators = [rep for rep in reports if isinstance(rep, FacilitatorReport)]
    boss = next(rep for rep in reports if isinstance(rep, dict))
    added: dict[Key, Decimal] = defaultdict(Decimal)
    for rep in facilitators:
        for key, hours in rep.added.items():
            added[key] += hours
    zero = Decimal(0)
    lost = sum(
        1 for key, hours in added.items() if after.get(key, zero) != before.get(key, zero) + hours
    )
    # A cell no save succeeded on must be as it was.
    lost += sum(1 for key in after if key not in added and after[key] != before.get(key))
    lost += sum(1 for key in before if key not in after)  # no save empties a month
    errors = [e for rep in facilitators for e in rep.errors] + boss["errors"]
    r.add("saves", sum(rep.saved for rep in facilitators))
    r.add("save_p50_ms", percentile(saves, 0.5) * 1000, "", "ms")
    r.add("save_p95_ms", percentile(saves, 0.95) * 1000, "< 200 ms", "ms")
    r.add("save_max_ms", max(saves, default=0.0) * 1000, "", "ms")
    r.add("stale_saves_retried", sum(rep.stale_retried for rep in facilitators), "not lost")
    r.add("dashboards", len(boss["dashboard_s"]))
    r.add("dashboard_median_s", statistics.median(boss["dashboard_s"] or [0.0]), "", "s")
    r.add("dashboard_max_s", max(boss["dashboard_s"], default=0.0), "", "s")
    r.add("lost_updates", lost, "0")
    r.add("months_recorded_twice", twice, "0")
    r.add("errors_shown", len(errors), "0")
    for message in sorted(set(errors))[:5]:
        r.add("error", message[:200])
    cpu = sum(rep.cpu_s for rep in facilitators) + boss["cpu_s"]
    r.add("processes_cpu_s", cpu, "facilitators and coordinator (not the server)", "s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.team_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--facilitators", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument(
        "--size", default="territory", choices=("small", "facilitator", "territory", "national")
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database and the roles")
    args = parser.parse_args(argv)
    results = run(args)
    results.print_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
