"""Writers wait their turn on SQLite: a write transaction takes the lock as it begins, so the
busy timeout applies, where a deferred one that read first failed at once with "database is
locked" (14 of 20 runs of an import beside a spreadsheet import)."""

from __future__ import annotations

from pathlib import Path
from threading import Event, Thread

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from clauses_app.exchange.clause_import import import_clause_file
from clauses_app.exchange.sheets.service import import_sheet
from clauses_app.exchange.writer import export_clause_file
from clauses_app.models import Company, Participant
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database, describe_database_error
from clauses_app.storage import engine as engine_module
from clauses_app.storage.errors import busy_message
from tests.conftest import requires_postgres
from tests.exchange.helpers import build_dataset
from tests.exchange.sheets_helpers import TRACKER

ROUNDS = 5


def _read_then_write(database: Database, name: str, mine: Event, other: Event) -> None:
    with database.transaction() as session:
        session.scalar(select(func.count()).select_from(Company))  # read first, as imports do
        mine.set()
        other.wait(1.0)  # deferred transactions: both have read now, and both want to write
        session.add(Company(name=name))


def test_two_writers_that_read_first_both_commit(database: Database) -> None:
    for round_ in range(ROUNDS):
        errors: list[BaseException] = []
        first, second = Event(), Event()

        def run(name: str, mine: Event, other: Event, errors: list[BaseException] = errors) -> None:
            try:
                _read_then_write(database, name, mine, other)
            except BaseException as exc:  # the test reports it
                errors.append(exc)

        threads = [
            Thread(target=run, args=(f"E{round_}-1", first, second)),
            Thread(target=run, args=(f"E{round_}-2", second, first)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Company)) == 2 * ROUNDS


def test_an_import_beside_a_spreadsheet_import(database: Database, tmp_path: Path) -> None:
    source = open_app_database(str(tmp_path / "source.sqlite3"))
    build_dataset(source)
    clause = tmp_path / "data.clause"
    export_clause_file(source, clause)
    source.dispose()
    sheet = TRACKER
    results: dict[str, object] = {}

    def run(name: str, job: object) -> None:
        try:
            results[name] = job()  # type: ignore[operator]
        except BaseException as exc:
            results[name] = exc

    for _ in range(3):
        threads = [
            Thread(target=run, args=("clause", lambda: import_clause_file(database, clause))),
            Thread(
                target=run, args=("sheet", lambda: import_sheet(database, sheet, kind="tracker"))
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for name, outcome in results.items():
            assert not isinstance(outcome, BaseException), f"{name}: {outcome!r}"
            assert outcome.ok, (name, outcome.errors)  # type: ignore[attr-defined]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Participant))


@requires_postgres
def test_a_save_blocked_by_another_facilitator_fails_in_french_on_postgres(
    pg_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another facilitator's transaction holds a row's lock for seconds: the save gives up
    after the write lock timeout with the busy sentence, instead of hanging until they commit
    (PostgreSQL waits forever by default)."""
    monkeypatch.setattr(engine_module, "PG_LOCK_TIMEOUT_MS", 300)
    with pg_database.transaction() as session:
        company = Company(name="Bâtiment Sud")
        session.add(company)
    locked, release = Event(), Event()

    def other_facilitator() -> None:
        with pg_database.engine.connect() as other, other.begin():
            other.execute(text("UPDATE company SET name = 'Bâtiment Nord' WHERE uuid = :u"),
                          {"u": company.uuid})  # fmt: skip
            locked.set()
            release.wait(5.0)  # a long edit: without a lock timeout, the save waits it out

    holder = Thread(target=other_facilitator)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError) as caught, pg_database.transaction() as session:
            mine = session.get(Company, company.uuid)
            assert mine is not None
            mine.name = "Bâtiment Est"
        assert describe_database_error(caught.value) == busy_message(None)
    finally:
        release.set()
        holder.join(30)
    with pg_database.session() as session:  # their edit committed, mine changed nothing
        assert session.get(Company, company.uuid).name == "Bâtiment Nord"  # type: ignore[union-attr]
