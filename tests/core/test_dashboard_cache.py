"""The dashboard kept between runs (storage.result_cache): handed back while the data have not
changed, computed again after any write, whoever wrote; never kept without a stamp."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import clauses_app
from clauses_app import paths
from clauses_app.models import Employment
from clauses_app.services import dashboard
from clauses_app.services.dashboard import load_snapshot, snapshot_from_json, snapshot_to_json
from clauses_app.storage import Database, result_cache
from tests import builders as b
from tests.conftest import requires_postgres

TODAY = date(2025, 11, 22)


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the dashboard's computations of figures."""
    calls: list[int] = []
    compute = dashboard.compute_figures

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(dashboard, "compute_figures", counted)
    return calls


def _fill(database: Database) -> uuid.UUID:
    """One authority: 1,200 h required over 2025, 350 h done in March (a person of the
    employment is one of the 2 participants counted below)."""
    with database.transaction() as s:
        authority = b.authority(s, "Ville A")
        contract = b.contract(
            s, authority, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
        )
        award = b.award(s, b.lot(s, contract), b.company(s), 1200)
        employment = b.employment(s, award, b.participant(s), date(2025, 1, 1))
        b.month_hours(s, employment, 2025, 3, 350)
        b.employment(s, award, b.participant(s, "Durand"), date(2025, 6, 1))
        return authority.uuid


def test_a_start_on_unchanged_data_shows_the_kept_dashboard(
    database: Database, computations: list[int]
) -> None:
    authority = _fill(database)
    first = load_snapshot(database, None, None, TODAY)
    assert (first.figures.year, first.figures.hours_required) == (2025, D("1200"))
    assert first.figures.hours_done == D("350")
    assert (first.figures.participants, first.figures.employments) == (2, 2)
    assert load_snapshot(database, None, None, TODAY) == first
    assert computations == [1]

    # Another request is computed and kept beside it.
    one = load_snapshot(database, 2025, authority, TODAY)
    assert one.figures.authority_uuid == authority and one.figures.hours_done == D("350")
    assert load_snapshot(database, 2025, authority, TODAY) == one
    assert load_snapshot(database, None, None, TODAY) == first
    assert computations == [1, 1]

    # The default year follows today's: another year, another request.
    load_snapshot(database, None, None, date(2026, 1, 2))
    assert computations == [1, 1, 1]


def test_a_computed_snapshot_hands_over_its_computation_a_kept_one_has_none(
    database: Database,
) -> None:
    """The caller lets go of the figures' work objects when it suits it (the page: once the
    figures are painted); a kept snapshot had no computation."""
    from clauses_app.services.figures import Figures

    _fill(database)
    computed = load_snapshot(database, None, None, TODAY)
    assert [type(work) for work in computed.computation] == [Figures]
    assert computed.computation[0].total().hours_done == D("350")
    kept_again = load_snapshot(database, None, None, TODAY)
    assert kept_again == computed and kept_again.computation == []


def test_any_write_makes_the_dashboard_computed_again(
    database: Database, computations: list[int]
) -> None:
    _fill(database)
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("350")
    with database.transaction() as s:  # through the application
        employment = s.scalars(select(Employment)).first()
        assert employment is not None
        b.month_hours(s, employment, 2025, 4, 100)
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("450")
    path = database.file_path
    assert path is not None
    with sqlite3.connect(path) as other:  # another program
        other.execute("UPDATE hours_record SET worked_hours = 10")
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("20")
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("20")
    assert computations == [1, 1, 1]


def test_another_version_of_the_application_computes_again(
    database: Database, computations: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(database)
    load_snapshot(database, None, None, TODAY)
    monkeypatch.setattr(clauses_app, "__version__", "99.0.0", raising=False)
    result_cache.code_version.cache_clear()  # read once per process
    try:
        load_snapshot(database, None, None, TODAY)
        load_snapshot(database, None, None, TODAY)
    finally:
        result_cache.code_version.cache_clear()
    assert computations == [1, 1]


def test_a_damaged_or_unwritable_cache_only_costs_a_computation(
    database: Database, computations: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fill(database)
    load_snapshot(database, None, None, TODAY)
    file = paths.cache_dir() / "dashboard.json"
    file.write_text("{ not json", encoding="utf-8")
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("350")
    rewritten = json.loads(file.read_text(encoding="utf-8"))
    assert rewritten["format"] == result_cache.FORMAT

    stored = json.loads(file.read_text(encoding="utf-8"))
    for entry in stored["entries"].values():  # a kept value of the wrong shape
        entry["value"]["figures"]["hours_done"] = "beaucoup"
    file.write_text(json.dumps(stored), encoding="utf-8")
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("350")

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    monkeypatch.setattr(paths, "cache_dir", lambda: not_a_folder)
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("350")

    def refused() -> Path:
        raise PermissionError("accès refusé")

    monkeypatch.setattr(paths, "cache_dir", refused)
    assert load_snapshot(database, None, None, TODAY).figures.hours_done == D("350")
    assert computations == [1, 1, 1, 1, 1]


def test_the_cache_keeps_the_latest_requests(database: Database) -> None:
    _fill(database)
    for year in range(2000, 2000 + result_cache.ENTRIES + 4):
        load_snapshot(database, year, None, TODAY)
    stored = json.loads((paths.cache_dir() / "dashboard.json").read_text(encoding="utf-8"))
    requests = sorted(key.split("|")[1] for key in stored["entries"])
    assert requests == [str(y) for y in range(2004, 2000 + result_cache.ENTRIES + 4)]


def test_a_snapshot_reads_back_from_json(database: Database) -> None:
    authority = _fill(database)
    for year, scope in ((None, None), (2030, authority)):  # 2030: no rate (nothing required)
        snapshot = load_snapshot(database, year, scope, TODAY)
        assert snapshot_from_json(json.loads(json.dumps(snapshot_to_json(snapshot)))) == snapshot
    assert snapshot.figures.completion_rate is None


@requires_postgres
def test_nothing_is_kept_on_a_server(pg_database: Database, computations: list[int]) -> None:
    _fill(pg_database)
    for _ in range(2):
        assert load_snapshot(pg_database, None, None, TODAY).figures.hours_done == D("350")
    assert computations == [1, 1]
    assert not (paths.cache_dir() / "dashboard.json").exists()
