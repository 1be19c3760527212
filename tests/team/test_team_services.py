"""The team's services and commands on a real PostgreSQL: territory counts, exports, a
migration started by a facilitator, transfers, ``clauses team`` with a piped password."""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from clauses_app.cli import main
from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.models import Participant
from clauses_app.services.stats import database_stats
from clauses_app.services.team import TeamError, transfer_follower
from clauses_app.storage import DatabaseError, open_database
from tests.conftest import requires_postgres
from tests.exchange.helpers import members
from tests.team.conftest import PASSWORD, Portfolios, Team

pytestmark = requires_postgres


def test_a_facilitators_territory_total_is_the_coordinators(
    team: Team, portfolios: Portfolios
) -> None:
    a, c = team.open("a"), team.open("c")
    with a.session() as s:
        visible = s.scalar(select(text("count(*)")).select_from(Participant))
        mine = database_stats(s)
    with c.session() as s:
        everyone = database_stats(s)
    assert visible == 2  # Alpha and Xavier: what a may read
    assert mine["participants"] == everyone["participants"] == 4
    assert mine == everyone  # hours, rates, employments: the same territory figures


def test_a_facilitators_export_holds_what_they_read_and_imports(
    team: Team, portfolios: Portfolios, tmp_path: Path
) -> None:
    from clauses_app.services.bootstrap import open_app_database

    exported = export_clause_file(team.open("a"), tmp_path / "a.clause")
    assert exported.rows["participant"] == 2
    assert exported.rows["participant_criterion"] == 2
    assert exported.rows["employment"] == 1  # Yvon's, on Y, is another portfolio's
    assert exported.rows["hours_record"] == 1
    content = b"".join(members(exported.path).values())
    assert b"Yvon" not in content and b"Bravo" not in content
    fresh = open_app_database(str(tmp_path / "fresh.sqlite3"))
    report = import_clause_file(fresh, exported.path)
    assert report.ok and report.applied
    with fresh.session() as s:
        assert set(s.scalars(select(Participant.last_name))) == {"Alpha", "Xavier"}
    fresh.dispose()


def test_a_facilitator_cannot_migrate_and_is_told_so(team: Team, portfolios: Portfolios) -> None:
    with team.owner.transaction() as s:  # as if the application were one version ahead
        s.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    with pytest.raises(DatabaseError, match="seul son propriétaire") as raised:
        open_database(team.url("a"))
    assert "permission" not in str(raised.value)  # no driver text
    with team.owner.session() as s:
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == "0008"


def test_clauses_init_by_a_facilitator_changes_nothing(
    team: Team,
    portfolios: Portfolios,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``clauses init`` (a schema upgrade) started by a facilitator: one French sentence, and
    the schema (every table's columns, the version) as it was."""

    def schema() -> list[tuple[str, ...]]:
        with team.owner.session() as s:
            columns = s.execute(
                text("SELECT table_name, column_name, data_type FROM information_schema.columns "
                     "WHERE table_schema = 'public' ORDER BY 1, 2")
            ).all()  # fmt: skip
            version = s.scalar(text("SELECT version_num FROM alembic_version"))
        return [tuple(c) for c in columns] + [(str(version),)]

    with team.owner.transaction() as s:  # as if the application were one version ahead
        s.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    before = schema()
    code = run_cli(monkeypatch, "", "--db", team.url("a"), "init")
    err = capsys.readouterr().err
    assert code != 0 and "seul son propriétaire" in err and "La base n'a pas été modifiée" in err
    assert "Traceback" not in err and "permission" not in err
    assert schema() == before


def test_a_facilitator_hands_over_their_own_participant_only(
    team: Team, portfolios: Portfolios
) -> None:
    a = team.open("a")
    with pytest.raises(TeamError, match="introuvable"), a.transaction() as s:
        transfer_follower(s, portfolios.p_b, team.users["a"])
    with pytest.raises(TeamError, match="n'est pas un utilisateur"), a.transaction() as s:
        transfer_follower(s, portfolios.p_a, "inconnu")
    with a.transaction() as s:
        assert transfer_follower(s, portfolios.p_a, team.users["b"]) == team.users["a"]
    with a.session() as s:
        assert s.get(Participant, portfolios.p_a) is None
    with team.open("b").session() as s:
        assert s.get(Participant, portfolios.p_a) is not None


def run_cli(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(args))


def test_cli_adds_a_user_with_a_piped_password_and_assigns_them(
    team: Team,
    portfolios: Portfolios,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    new = f"fac_d_{uuid.uuid4().hex[:8]}"
    team.users["d"] = new  # dropped with the others
    owner = team.owner_url
    assert run_cli(monkeypatch, PASSWORD + "\n", "--db", owner, "team", "add-user", new,
                   "--role", "facilitateur") == 0  # fmt: skip
    assert "créé" in capsys.readouterr().out
    assert run_cli(monkeypatch, "", "--db", owner, "team", "assign", new,
                   "--authority", str(portfolios.y)) == 0  # fmt: skip
    d = team.engine("d")  # logs in with the piped password
    with d.connect() as c:
        assert set(c.execute(text("SELECT last_name FROM participant")).scalars()) == {"Yvon"}
    assert run_cli(monkeypatch, "", "--db", owner, "team", "init") == 0  # again: idempotent
    assert run_cli(monkeypatch, "", "--db", owner, "team", "show", "--json") == 0
    out = capsys.readouterr().out
    assert f'"nom": "{new}", "role": "facilitateur"' in out


def test_cli_as_a_facilitator_meets_other_portfolios_as_absent(
    team: Team,
    portfolios: Portfolios,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a = team.url("a")
    code = run_cli(monkeypatch, "", "--db", a, "privacy", "export", "--participant",
                   str(portfolios.p_b))  # fmt: skip
    assert code != 0 and "Traceback" not in capsys.readouterr().err
    code = run_cli(monkeypatch, "", "--db", a, "team", "transfer", "--participant",
                   str(portfolios.p_b), "--to", team.users["a"])  # fmt: skip
    assert code == 2 and "introuvable" in capsys.readouterr().err
    code = run_cli(monkeypatch, "", "--db", a, "team", "assign", team.users["a"],
                   "--authority", str(portfolios.y))  # fmt: skip
    err = capsys.readouterr().err
    assert code == 3 and "Votre rôle dans l'équipe ne permet pas" in err


def test_migration_0013_gives_the_team_its_rights_on_the_amounts_invoiced(team: Team) -> None:
    """A team database upgraded to 0013 after ``clauses team init``: facilitators read and
    write the new table at once, and their alerts (which read it) still work."""
    from datetime import date as day

    from clauses_app.services.alerts import collect_alerts
    from clauses_app.storage.migrate import downgrade, upgrade

    downgrade(team.owner.engine, "0009")
    upgrade(team.owner.engine)
    with team.engine("a").connect() as c:
        assert c.execute(text("SELECT count(*) FROM invoice")).scalar_one() == 0
        owner, award_owner = c.execute(
            text("SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'invoice'), "
                 "(SELECT tableowner FROM pg_tables WHERE tablename = 'award')")
        ).one()  # fmt: skip
    assert owner == award_owner
    database = team.open("a")
    with database.session() as s:
        assert collect_alerts(s, day(2026, 12, 31)) is not None
