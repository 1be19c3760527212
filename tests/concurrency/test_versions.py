"""Two programs editing one participant (two windows, a window and an import, two
facilitators on PostgreSQL): no edit is lost, a stale save is refused, criteria merge."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from clauses_app.models import Participant, ParticipantCriterion
from clauses_app.services import records
from clauses_app.services.records import Kind
from clauses_app.services.records.versions import THEIRS, merge_values
from clauses_app.storage import Database


def _participant(database: Database) -> uuid.UUID:
    return records.save_record(
        database, Kind.PARTICIPANT,
        {"last_name": "Martin", "first_name": "Léa", "city": "Nantes",
         "criteria": [{"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)}]},
    )  # fmt: skip


def _load(database: Database, record: uuid.UUID) -> dict[str, Any]:
    with database.session() as session:
        return records.load_record(session, Kind.PARTICIPANT, record)


def _criteria(database: Database, record: uuid.UUID) -> list[tuple[str, date | None]]:
    with database.session() as session:
        rows = session.execute(
            select(ParticipantCriterion.criterion_code, ParticipantCriterion.validated_on)
            .where(ParticipantCriterion.participant_uuid == record)
            .order_by(ParticipantCriterion.criterion_code)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_criterion_added_elsewhere_survives_a_form_save(any_database: Database) -> None:
    # The case: window A has the participant open; window B adds RQTH and saves; A
    # then changes the city and saves. Before: A's save replaced the list, RQTH deleted.
    record = _participant(any_database)
    base_a = _load(any_database, record)
    base_b = _load(any_database, record)
    rqth = {"criterion_code": "RQTH", "validated_on": date(2025, 2, 1)}
    records.save_record(
        any_database, Kind.PARTICIPANT,
        {**base_b, "criteria": [*base_b["criteria"], rqth]}, record, base=base_b,
    )  # fmt: skip
    records.save_record(
        any_database, Kind.PARTICIPANT, {**base_a, "city": "Rezé"}, record, base=base_a
    )
    after = _load(any_database, record)
    assert after["city"] == "Rezé"
    assert _criteria(any_database, record) == [
        ("BRSA", date(2025, 1, 10)),
        ("RQTH", date(2025, 2, 1)),
    ]


def test_a_stale_save_is_refused_and_merges(any_database: Database) -> None:
    record = _participant(any_database)
    base_a = _load(any_database, record)
    base_b = _load(any_database, record)
    records.save_record(
        any_database, Kind.PARTICIPANT, {**base_b, "last_name": "Martin-Roux", "city": "Rezé"},
        record, base=base_b,
    )  # fmt: skip
    mine = {**base_a, "city": "Vertou", "postal_code": "44120"}
    with pytest.raises(records.StaleRecordError) as caught:
        records.save_record(any_database, Kind.PARTICIPANT, mine, record, base=base_a)
    stale = caught.value
    assert _load(any_database, record)["city"] == "Rezé"  # nothing written
    assert stale.theirs is not None and stale.theirs["last_name"] == "Martin-Roux"
    assert stale.conflicts == ["city"]  # both changed it; last_name and postal_code one side
    # Merge, keeping their city: their name, my postal code.
    merged = merge_values(Kind.PARTICIPANT, stale.base, mine, stale.theirs, {"city": THEIRS})
    records.save_record(any_database, Kind.PARTICIPANT, merged, record, base=stale.theirs)
    after = _load(any_database, record)
    assert (after["last_name"], after["city"], after["postal_code"]) == (
        "Martin-Roux",
        "Rezé",
        "44120",
    )
    assert after["version"] == base_a["version"] + 2


def test_a_save_writes_only_the_fields_changed(any_database: Database) -> None:
    # Without a conflict, my save leaves the fields I did not touch as they are now.
    record = _participant(any_database)
    base = _load(any_database, record)
    with any_database.transaction() as session:
        criterion = session.scalars(select(ParticipantCriterion)).one()
        criterion.evidence = "Attestation CAF"  # e.g. an import, which leaves the parent alone
    records.save_record(
        any_database, Kind.PARTICIPANT, {**base, "first_name": "Léna"}, record, base=base
    )
    after = _load(any_database, record)
    assert after["first_name"] == "Léna"
    assert after["criteria"][0]["evidence"] == "Attestation CAF"


def test_a_criterion_changed_on_both_sides_is_stale(any_database: Database) -> None:
    record = _participant(any_database)
    base_a = _load(any_database, record)
    base_b = _load(any_database, record)
    theirs = [{**base_b["criteria"][0], "evidence": "Notification CAF"}]
    records.save_record(
        any_database, Kind.PARTICIPANT, {**base_b, "criteria": theirs}, record, base=base_b
    )
    mine = {**base_a, "criteria": [{**base_a["criteria"][0], "evidence": "Attestation"}]}
    with pytest.raises(records.StaleRecordError) as caught:
        records.save_record(any_database, Kind.PARTICIPANT, mine, record, base=base_a)
    assert caught.value.conflicts == ["criteria"]


def test_concurrent_orm_updates_one_is_stale(any_database: Database) -> None:
    # The version check is in the UPDATE itself: two transactions that both read version 1
    # cannot both write (PostgreSQL: the second waits for the first, then matches no row).
    record = _participant(any_database)
    with any_database.session() as first, any_database.session() as second:
        mine = first.get(Participant, record)
        assert mine is not None and mine.version == 1
        if any_database.engine.dialect.name == "sqlite":
            first.commit()  # its read lock would hold the other writer back (objects kept)
        theirs = second.get(Participant, record)
        assert theirs is not None
        theirs.city = "Rezé"
        second.commit()
        mine.city = "Vertou"
        with pytest.raises(StaleDataError):
            first.commit()
    assert _load(any_database, record)["city"] == "Rezé"


def test_one_criterion_code_once_per_validation_date(database: Database) -> None:
    record = _participant(database)
    base = _load(database, record)
    twice = {
        **base,
        "criteria": [
            *base["criteria"],
            {"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)},
        ],
    }
    with database.session() as session:
        errors = records.validate(session, Kind.PARTICIPANT, twice, record)
    assert errors == {
        "criteria.1.criterion_code": "Ce critère est déjà saisi avec la même date de validation."
    }
    with pytest.raises(records.ValidationError):
        records.save_record(database, Kind.PARTICIPANT, twice, record, base=base)
    later = {
        **base,
        "criteria": [
            *base["criteria"],
            {"criterion_code": "BRSA", "validated_on": date(2025, 9, 1)},
        ],
    }
    records.save_record(database, Kind.PARTICIPANT, later, record, base=base)  # revalidated
    assert _criteria(database, record) == [("BRSA", date(2025, 1, 10)), ("BRSA", date(2025, 9, 1))]


def test_the_same_criterion_added_on_both_sides_is_refused(database: Database) -> None:
    record = _participant(database)
    base_a = _load(database, record)
    base_b = _load(database, record)
    rqth = {"criterion_code": "RQTH", "validated_on": date(2025, 2, 1)}
    records.save_record(
        database, Kind.PARTICIPANT, {**base_b, "criteria": [*base_b["criteria"], rqth]}, record,
        base=base_b,
    )  # fmt: skip
    with pytest.raises(records.ValidationError) as caught:
        records.save_record(
            database, Kind.PARTICIPANT, {**base_a, "criteria": [*base_a["criteria"], rqth]},
            record, base=base_a,
        )  # fmt: skip
    assert caught.value.errors == {
        "criteria.1.criterion_code": "Ce critère est déjà saisi avec la même date de validation."
    }


def test_an_import_update_makes_an_open_form_stale(database: Database, tmp_path: Path) -> None:
    from clauses_app.exchange.clause_import import import_clause_file
    from clauses_app.exchange.writer import export_clause_file
    from clauses_app.services.bootstrap import open_app_database

    record = _participant(database)
    export_clause_file(database, tmp_path / "before.clause")
    other = open_app_database(str(tmp_path / "other.sqlite3"))
    import_clause_file(other, tmp_path / "before.clause")
    base_other = _load(other, record)
    records.save_record(other, Kind.PARTICIPANT, {**base_other, "city": "Rezé"}, record,
                        base=base_other)  # fmt: skip
    export_clause_file(other, tmp_path / "after.clause")
    other.dispose()
    base = _load(database, record)  # a form open here
    report = import_clause_file(database, tmp_path / "after.clause")
    assert report.ok and report.count("participant").updated == 1
    with pytest.raises(records.StaleRecordError):
        records.save_record(database, Kind.PARTICIPANT, {**base, "city": "Vertou"}, record,
                            base=base)  # fmt: skip
