"""A team's PostgreSQL database for the team tests: a throw-away database, ``clauses team
init`` run by its owner, two facilitators and a coordinator logged in as themselves.

Needs CLAUSES_TEST_PG_URL's role to create databases and roles (./test gives it CREATEDB and
CREATEROLE); the database, its group roles and the users (names with a random suffix, so
that parallel runs never meet) are dropped afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, bindparam, create_engine, text
from sqlalchemy.engine import make_url

from clauses_app.storage import Database
from tests import builders as b
from tests.conftest import PG_ADMIN_URL

PASSWORD = "mot de passe d'essai 'é' \\ ;"  # quotes, accents, backslash: sent as typed


@dataclass
class Team:
    """The database's URL for its owner, its roles and the URL of each user."""

    name: str
    owner_url: str
    owner: Database
    users: dict[str, str]  # a, b (facilitators), c (coordinator) → role name
    engines: list[Engine] = field(default_factory=list)

    def url(self, who: str) -> str:
        return (
            make_url(self.owner_url)
            .set(username=self.users[who], password=PASSWORD)
            .render_as_string(hide_password=False)
        )

    def engine(self, who: str) -> Engine:
        """A connection pool logged in as ``who`` (a, b or c)."""
        engine = create_engine(self.url(who))
        self.engines.append(engine)
        return engine

    def open(self, who: str) -> Database:
        """The application's database, opened as ``who``."""
        from clauses_app.services.bootstrap import open_app_database

        database = open_app_database(self.url(who))
        self.engines.append(database.engine)
        return database


@pytest.fixture
def team() -> Iterator[Team]:
    pytest.importorskip("psycopg")
    if not PG_ADMIN_URL:
        pytest.skip("CLAUSES_TEST_PG_URL not set")
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.team import TeamRoles, add_user, init_team

    suffix = uuid.uuid4().hex[:10]
    name = f"clauses_team_{suffix}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    owner_url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    users = {"a": f"fac_a_{suffix}", "b": f"fac_b_{suffix}", "c": f"coord_{suffix}"}
    roles = TeamRoles.of(name)
    owner = open_app_database(owner_url)
    created = Team(name, owner_url, owner, users, [owner.engine])
    try:
        init_team(owner)
        add_user(owner, users["a"], "facilitateur", PASSWORD)
        add_user(owner, users["b"], "facilitateur", PASSWORD)
        add_user(owner, users["c"], "coordinateur", PASSWORD)
        yield created
    finally:
        for engine in created.engines:
            engine.dispose()
        with admin.connect() as connection:
            _wait_for_logouts(connection, name, tuple(users.values()))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (*users.values(), roles.facilitator, roles.coordinator, roles.owner):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def _wait_for_logouts(connection: Connection, database: str, users: tuple[str, ...]) -> None:
    """Closed connections' server processes end a moment later. DROP DATABASE … FORCE ends
    those still there only when the test role may signal them (``pg_signal_backend``, which
    scripts/postgres-for-tests.sh grants): wait for them first."""
    for _ in range(100):
        left = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND usename IN :u"
            ).bindparams(bindparam("u", expanding=True)),
            {"d": database, "u": users},
        ).scalar()
        if not left:
            return
        time.sleep(0.05)


@dataclass(frozen=True)
class Portfolios:
    """Authority X (facilitator a in charge), authority Y (b in charge); p_x works on X,
    p_y on Y (both created by the owner, so followed by nobody of the team); p_a is followed
    by a, p_b by b, neither works anywhere yet. Each person has one criterion."""

    x: uuid.UUID
    y: uuid.UUID
    award_y: uuid.UUID
    p_x: uuid.UUID
    p_y: uuid.UUID
    p_a: uuid.UUID
    p_b: uuid.UUID


@pytest.fixture
def portfolios(team: Team) -> Portfolios:
    from clauses_app.services.team import assign

    with team.owner.transaction() as s:
        company = b.company(s)
        x, y = b.authority(s, "Ville X"), b.authority(s, "Ville Y")
        award_x = b.award(s, b.lot(s, b.contract(s, x, reference="X-1")), company, "100")
        award_y = b.award(s, b.lot(s, b.contract(s, y, reference="Y-1")), company, "200")
        p_x, p_y = b.participant(s, "Xavier", "Léa"), b.participant(s, "Yvon", "Marc", sex="M")
        p_a = b.participant(s, "Alpha", "Anne", follower=team.users["a"])
        p_b = b.participant(s, "Bravo", "Bruno", follower=team.users["b"], sex="M")
        for person in (p_x, p_y, p_a, p_b):
            b.criterion(s, person, "RQTH", date(2025, 1, 2))
        emp = b.employment(s, award_x, p_x, date(2025, 3, 1))
        b.month_hours(s, emp, 2025, 3, "151.67")
        b.employment(s, award_y, p_y, date(2025, 4, 1))
        assign(s, team.users["a"], x.uuid)
        assign(s, team.users["b"], y.uuid)
        return Portfolios(x.uuid, y.uuid, award_y.uuid, p_x.uuid, p_y.uuid, p_a.uuid, p_b.uuid)
