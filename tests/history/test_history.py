"""Who changed what: created_by/updated_by, the record history written by the application on
SQLite and by PostgreSQL's triggers (also for plain SQL, and never twice), masking."""

from __future__ import annotations

import getpass
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from clauses_app.models import Participant, Record, RecordHistory
from clauses_app.services import history, records
from clauses_app.services.records import Kind
from clauses_app.storage import Database
from clauses_app.storage.identity import user_name
from tests.conftest import requires_postgres


def _participant(database: Database) -> uuid.UUID:
    return records.save_record(
        database, Kind.PARTICIPANT,
        {"last_name": "Martin", "first_name": "Léa", "city": "Nantes", "qpv": True,
         "criteria": [{"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)}]},
    )  # fmt: skip


def _rows(database: Database, record: uuid.UUID) -> list[RecordHistory]:
    with database.session() as session:
        return list(
            session.scalars(
                select(RecordHistory)
                .where(RecordHistory.record_uuid == record)
                .order_by(RecordHistory.id)
            )
        )


def _edit(database: Database, record: uuid.UUID, **changes: Any) -> None:
    with database.session() as session:
        base = records.load_record(session, Kind.PARTICIPANT, record)
    records.save_record(database, Kind.PARTICIPANT, {**base, **changes}, record, base=base)


def test_the_user_is_the_local_account_on_sqlite(database: Database) -> None:
    with database.session() as session:
        assert user_name(session) == getpass.getuser()


def test_create_update_delete_are_recorded_once_each(any_database: Database) -> None:
    database = any_database
    with database.session() as session:
        me = user_name(session)
    record = _participant(database)
    _edit(database, record, city="Rezé")
    _edit(database, record, city="Rezé")  # nothing changed: no history row
    records.delete_record(database, Kind.PARTICIPANT, record)

    rows = _rows(database, record)
    assert [r.action for r in rows] == ["INSERT", "UPDATE", "DELETE"]
    assert {r.changed_by for r in rows} == {me}
    assert {r.participant_uuid for r in rows} == {record}
    inserted, updated, deleted = (r.changes for r in rows)
    assert inserted["last_name"] == {"old": None, "new": "Martin", "personal": True}
    assert inserted["qpv"] == {"old": None, "new": True, "personal": True}
    assert "version" not in inserted and "updated_by" not in inserted
    assert updated == {"city": {"old": "Nantes", "new": "Rezé", "personal": True}}
    assert deleted["city"] == {"old": "Rezé", "new": None, "personal": True}


def test_created_by_and_updated_by_name_the_user(any_database: Database) -> None:
    record = _participant(any_database)
    _edit(any_database, record, city="Rezé")
    with any_database.session() as session:
        person = session.get(Participant, record)
        assert person is not None
        assert person.created_by == person.updated_by == user_name(session)


def test_non_personal_fields_are_not_marked(database: Database) -> None:
    record = records.save_record(
        database, Kind.COMPANY, {"name": "SARL Bâtir", "kind": "CLASSIQUE"}
    )
    (row,) = _rows(database, record)
    assert row.participant_uuid is None
    assert row.changes["name"] == {"old": None, "new": "SARL Bâtir", "personal": False}


def test_history_is_newest_first_with_the_criteria(database: Database) -> None:
    record = _participant(database)
    _edit(database, record, city="Rezé")
    with database.session() as session:
        entries = history.record_history(session, record)
    assert [(e.table, e.action) for e in entries] == [
        ("participant", "UPDATE"),
        ("participant_criterion", "INSERT"),
        ("participant", "INSERT"),
    ]
    assert entries[0].changes == [history.FieldChange("city", "Nantes", "Rezé", True, False)]


def test_sqlite_user_may_see_personal_data(database: Database) -> None:
    with database.session() as session:
        assert history.may_see_personal_data(session, uuid.uuid4())


def test_personal_values_are_masked_for_who_may_not_see_them(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _participant(database)
    company = records.save_record(
        database, Kind.COMPANY, {"name": "SARL Bâtir", "kind": "CLASSIQUE"}
    )
    monkeypatch.setattr(history, "may_see_personal_data", lambda session, person: False)
    with database.session() as session:
        (created, *_) = history.record_history(session, record)[-1:]
        (firm,) = history.record_history(session, company)
    names = {c.field: c for c in created.changes}
    assert names["last_name"].old == names["last_name"].new == history.MASKED
    assert names["last_name"].masked
    assert "Martin" not in repr(created)
    assert {c.field: c.new for c in firm.changes}["name"] == "SARL Bâtir"  # not personal


# --- PostgreSQL: the triggers --------------------------------------------------------------


@requires_postgres
def test_plain_sql_update_is_recorded_by_the_trigger(pg_database: Database) -> None:
    record = _participant(pg_database)
    with pg_database.engine.begin() as connection:  # as psql would: no application code
        connection.execute(
            text("UPDATE participant SET city = 'Saint-Nazaire', updated_by = 'menteur' "
                 "WHERE uuid = :u"),
            {"u": record},
        )  # fmt: skip
        role = connection.execute(text("SELECT session_user")).scalar_one()
    rows = _rows(pg_database, record)
    assert [r.action for r in rows] == ["INSERT", "UPDATE"]
    assert rows[1].changed_by == role
    assert rows[1].changes == {"city": {"old": "Nantes", "new": "Saint-Nazaire", "personal": True}}
    with pg_database.session() as session:
        person = session.get(Participant, record)
        assert person is not None and person.updated_by == role  # not what the client sent


@requires_postgres
def test_an_application_save_is_recorded_once_on_postgres(pg_database: Database) -> None:
    record = _participant(pg_database)
    _edit(pg_database, record, city="Rezé", birth_date=date(1990, 5, 2))
    rows = _rows(pg_database, record)
    assert [r.action for r in rows] == ["INSERT", "UPDATE"]
    assert rows[1].changes == {
        "birth_date": {"old": None, "new": "1990-05-02", "personal": True},
        "city": {"old": "Nantes", "new": "Rezé", "personal": True},
    }


@requires_postgres
def test_a_role_that_cannot_read_the_person_sees_masks(pg_database: Database) -> None:
    record = _participant(pg_database)
    with pg_database.session() as session:
        assert history.may_see_personal_data(session, record)
        assert not history.may_see_personal_data(session, uuid.uuid4())  # nobody follows


@requires_postgres
def test_the_triggers_personal_fields_are_the_models(pg_database: Database) -> None:
    from clauses_app.models.history import PERSONAL_FIELDS

    with pg_database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT c.relname, t.tgnargs, encode(t.tgargs, 'escape') FROM pg_trigger t "
                 "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'clauses_history'")
        ).all()  # fmt: skip
    triggers = {r[0]: tuple(a for a in r[2].split("\\000") if a) for r in rows}
    # Every record table has one: a model added later needs its trigger in its migration.
    assert set(triggers) == {model.__tablename__ for model in Record.__subclasses__()}
    assert {t: f for t, f in triggers.items() if f} == PERSONAL_FIELDS


def test_an_award_s_history_holds_its_amounts_invoiced(any_database: Database) -> None:
    """Entered in the award's form, then one removed: the award's « Historique… » shows
    both insertions and the deletion (the deleted amount found through its insertion)."""
    from decimal import Decimal

    from clauses_app.models import ClauseMode
    from tests import builders as b

    with any_database.transaction() as s:
        con = b.contract(s, b.authority(s), "AC-1", start_date=date(2026, 1, 1))
        lot = b.lot(s, con, clause_mode=ClauseMode.INVOICED, tranche_amount=Decimal(2000))
        award = b.award(s, lot, b.company(s, "SIAE")).uuid
        second = b.lot(s, con, "2", clause_mode=ClauseMode.INVOICED, tranche_amount=Decimal(1000))
        other = b.award(s, second, b.company(s, "EI")).uuid
    for target, amounts in ((award, ("1500", "2500")), (other, ("700",))):
        with any_database.session() as s:
            base = records.load_record(s, Kind.AWARD, target)
        rows = [{"uuid": None, "invoiced_on": date(2026, 3, 31), "amount_ht": Decimal(a),
                 "reference": None} for a in amounts]  # fmt: skip
        records.save_record(any_database, Kind.AWARD, {**base, "invoices": rows}, target,
                            base=base)  # fmt: skip
    with any_database.session() as s:
        base = records.load_record(s, Kind.AWARD, award)
    kept = [row for row in base["invoices"] if row["amount_ht"] == Decimal(1500)]
    records.save_record(any_database, Kind.AWARD, {**base, "invoices": kept}, award, base=base)
    with any_database.session() as s:
        entries = history.record_history(s, award)
        others = history.record_history(s, other)
    assert sorted((e.table, e.action) for e in entries) == [
        ("award", "INSERT"), ("invoice", "DELETE"), ("invoice", "INSERT"), ("invoice", "INSERT"),
    ]  # fmt: skip
    assert sorted((e.table, e.action) for e in others) == [("award", "INSERT"),
                                                           ("invoice", "INSERT")]  # fmt: skip


def test_a_tracker_import_stamps_its_rows_with_who_and_when(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batched inserts set the authors and times themselves, once per batch."""
    from clauses_app.exchange import import_sheet
    from clauses_app.models.base import utcnow
    from tests.exchange.sheet_makers import write_tracker_csv

    monkeypatch.setenv("LOGNAME", "l.petit")
    before = utcnow()
    result = import_sheet(database, write_tracker_csv(tmp_path / "suivi.csv", rows=30), "tracker")
    assert result.ok and result.count("employment").new == 30
    with database.session() as s:
        for table in ("participant", "employment", "hours_record"):
            authors = s.execute(
                text(f"SELECT DISTINCT created_by, updated_by FROM {table}")
            ).all()
            assert authors == [("l.petit", "l.petit")], table
            [(created, updated)] = s.execute(
                text(f"SELECT min(created_at), max(updated_at) FROM {table}")
            ).all()
            assert created is not None and updated is not None
            assert str(before)[:10] <= created[:10]
