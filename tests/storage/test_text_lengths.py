"""An overlong text is refused alike on both databases, in French, with nothing written
(storage/lengths.py). SQLite used to store it whole; PostgreSQL refused it in English."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clauses_app.cli import main
from clauses_app.models import ContractingAuthority, Participant, RetentionHold
from clauses_app.services.records import save_record
from clauses_app.services.records.kinds import Kind
from clauses_app.storage import Database
from clauses_app.storage.errors import describe_database_error
from clauses_app.storage.lengths import TextTooLongError


def test_a_record_with_a_text_longer_than_its_column_is_refused(any_database: Database) -> None:
    with pytest.raises(TextTooLongError) as refused:
        save_record(any_database, Kind.AUTHORITY, {"name": "É" * 201})
    message = "Donneurs d'ordre : le champ « Nom » compte 201 caractères, 200 au plus."
    assert str(refused.value).startswith(message)
    assert describe_database_error(refused.value) == str(refused.value)
    with any_database.session() as session:
        assert session.scalar(select(func.count()).select_from(ContractingAuthority)) == 0
    # The limit itself is allowed.
    save_record(any_database, Kind.AUTHORITY, {"name": "É" * 200})


def test_a_change_is_checked_too(any_database: Database) -> None:
    authority = save_record(any_database, Kind.AUTHORITY, {"name": "Ville", "city": "Lyon"})
    with pytest.raises(TextTooLongError, match="« Commune » compte 121 caractères, 120 au plus"):
        save_record(any_database, Kind.AUTHORITY, {"name": "Ville", "city": "L" * 121}, authority)
    with any_database.session() as session:
        assert session.get(ContractingAuthority, authority).city == "Lyon"


def test_the_command_line_says_it_in_french(database: Database, capsys) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        person = Participant(last_name="MARTIN", first_name="Léa")
        session.add(person)
        session.flush()
        person_uuid = str(person.uuid)
    url = database.url
    database.dispose()
    code = main(["--db", url, "privacy", "hold", "--participant", person_uuid,
                 "--until", "2099-12-31", "--reason", "contrôle FSE " * 20])  # fmt: skip
    error = capsys.readouterr().err
    assert code != 0
    assert "Conservation prolongée : le champ « Motif » compte 260 caractères, 200 au plus" in error
    assert "Traceback" not in error
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(RetentionHold)) == 0
