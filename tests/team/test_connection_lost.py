"""A server that drops the connection in the middle of a save or an import (its backend ended
by ``pg_terminate_backend`` from another connection, between two writes): one French sentence,
nothing of it written, and the same save or import goes through once the server is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, func, select, text

from clauses_app.cli import main
from clauses_app.models import Company, HoursRecord, Participant, ParticipantCriterion
from clauses_app.services import records
from clauses_app.services.records import Kind
from clauses_app.storage import Database, describe_database_error
from tests import builders as b
from tests.conftest import PG_ADMIN_URL

LOST = "La connexion à la base de données a été perdue"
WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def server_drops_at(write: int) -> Iterator[list[int]]:
    """While inside, the ``write``-th INSERT/UPDATE/DELETE sent by any engine ends its own
    server process first (once). Yields the ended process ids."""
    assert PG_ADMIN_URL
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    seen, ended = [0], []

    def drop(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if ended or not statement.lstrip().upper().startswith(WRITES):
            return
        seen[0] += 1
        if seen[0] < write:
            return
        pid = cursor.connection.info.backend_pid
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(100):  # its process is gone, not just told to go
                if not other.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                ).scalar():
                    break
                time.sleep(0.05)
        ended.append(pid)

    event.listen(Engine, "before_cursor_execute", drop)
    try:
        yield ended
    finally:
        event.remove(Engine, "before_cursor_execute", drop)
        admin.dispose()


def test_a_save_cut_in_the_middle_writes_nothing(pg_database: Database) -> None:
    database = pg_database
    record = records.save_record(
        database, Kind.PARTICIPANT,
        {"last_name": "Martin", "first_name": "Léa", "city": "Nantes", "sex": "F",
         "birth_date": date(1994, 3, 12)},
    )  # fmt: skip
    with database.session() as session:
        before = records.load_record(session, Kind.PARTICIPANT, record)
    changed = {
        **before,
        "city": "Rezé",
        "criteria": [{"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)}],
    }
    with server_drops_at(write=2) as ended, pytest.raises(Exception) as caught:
        records.save_record(database, Kind.PARTICIPANT, changed, record, base=before)
    assert ended  # the save had written once already when the server went
    message = describe_database_error(caught.value)
    assert message is not None and message.startswith(LOST)
    assert "rien n'a été enregistré" in message
    with database.session() as session:
        assert session.get(Participant, record).city == "Nantes"  # type: ignore[union-attr]
        assert not session.scalar(select(func.count()).select_from(ParticipantCriterion))
    # Nothing lost: the same save, sent again, goes through on a new connection.
    records.save_record(database, Kind.PARTICIPANT, changed, record, base=before)
    with database.session() as session:
        assert session.get(Participant, record).city == "Rezé"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(ParticipantCriterion)) == 1


def test_an_import_cut_in_the_middle_imports_nothing(
    database: Database,
    tmp_path: Path,
    pg_url: str,
    pg_database: Database,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from clauses_app.exchange.writer import export_clause_file

    with database.transaction() as s:  # a small territory, exported from a local file
        company = b.company(s, "SARL Bâtir")
        for n in range(3):
            award = b.award(s, b.lot(s, b.contract(s, b.authority(s, f"Ville {n}"))), company)
            emp = b.employment(s, award, b.participant(s, f"Nom{n}", "Léa"), date(2025, 1, 1))
            b.month_hours(s, emp, 2025, 1, "151.67")
    clause = tmp_path / "territoire.clause"
    export_clause_file(database, clause)

    def counts() -> tuple[int, int, int]:
        with pg_database.session() as session:
            return tuple(  # type: ignore[return-value]
                session.scalar(select(func.count()).select_from(model))
                for model in (Company, Participant, HoursRecord)
            )

    with server_drops_at(write=3) as ended:
        code = main(["--db", pg_url, "import", str(clause)])
    out, err = capsys.readouterr()
    assert ended and code != 0
    assert LOST in err and "Traceback" not in err + out
    assert counts() == (0, 0, 0)
    assert main(["--db", pg_url, "import", str(clause)]) == 0  # the server is back: all of it
    assert counts() == (1, 3, 3)
