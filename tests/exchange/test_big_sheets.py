"""Big trackers in bounded memory: the import holds neither every row nor an ORM object per
new record (issue 20: a 20 MB tracker took 1.9 GB). The 20 MB and 200 MB files themselves are
measured by `python -m bench.torture --measure` (docs/reliability.md), not here."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from sqlalchemy import func, select

from clauses_app.exchange import import_sheet, preview_sheet
from clauses_app.models import Employment, HoursRecord, Participant, ParticipantCriterion
from clauses_app.storage import Database
from tests.exchange.sheet_makers import write_tracker_csv

ROWS = 1500


def _traced_peak_mb(call):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_a_tracker_preview_stays_small(database: Database, tmp_path: Path) -> None:
    """1,500 rows, each a new person: 6,000 new records. Holding them as ORM objects took
    28 MB of Python memory at 1,500 rows (measured before the change); batched, 7 MB."""
    path = write_tracker_csv(tmp_path / "t.csv", rows=ROWS)
    result, peak_mb = _traced_peak_mb(lambda: preview_sheet(database, path, "tracker"))
    assert result.ok and result.count("employment").new == ROWS
    assert peak_mb < 15, peak_mb


def test_batched_import_writes_every_record(database: Database, tmp_path: Path) -> None:
    """More rows than one batch; then the same file again changes nothing."""
    path = write_tracker_csv(tmp_path / "t.csv", rows=ROWS)
    first = import_sheet(database, path, "tracker")
    assert first.applied and first.count("hours_record").new == ROWS
    with database.session() as s:
        for model in (Participant, ParticipantCriterion, Employment, HoursRecord):
            assert s.scalar(select(func.count()).select_from(model)) == ROWS, model
    again = import_sheet(database, path, "tracker")
    assert again.applied
    for entity in ("participant", "employment", "hours_record"):
        counts = again.count(entity)
        assert (counts.new, counts.updated, counts.unchanged) == (0, 0, ROWS), entity
