"""The team on SQLite: no roles, everything is the one user's portfolio."""

from __future__ import annotations

from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.models import Participant
from clauses_app.models.team import local_user_name
from clauses_app.services.portfolio import connected_user, portfolio_offered
from clauses_app.services.team import TeamError, assign, transfer_follower
from clauses_app.storage import Database
from tests import builders as b


def test_team_commands_refuse_a_sqlite_file_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "base.sqlite3"
    for args in (["team", "init"], ["team", "show"]):
        assert main(["--db", str(path), *args]) == 2
        assert "base d'équipe PostgreSQL" in capsys.readouterr().err
    assert not path.exists()  # refused before anything was created


def test_a_new_participant_is_followed_by_the_local_user(database: Database) -> None:
    with database.transaction() as s:
        person = b.participant(s)
    with database.session() as s:
        assert s.get(Participant, person.uuid).follower == local_user_name()  # type: ignore[union-attr]
        assert connected_user(s) == local_user_name()
        assert not portfolio_offered(s)


def test_assign_and_transfer_on_sqlite(database: Database) -> None:
    with database.transaction() as s:
        town = b.authority(s)
        person = b.participant(s)
        assert assign(s, "marie", town.uuid) is True
        assert assign(s, "marie", town.uuid) is False
        assert transfer_follower(s, person.uuid, "marie") == local_user_name()
    with database.transaction() as s, pytest.raises(TeamError, match="donneur d'ordre"):
        assign(s, "marie", person.uuid)
