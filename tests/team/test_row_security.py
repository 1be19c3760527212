"""Row-level security proven by SQL, each connection logged in as its own role: two
facilitators and a coordinator on a database set up by ``clauses team init``."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import requires_postgres
from tests.team.conftest import Portfolios, Team

pytestmark = requires_postgres


def names(engine: Engine) -> set[str]:
    with engine.connect() as c:
        return set(c.execute(text("SELECT last_name FROM participant")).scalars())


def criteria_of(engine: Engine, person: uuid.UUID) -> int:
    with engine.connect() as c:
        return int(
            c.execute(
                text("SELECT count(*) FROM participant_criterion WHERE participant_uuid = :p"),
                {"p": person},
            ).scalar()
            or 0
        )


def affected(engine: Engine, sql: str, **params: Any) -> int:
    """Rows changed by one statement, committed (an error counts as none changed)."""
    try:
        with engine.begin() as c:
            return int(c.execute(text(sql), params).rowcount)
    except DBAPIError:
        return 0


def test_each_facilitator_reads_only_their_portfolio(team: Team, portfolios: Portfolios) -> None:
    a, b, c = team.engine("a"), team.engine("b"), team.engine("c")
    # a: follows Alpha, in charge of X where Xavier works; b: follows Bravo, Y where Yvon works.
    assert names(a) == {"Alpha", "Xavier"}
    assert names(b) == {"Bravo", "Yvon"}
    assert names(c) == {"Alpha", "Bravo", "Xavier", "Yvon"}
    with a.connect() as conn:
        by_uuid = conn.execute(
            text("SELECT * FROM participant WHERE uuid IN (:y, :b)"),
            {"y": portfolios.p_y, "b": portfolios.p_b},
        ).all()
    assert by_uuid == []  # asked by their UUIDs: 0 rows
    assert criteria_of(a, portfolios.p_b) == criteria_of(a, portfolios.p_y) == 0
    assert criteria_of(a, portfolios.p_a) == criteria_of(a, portfolios.p_x) == 1
    assert criteria_of(c, portfolios.p_b) == 1
    # Employments and hours carry no identity: every member reads them (the figures).
    with a.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM employment")).scalar() == 2


def test_a_facilitator_cannot_change_another_portfolio(team: Team, portfolios: Portfolios) -> None:
    a, c = team.engine("a"), team.engine("c")
    others = {"p": portfolios.p_b}
    for sql in (
        "UPDATE participant SET last_name = 'Pirate' WHERE uuid = :p",
        "UPDATE participant SET follower = current_user WHERE uuid = :p",
        "DELETE FROM participant_criterion WHERE participant_uuid = :p",
        "UPDATE participant_criterion SET evidence = 'x' WHERE participant_uuid = :p",
        "DELETE FROM participant WHERE uuid = :p",
    ):
        assert affected(a, sql, **others) == 0, sql
    assert names(c) == {"Alpha", "Bravo", "Xavier", "Yvon"}
    assert criteria_of(c, portfolios.p_b) == 1
    # Moving a criterion of one's own to someone else's record is refused too.
    moved = "UPDATE participant_criterion SET participant_uuid = :p WHERE participant_uuid = :mine"
    assert affected(a, moved, p=portfolios.p_b, mine=portfolios.p_a) == 0
    assert criteria_of(c, portfolios.p_b) == 1
    # Inserting a person followed by someone else, or a criterion on their record: refused.
    with pytest.raises(DBAPIError, match="row-level security"), a.begin() as conn:
        conn.execute(
            text("INSERT INTO participant (uuid, last_name, first_name, qpv, archived, "
                 "created_at, updated_at, follower) VALUES (:u, 'Faux', 'F', false, false, "
                 "now(), now(), :b)"),
            {"u": uuid.uuid4(), "b": team.users["b"]},
        )  # fmt: skip


def test_a_facilitator_reads_and_writes_their_own(team: Team, portfolios: Portfolios) -> None:
    a, c = team.engine("a"), team.engine("c")
    mine = {"p": portfolios.p_a}
    assert affected(a, "UPDATE participant SET city = 'Nantes' WHERE uuid = :p", **mine) == 1
    assert affected(a, "UPDATE participant_criterion SET evidence = 'vu' "
                    "WHERE participant_uuid = :p", **mine) == 1  # fmt: skip
    new = uuid.uuid4()
    with a.begin() as conn:  # the follower defaults to the creator
        conn.execute(
            text("INSERT INTO participant (uuid, last_name, first_name, qpv, archived, "
                 "created_at, updated_at) VALUES (:u, 'Nouveau', 'N', false, false, now(), now())"),
            {"u": new},
        )  # fmt: skip
    with c.connect() as conn:
        follower = conn.execute(
            text("SELECT follower FROM participant WHERE uuid = :u"), {"u": new}
        ).scalar()
        city = conn.execute(text("SELECT city FROM participant WHERE uuid = :p"), mine).scalar()
    assert (follower, city) == (team.users["a"], "Nantes")
    assert "Nouveau" in names(a) and "Nouveau" not in names(team.engine("b"))


def test_the_coordinator_writes_everything(team: Team, portfolios: Portfolios) -> None:
    c = team.engine("c")
    assert affected(c, "UPDATE participant SET notes = 'vu en réunion'") == 4
    assert affected(c, "DELETE FROM participant_criterion WHERE participant_uuid = :p",
                    p=portfolios.p_b) == 1  # fmt: skip


def test_an_assignment_change_takes_effect(team: Team, portfolios: Portfolios) -> None:
    from clauses_app.services.team import assign

    a = team.engine("a")
    with team.owner.transaction() as s:
        assign(s, team.users["a"], portfolios.y)
    assert names(a) == {"Alpha", "Xavier", "Yvon"}
    with team.owner.transaction() as s:
        assign(s, team.users["a"], portfolios.x, undo=True)
    assert names(a) == {"Alpha", "Yvon"}


def test_a_new_employment_brings_the_person_into_the_authoritys_portfolio(
    team: Team, portfolios: Portfolios
) -> None:
    b, a = team.engine("b"), team.engine("a")
    with b.begin() as conn:  # b hires Bravo on Y
        conn.execute(
            text("INSERT INTO employment (uuid, participant_uuid, award_uuid, modality_code, "
                 "contract_type_code, start_date, transferred_staff, ineligible, created_at, "
                 "updated_at) VALUES (:u, :p, :w, 'EMBAUCHE', 'CDD', '2025-06-01', false, false, "
                 "now(), now())"),
            {"u": uuid.uuid4(), "p": portfolios.p_b, "w": portfolios.award_y},
        )  # fmt: skip
    assert "Bravo" not in names(a)
    from clauses_app.services.team import assign

    with team.owner.transaction() as s:
        assign(s, team.users["a"], portfolios.y)
    assert "Bravo" in names(a)


def test_facilitators_cannot_assign_themselves(team: Team, portfolios: Portfolios) -> None:
    a = team.engine("a")
    with pytest.raises(DBAPIError, match="permission denied"), a.begin() as conn:
        conn.execute(
            text("INSERT INTO authority_facilitator VALUES (:y, current_user, now())"),
            {"y": portfolios.y},
        )
    assert names(a) == {"Alpha", "Xavier"}
