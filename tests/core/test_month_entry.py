"""Saisie du mois: one employer's month across its awards, loaded, edited and saved in one
transaction (hand-made case of tests/exchange/test_statements.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clauses_app.models import Employment
from clauses_app.services.hours_entry import HoursColumn, HoursEntryError
from clauses_app.services.month_entry import (
    employers_in_month,
    load_month_grid,
    save_month_grid,
)
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.test_statements import MARCH, build_case, month_records

D = Decimal


def test_the_grid_lists_the_employers_month_across_awards(database: Database) -> None:
    case = build_case(database)
    with database.session() as s:
        employers = employers_in_month(s, MARCH)
        # Bâti Ouest: Léa Martin (lot 1) and Max Roux (lot 2, no clause: still its hours);
        # ETTI Relais: Paul Durand. Zoé Petit ended in February.
        assert [(name, count) for _u, name, count in employers] == [
            ("Bâti Ouest", 2), ("ETTI Relais", 1),
        ]  # fmt: skip
        grid = load_month_grid(s, case.awardee, MARCH)
    assert [r.name for r in grid.rows] == ["MARTIN Léa", "ROUX Max"]
    assert [r.place for r in grid.rows] == ["M-2025-01, lot 1", "M-2025-01, lot 2"]
    assert grid.previous == {case.martin: D("120.00")} and grid.cells == {}


def test_typed_hours_are_saved_in_one_transaction(database: Database) -> None:
    case = build_case(database)
    with database.session() as s:
        grid = load_month_grid(s, case.awardee, MARCH)
    grid.set_value(0, D("151.67"))
    grid.set_value(0, D("7"), HoursColumn.TRAINING)
    grid.set_value(1, D("60"))
    assert grid.total(HoursColumn.WORKED) == D("211.67") and grid.is_dirty
    assert grid.warnings() == []  # 158,67 h for Léa Martin, 60 h for Max Roux
    with database.transaction() as s:
        result = save_month_grid(s, grid)
    assert (result.inserted, result.updated, result.deleted) == (2, 0, 0)
    records = month_records(database)
    assert records[(case.martin, date(2025, 3, 1))] == (D("151.67"), D("7.00"))
    with database.session() as s:
        again = load_month_grid(s, case.awardee, MARCH)
    assert not again.is_dirty and again.value(0) == D("151.67")
    again.set_value(0, None)
    again.set_value(0, None, HoursColumn.TRAINING)
    with database.transaction() as s:
        assert save_month_grid(s, again).deleted == 1
    assert (case.martin, date(2025, 3, 1)) not in month_records(database)


def test_more_than_the_monthly_warning_is_flagged_never_refused(database: Database) -> None:
    case = build_case(database)
    with database.session() as s:
        grid = load_month_grid(s, case.awardee, MARCH)
    grid.set_value(0, D("200"))
    grid.set_value(0, D("9"), HoursColumn.TRAINING)  # 209 h > 208 h
    assert grid.warning(0) and "MARTIN Léa" in grid.warning(0)  # type: ignore[operator]
    assert grid.warning(1) is None
    with database.transaction() as s:
        save_month_grid(s, grid)
    assert month_records(database)[(case.martin, date(2025, 3, 1))] == (D("200.00"), D("9.00"))


def test_an_employment_deleted_meanwhile_refuses_the_whole_save(database: Database) -> None:
    case = build_case(database)
    with database.session() as s:
        grid = load_month_grid(s, case.awardee, MARCH)
    grid.set_value(0, D("10"))
    grid.set_value(1, D("20"))
    with database.transaction() as s:
        s.delete(s.get(Employment, case.martin))
    before = fingerprint(database)
    with pytest.raises(HoursEntryError, match="rouvrez"), database.transaction() as s:
        save_month_grid(s, grid)
    assert fingerprint(database) == before
