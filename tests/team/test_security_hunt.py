"""An adversarial review of a team database, proven by SQL under each role: facilitator a
tries to read or change the people of facilitator b's portfolio by every path (tables,
views, history, alert marks, functions, catalogs, COPY, large objects, notifications, the
work links that make portfolios), the coordinator and a login role outside the team try
what they must not. Fixed holes: migration 0017 and services/team.py (docs/team.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from clauses_app.models import RetentionHold
from tests.conftest import requires_postgres
from tests.team.conftest import Portfolios, Team

pytestmark = requires_postgres

PERSON_FIELDS = "last_name, first_name, birth_date, address, city, notes, follower"


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as c:
        return list(c.execute(text(sql), params).all())


def names(engine: Engine) -> set[str]:
    return {r[0] for r in rows(engine, "SELECT last_name FROM participant")}


def refusal(engine: Engine, sql: str, **params: Any) -> str:
    """The error of one committed statement ("" when it went through)."""
    try:
        with engine.begin() as c:
            c.execute(text(sql), params)
    except DBAPIError as error:
        return str(error.orig)
    return ""


def changed(engine: Engine, sql: str, **params: Any) -> int:
    """Rows changed by one committed statement (an error: none)."""
    try:
        with engine.begin() as c:
            return int(c.execute(text(sql), params).rowcount)
    except DBAPIError:
        return 0


@dataclass(frozen=True)
class Links:
    award_x: uuid.UUID
    lot_x: uuid.UUID
    contract_x: uuid.UUID
    lot_y: uuid.UUID
    contract_y: uuid.UUID
    employment_y: uuid.UUID


@pytest.fixture
def links(team: Team, portfolios: Portfolios) -> Links:
    def chain(person: uuid.UUID) -> Any:
        return rows(
            team.owner.engine,
            "SELECT e.award_uuid, a.lot_uuid, l.contract_uuid, e.uuid FROM employment e "
            "JOIN award a ON a.uuid = e.award_uuid JOIN lot l ON l.uuid = a.lot_uuid "
            "WHERE e.participant_uuid = :p",
            p=person,
        )[0]

    x, y = chain(portfolios.p_x), chain(portfolios.p_y)
    return Links(x[0], x[1], x[2], y[1], y[2], y[3])


@pytest.fixture
def marks(team: Team, portfolios: Portfolios) -> Iterator[None]:
    """b marks the eligibility alert of Bravo (b's) with a comment naming a disability, and a
    work contract's missing-statement alert (no person)."""
    insert = (
        "INSERT INTO alert_mark (uuid, kind, record_uuid, cause, status, comment, marked_by, "
        "marked_at, created_at, updated_at) VALUES (:u, :k, :r, 'cause', 'DONE', :c, 'b', "
        "now(), now(), now())"
    )
    with team.engine("b").begin() as c:
        c.execute(
            text(insert),
            {
                "u": uuid.uuid4(),
                "k": "eligibility_unvalidated",
                "r": portfolios.p_b,
                "c": "RQTH de Bruno en cours",
            },
        )
        c.execute(
            text(insert),
            {"u": uuid.uuid4(), "k": "missing_statement", "r": uuid.uuid4(), "c": "relancé"},
        )
    yield


# --- Holes found, closed by migration 0017 / clauses team init --------------------------------

MOVES = {
    "employment of b's person on a's award": (
        "INSERT INTO employment (uuid, participant_uuid, award_uuid, modality_code, "
        "contract_type_code, start_date, transferred_staff, ineligible, created_at, updated_at) "
        "VALUES (gen_random_uuid(), :p_b, :award_x, 'EMBAUCHE', 'CDD', '2025-06-01', false, "
        "false, now(), now())"
    ),
    "employment moved to a's award": "UPDATE employment SET award_uuid = :award_x "
    "WHERE uuid = :employment_y",
    "employment given b's person": "UPDATE employment SET participant_uuid = :p_b "
    "WHERE participant_uuid = :p_x",
    "award moved to a's lot": "UPDATE award SET lot_uuid = :lot_x WHERE lot_uuid = :lot_y",
    "lot moved to a's contract": "UPDATE lot SET contract_uuid = :contract_x WHERE uuid = :lot_y",
    "contract moved to a's authority": "UPDATE public_contract SET authority_uuid = :x "
    "WHERE uuid = :contract_y",
}


@pytest.mark.parametrize("move", MOVES)
def test_a_facilitator_cannot_pull_someone_into_their_portfolio(
    team: Team, portfolios: Portfolios, links: Links, move: str
) -> None:
    """Who reads a person follows where the person works: before 0017, a rewired the work
    contract, award, lot or contract of b's people under authority X and read them."""
    a = team.engine("a")
    params = {"p_b": portfolios.p_b, "p_x": portfolios.p_x, "x": portfolios.x, **links.__dict__}
    assert "out of the portfolio" in refusal(a, MOVES[move], **params)
    assert names(a) == {"Alpha", "Xavier"}


def test_the_work_links_stay_free_for_people_one_reads(
    team: Team, portfolios: Portfolios, links: Links
) -> None:
    a, c = team.engine("a"), team.engine("c")
    hire = MOVES["employment of b's person on a's award"]
    # a hires Alpha (theirs) on Y's award: allowed (b reads Alpha from now on).
    assert not refusal(a, hire, p_b=portfolios.p_a, award_x=portfolios.award_y)
    assert "Alpha" in names(team.engine("b"))
    job = "UPDATE employment SET job_title = 'Maçon' WHERE uuid = :e"
    assert changed(a, job, e=links.employment_y) == 1  # other columns: every member
    move = MOVES["contract moved to a's authority"]
    assert changed(c, move, x=portfolios.x, contract_y=links.contract_y) == 1
    assert names(a) == {"Alpha", "Xavier", "Yvon"}


def test_the_validation_view_lets_no_condition_see_the_criteria_it_hides(
    team: Team, portfolios: Portfolios
) -> None:
    """Before: a temporary function of a's, cheaper than the view's filter, ran first and
    was handed the person and date of every criterion not validated (here b's Bravo)."""
    with team.owner.engine.begin() as c:
        c.execute(
            text(
                "UPDATE participant_criterion SET status = 'A_JUSTIFIER', "
                "validated_on = '2024-05-05' WHERE participant_uuid = :p"
            ),
            {"p": portfolios.p_b},
        )
    leak = (
        "CREATE FUNCTION pg_temp.leak(uuid, date) RETURNS boolean LANGUAGE plpgsql "
        "COST 0.0001 AS $$BEGIN RAISE NOTICE 'leak % %', $1, $2; RETURN true; END$$"
    )
    assert "permission denied" in refusal(team.engine("a"), leak)  # no TEMPORARY any more
    roles = rows(team.owner.engine, "SELECT current_database()")[0][0]
    with team.owner.engine.begin() as c:  # given back: the view still holds
        c.execute(text(f'GRANT TEMPORARY ON DATABASE "{roles}" TO "{team.users["a"]}"'))
    seen: list[str] = []
    with team.engine("a").connect() as c:
        c.connection.driver_connection.add_notice_handler(  # type: ignore[union-attr]
            lambda d: seen.append(str(d.message_primary))
        )
        c.execute(text(leak))
        got = c.execute(
            text(
                "SELECT participant_uuid FROM criterion_validation "
                "WHERE pg_temp.leak(participant_uuid, validated_on)"
            )
        ).scalars()
        assert portfolios.p_b not in set(got)
    assert seen and not [s for s in seen if str(portfolios.p_b) in s]


def test_alert_marks_about_a_person_follow_the_person(
    team: Team, portfolios: Portfolios, marks: None
) -> None:
    """Before: every member read b's mark on Bravo's eligibility (its comment, its history)
    and could change it or mark Bravo's alerts."""
    a, c = team.engine("a"), team.engine("c")
    assert rows(a, "SELECT kind FROM alert_mark") == [("missing_statement",)]
    assert len(rows(c, "SELECT kind FROM alert_mark")) == 2
    about_bravo = "SELECT changes::text FROM record_history WHERE table_name = 'alert_mark'"
    assert not [r for r in rows(a, about_bravo) if "RQTH" in r[0]]
    assert [r for r in rows(c, about_bravo) if "RQTH" in r[0]]
    assert (
        changed(a, "UPDATE alert_mark SET comment = 'x' WHERE record_uuid = :p", p=portfolios.p_b)
        == 0
    )
    assert changed(a, "DELETE FROM alert_mark WHERE record_uuid = :p", p=portfolios.p_b) == 0
    for person in (portfolios.p_b, portfolios.p_y):
        assert "row-level security" in refusal(
            a,
            "INSERT INTO alert_mark (uuid, kind, record_uuid, cause, status, comment, "
            "marked_by, marked_at, created_at, updated_at) VALUES (gen_random_uuid(), "
            "'eligibility_expiring', :p, 'c', 'DONE', '', 'a', now(), now(), now())",
            p=person,
        )
    assert (
        changed(
            a,
            "INSERT INTO alert_mark (uuid, kind, record_uuid, cause, status, "
            "comment, marked_by, marked_at, created_at, updated_at) VALUES "
            "(gen_random_uuid(), 'eligibility_expiring', :p, 'c', 'DONE', '', 'a', "
            "now(), now(), now())",
            p=portfolios.p_a,
        )
        == 1
    )


def test_no_member_creates_objects_that_others_would_run(
    team: Team, portfolios: Portfolios
) -> None:
    """Before PostgreSQL 15 (or a database restored from one), PUBLIC may create in schema
    public: a defined « = (varchar, name) », picked by the transfer function (SECURITY
    DEFINER), and took b's Bravo. ``clauses team init`` now takes that right back."""
    from clauses_app.services.team import init_team

    with team.owner.engine.begin() as c:
        c.execute(text("GRANT CREATE ON SCHEMA public TO PUBLIC"))
    init_team(team.owner)
    a = team.engine("a")
    for sql in (
        "CREATE FUNCTION public.hj(character varying, name) RETURNS boolean "
        "LANGUAGE sql AS 'SELECT true'",
        "CREATE TABLE public.pirate (x int)",
    ):
        assert "permission denied" in refusal(a, sql)
    assert "not in the portfolio" in refusal(
        a, "SELECT clauses_transfer_participant(:p, current_user)", p=portfolios.p_b
    )
    assert names(a) == {"Alpha", "Xavier"}


def test_a_login_role_outside_the_team_cannot_connect(team: Team) -> None:
    """Another territory's users share the server: before, they connected (PUBLIC), listened
    to the changes, read the catalog's row counts."""
    outsider = f"dehors_{team.name[-10:]}"
    admin = create_engine(team.owner_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as sql:
        sql.execute(text(f"CREATE ROLE {outsider} LOGIN PASSWORD 'dehors'"))
    engine = create_engine(make_url(team.owner_url).set(username=outsider, password="dehors"))
    try:
        with pytest.raises(DBAPIError, match="permission denied for database"):
            engine.connect().close()
    finally:
        engine.dispose()
        with admin.connect() as sql:
            sql.execute(text(f"DROP ROLE IF EXISTS {outsider}"))
        admin.dispose()


def test_migration_0017_closes_the_holes_of_an_existing_team_database(
    team: Team, portfolios: Portfolios, links: Links, marks: None
) -> None:
    """A team database set up before 0017, upgraded without ``clauses team init``."""
    from clauses_app.storage.migrate import downgrade, upgrade

    downgrade(team.owner.engine, "0016")
    with team.owner.engine.begin() as c:  # as before: PUBLIC's defaults
        c.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{team.name}" TO PUBLIC'))
        c.execute(text("GRANT CREATE ON SCHEMA public TO PUBLIC"))
        c.execute(
            text(
                "UPDATE record_history SET participant_uuid = NULL WHERE table_name = 'alert_mark'"
            )
        )
    a = team.engine("a")
    assert len(rows(a, "SELECT kind FROM alert_mark")) == 2  # the holes, open
    upgrade(team.owner.engine)
    a.dispose()
    params = {"p_b": portfolios.p_b, "award_x": links.award_x}
    assert "out of the portfolio" in refusal(
        a, MOVES["employment of b's person on a's award"], **params
    )
    assert rows(a, "SELECT kind FROM alert_mark") == [("missing_statement",)]
    about = "SELECT changes::text FROM record_history WHERE table_name = 'alert_mark'"
    assert not [r for r in rows(a, about) if "RQTH" in r[0]]
    assert "permission denied" in refusal(a, "CREATE TABLE public.pirate (x int)")
    assert "permission denied" in refusal(
        a, "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'"
    )
    options = rows(
        team.owner.engine,
        "SELECT reloptions::text FROM pg_class WHERE relname = 'criterion_validation'",
    )
    assert "security_barrier=true" in options[0][0]
    assert names(a) == {"Alpha", "Xavier"}


# --- Paths found closed: kept as guards -----------------------------------------------------

READS = {
    "participant by uuid": f"SELECT {PERSON_FIELDS} FROM participant WHERE uuid IN (:p_b, :p_y)",
    "participant by name": "SELECT uuid FROM participant WHERE last_name IN ('Bravo', 'Yvon')",
    "criteria": "SELECT criterion_code, evidence FROM participant_criterion "
    "WHERE participant_uuid IN (:p_b, :p_y)",
    "retention hold": "SELECT reason FROM retention_hold WHERE participant_uuid = :p_b",
    "history": "SELECT changes::text FROM record_history WHERE participant_uuid IN (:p_b, :p_y)",
    "history by content": "SELECT id FROM record_history WHERE changes::text LIKE '%Bravo%'",
    "validation view, criterion": "SELECT * FROM criterion_validation v "
    "JOIN participant_criterion c ON c.participant_uuid = v.participant_uuid "
    "WHERE v.participant_uuid = :p_b",
    "statistics": "SELECT attname FROM pg_stats WHERE schemaname = 'public' AND tablename IN "
    "('participant', 'participant_criterion', 'retention_hold', 'record_history', 'alert_mark')",
    "join counts": "SELECT e.uuid FROM employment e JOIN participant p ON p.uuid = "
    "e.participant_uuid WHERE e.participant_uuid = :p_y",
}


def test_a_facilitator_reads_nothing_of_another_portfolio(
    team: Team, portfolios: Portfolios
) -> None:
    """Every path of READS on one team database (reads change nothing; a database each
    would cost a second apiece)."""
    with team.owner.transaction() as s:
        s.add(
            RetentionHold(
                participant_uuid=portfolios.p_b, until=date(2030, 1, 1), reason="audit FSE de Bruno"
            )
        )
    with team.owner.engine.begin() as c:
        c.execute(text("ANALYZE"))
    params = {"p_b": portfolios.p_b, "p_y": portfolios.p_y}
    leaks = [path for path in READS if rows(team.engine("a"), READS[path], **params)]
    assert leaks == []
    unseen = [
        path
        for path in READS
        if not rows(team.engine("c"), READS[path], **params) and path != "statistics"
    ]
    assert unseen == []  # the coordinator reads them: the probes do reach the data


REFUSED = {
    "truncate": "TRUNCATE participant CASCADE",
    "copy in": "COPY participant FROM STDIN",
    "sequence": "SELECT last_value FROM record_history_id_seq",
    "nextval": "SELECT nextval('record_history_id_seq')",
    "large object": "SELECT lo_import('/etc/passwd')",
    "server file": "SELECT pg_read_file('/etc/passwd')",
    "history insert": "INSERT INTO record_history (table_name, record_uuid, changed_at, "
    "changed_by, action, changes) VALUES ('participant', :p_b, now(), 'x', 'UPDATE', '{}')",
    "history update": "UPDATE record_history SET changed_by = 'x'",
    "history delete": "DELETE FROM record_history",
    "schema version": "UPDATE alembic_version SET version_num = '0001'",
    "assign oneself": "INSERT INTO authority_facilitator VALUES (:y, current_user, now())",
    "row security off": "ALTER TABLE participant DISABLE ROW LEVEL SECURITY",
    "policy dropped": "DROP POLICY clauses_read ON participant",
    "trigger off": "ALTER TABLE employment DISABLE TRIGGER clauses_links",
    "owner's role": "SET ROLE {owner}",
    "transfer another's": "SELECT clauses_transfer_participant(:p_b, current_user)",
    "insert for b": "INSERT INTO participant (uuid, last_name, first_name, qpv, archived, "
    "created_at, updated_at, follower) VALUES (gen_random_uuid(), 'F', 'F', false, false, "
    "now(), now(), :b)",
    "criterion for b": "INSERT INTO participant_criterion (uuid, participant_uuid, "
    "criterion_code, status, created_at, updated_at) VALUES (gen_random_uuid(), :p_b, 'RQTH', "
    "'VALIDE', now(), now())",
    "hold for b": "INSERT INTO retention_hold (uuid, participant_uuid, until, reason, "
    "created_at, updated_at) VALUES (gen_random_uuid(), :p_b, '2030-01-01', '', now(), now())",
    "view write": "UPDATE criterion_validation SET validated_on = NULL",
}


# The coordinator may: docs/team.md.
COORDINATOR_MAY = (
    "transfer another's",
    "insert for b",
    "criterion for b",
    "hold for b",
    "assign oneself",
)


def test_members_are_refused(team: Team, portfolios: Portfolios) -> None:
    """Every path of REFUSED, for a facilitator and (but what it may) the coordinator, on one
    team database: a refused statement changes nothing."""
    from clauses_app.services.team import TeamRoles

    params = {"p_b": portfolios.p_b, "y": portfolios.y, "b": team.users["b"]}
    cases = [("a", p) for p in REFUSED] + [("c", p) for p in REFUSED if p not in COORDINATOR_MAY]
    allowed = []
    for who, path in cases:
        sql = REFUSED[path].replace("{owner}", f'"{TeamRoles.of(team.name).owner}"')
        if not refusal(team.engine(who), sql, **params):
            allowed.append((who, path))
    assert allowed == []


WRITES = {
    "rename": "UPDATE participant SET last_name = 'Pirate' WHERE uuid IN (:p_b, :p_y)",
    "take over": "UPDATE participant SET follower = current_user WHERE uuid IN (:p_b, :p_y)",
    "delete": "DELETE FROM participant WHERE uuid IN (:p_b, :p_y)",
    "criterion": "UPDATE participant_criterion SET criterion_code = 'AAH' "
    "WHERE participant_uuid IN (:p_b, :p_y)",
    "criterion delete": "DELETE FROM participant_criterion WHERE participant_uuid IN (:p_b, :p_y)",
    "erase history": "SELECT clauses_erase_history(ARRAY[:p_b, :p_y]::uuid[])",
}


@pytest.mark.parametrize("path", WRITES)
def test_a_facilitator_changes_nothing_of_another_portfolio(
    team: Team, portfolios: Portfolios, path: str
) -> None:
    before = rows(team.engine("c"), "SELECT count(*) FROM record_history")
    people = f"SELECT {PERSON_FIELDS} FROM participant ORDER BY last_name"
    seen = rows(team.engine("c"), people)
    changed(team.engine("a"), WRITES[path], p_b=portfolios.p_b, p_y=portfolios.p_y)
    assert rows(team.engine("c"), people) == seen
    assert rows(team.engine("c"), "SELECT count(*) FROM record_history") == before
    assert len(rows(team.engine("c"), "SELECT uuid FROM participant_criterion")) == 4


def test_copy_out_and_notifications_carry_nothing_of_another_portfolio(
    team: Team, portfolios: Portfolios
) -> None:
    with team.engine("a").connect() as c:
        raw = c.connection.driver_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy("COPY participant TO STDOUT") as copy:
                out = b"".join(bytes(chunk) for chunk in copy)
            cursor.execute("LISTEN clauses_changes")
        raw.commit()  # type: ignore[union-attr]
        assert b"Alpha" in out and b"Bravo" not in out and b"Yvon" not in out
        with team.engine("b").begin() as b:
            b.execute(
                text("UPDATE participant SET notes = 'RQTH' WHERE uuid = :p"), {"p": portfolios.p_b}
            )
        payloads = [n.payload for n in raw.notifies(timeout=1, stop_after=2)]  # type: ignore[union-attr]
    assert payloads and set(payloads) <= {"participant", "participant_criterion"}


def test_security_definer_functions_are_the_known_ones(team: Team) -> None:
    """Each runs with the owner's rights: its search path is fixed and members only call
    the three meant for them."""
    found = rows(
        team.engine("a"),
        "SELECT p.proname, p.proconfig::text, has_function_privilege(p.oid, 'EXECUTE') "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.prosecdef ORDER BY 1",
    )
    assert [f[0] for f in found] == [
        "clauses_erase_history",
        "clauses_record_history",
        "clauses_territory_people",
        "clauses_transfer_participant",
    ]
    assert all("search_path=" in f[1] for f in found)
    assert "search_path=pg_catalog, pg_temp" in found[1][1]
