"""The history on a team's database, proven by SQL under each role: a person's history rows
are read only by who may read the person, no member writes or wipes the history, and a
facilitator's anonymisation erases the person from it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text

from clauses_app.cli import main
from clauses_app.services import erasure, history
from tests.conftest import requires_postgres
from tests.team.conftest import Portfolios, Team
from tests.team.test_row_security import affected

pytestmark = requires_postgres


def _rows_about(engine: Engine, person: object) -> int:
    with engine.connect() as c:
        return int(
            c.execute(
                text("SELECT count(*) FROM record_history WHERE participant_uuid = :p"),
                {"p": person},
            ).scalar_one()
        )


def test_history_follows_the_portfolios(team: Team, portfolios: Portfolios) -> None:
    a, b, c = team.engine("a"), team.engine("b"), team.engine("c")
    with a.begin() as conn:  # plain SQL, as psql would
        conn.execute(text("UPDATE participant SET city = 'Nantes' WHERE uuid = :p"),
                     {"p": portfolios.p_a})  # fmt: skip
    with c.connect() as conn:
        who = conn.execute(
            text("SELECT changed_by FROM record_history WHERE participant_uuid = :p "
                 "AND action = 'UPDATE'"), {"p": portfolios.p_a},
        ).scalar_one()  # fmt: skip
    assert who == team.users["a"]
    assert _rows_about(a, portfolios.p_a) > 0 and _rows_about(c, portfolios.p_a) > 0
    assert _rows_about(b, portfolios.p_a) == 0  # not b's person: not even the rows
    with b.connect() as conn:  # rows about nobody (an authority) are everyone's
        assert conn.execute(
            text("SELECT count(*) FROM record_history WHERE table_name = 'contracting_authority'")
        ).scalar_one() == 2  # fmt: skip
    database = team.open("a")
    with database.session() as session:
        entries = history.record_history(session, portfolios.p_a)
    assert any(ch.new == "Nantes" and not ch.masked for e in entries for ch in e.changes)


def test_no_member_forges_or_wipes_the_history(team: Team, portfolios: Portfolios) -> None:
    a, c = team.engine("a"), team.engine("c")
    before = _rows_about(c, portfolios.p_a)
    assert (
        affected(a, "DELETE FROM record_history WHERE participant_uuid = :p", p=portfolios.p_a) == 0
    )
    assert affected(c, "UPDATE record_history SET changed_by = 'personne'") == 0
    assert affected(
        a, "INSERT INTO record_history (table_name, record_uuid, changed_at, changed_by, action, "
        "changes) VALUES ('participant', :p, now(), 'faux', 'UPDATE', '{}')", p=portfolios.p_a,
    ) == 0  # fmt: skip
    # The erase function leaves a person who is not anonymised alone.
    with a.begin() as conn:
        conn.execute(text(f"SELECT {history.ERASE_FUNCTION}(ARRAY[CAST(:p AS uuid)])"),
                     {"p": portfolios.p_a})  # fmt: skip
    assert _rows_about(c, portfolios.p_a) == before


def test_a_facilitators_anonymisation_erases_the_history(
    team: Team, portfolios: Portfolios
) -> None:
    database = team.open("a")
    outcome = erasure.anonymize_in_database(database, portfolios.p_a, date(2026, 12, 4))
    assert outcome.changed
    with team.owner.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM record_history")).all()
    text_of_history = "\n".join(repr(tuple(r)) for r in rows)
    assert "Alpha" not in text_of_history and "Anne" not in text_of_history
    assert "Bravo" in text_of_history  # the others' history stays


def test_cli_history_under_each_role(
    team: Team, portfolios: Portfolios, capsys: pytest.CaptureFixture[str]
) -> None:
    """``clauses history --record UUID --json`` connected as each member: the person's
    follower and the coordinator read the change and who made it, another facilitator reads
nothing of the person."""
    with team.engine("a").begin() as conn:
        conn.execute(text("UPDATE participant SET city = 'Rezé' WHERE uuid = :p"),
                     {"p": portfolios.p_a})  # fmt: skip
    seen = {}
    for who in ("a", "b", "c"):
        code = main(["--db", team.url(who), "history", "--record", str(portfolios.p_a), "--json"])
        out, err = capsys.readouterr()
        seen[who] = (code, out + err)
    for who in ("a", "c"):
        code, shown = seen[who]
        assert code == 0 and "Rezé" in shown and team.users["a"] in shown
    assert seen["b"] == (0, "[]\n")  # another portfolio's person: absent, as in SQL
