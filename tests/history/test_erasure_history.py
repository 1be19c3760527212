"""An erasure takes the person out of the record history too: no trace of the name, the
address, a criterion's evidence or an hours file's name is left in record_history."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select, text

from clauses_app.models import HoursRecord, RecordHistory
from clauses_app.services import erasure, privacy, records
from clauses_app.services.records import Kind
from clauses_app.services.settings import AppSettings
from clauses_app.storage import Database
from tests import builders as b

TRACES = ("Dupont", "Jeanne", "Lilas", "Attestation CAF", "releve_DUPONT", "Durand")


def _history_text(database: Database) -> str:
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM record_history")).all()
    return "\n".join(repr(tuple(r)) for r in rows)


def _person_with_history(database: Database) -> tuple[uuid.UUID, uuid.UUID]:
    """Jeanne Dupont, at work in January–February 2024 (then no more), her name corrected to
    Durand: every trace is in the history. Returns her and one of her hours records."""
    with database.transaction() as s:
        person = b.participant(s, "Dupont", "Jeanne", address="3 rue des Lilas")
        b.criterion(s, person, validated_on=date(2024, 1, 2), evidence="Attestation CAF")
        award = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), "100")
        emp = b.employment(s, award, person, date(2024, 1, 1), date(2024, 2, 29))
        b.month_hours(s, emp, 2024, 1, "10").source = "releve_DUPONT.xlsx"
        hours_uuid = b.month_hours(s, emp, 2024, 2, "12").uuid
        people = person.uuid
    with database.session() as session:  # a correction of the name, recorded
        base = records.load_record(session, Kind.PARTICIPANT, people)
    records.save_record(database, Kind.PARTICIPANT, {**base, "last_name": "Durand"}, people,
                        base=base)  # fmt: skip
    assert all(trace in _history_text(database) for trace in TRACES)
    return people, hours_uuid


def test_a_purge_leaves_no_trace_in_the_history(any_database: Database) -> None:
    database = any_database
    people, _hours = _person_with_history(database)
    with database.transaction() as s:  # two years after her last day (default retention)
        purged = privacy.purge(s, date(2026, 12, 4), AppSettings()).purged
    assert purged == [people]
    remaining = _history_text(database)
    assert [t for t in TRACES if t in remaining] == []


def test_anonymisation_leaves_no_trace_in_the_history(any_database: Database) -> None:
    database = any_database
    people, hours_uuid = _person_with_history(database)

    erasure.anonymize_in_database(database, people, date(2026, 12, 4))

    remaining = _history_text(database)
    assert [t for t in TRACES if t in remaining] == []
    with database.session() as session:
        kept = session.scalars(
            select(RecordHistory.table_name).where(RecordHistory.participant_uuid == people)
        ).all()
        assert session.get(HoursRecord, hours_uuid) is not None
    # The contract and its hours keep their history (figures), the person's own rows go.
    assert "participant" not in kept and "participant_criterion" not in kept
    assert "employment" in kept and "hours_record" in kept
