"""Hours grids saved by two facilitators: a save over hours someone else saved since the grid
was loaded is refused (French, naming who), and nothing of it is written; two saves at the
same moment wait for each other, and the second is refused the same way."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from clauses_app.models import HoursKind, HoursRecord
from clauses_app.services.hours_entry import HoursGrid, StaleHoursError, load_grid, save_grid
from clauses_app.services.month_entry import load_month_grid, save_month_grid
from clauses_app.storage import Database
from tests import builders as b
from tests.team.conftest import Portfolios, Team

D = Decimal
TODAY = date(2025, 6, 15)
MARCH, APRIL = (2025, 3), (2025, 4)


def _as(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Work as the local account ``name`` (getpass reads LOGNAME first)."""
    monkeypatch.setenv("LOGNAME", name)


def _grid(database: Database, award: object) -> HoursGrid:
    with database.session() as s:
        return load_grid(s, award, TODAY)  # type: ignore[arg-type]


def _month_records(database: Database, employment: object) -> list[tuple[date, Decimal]]:
    with database.session() as s:
        rows = s.execute(
            select(HoursRecord.period_start, HoursRecord.worked_hours)
            .where(HoursRecord.employment_uuid == employment, HoursRecord.kind == HoursKind.MONTH)
            .order_by(HoursRecord.period_start)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_grid_saved_over_newer_hours_is_refused(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), start_date=date(2025, 3, 1), end_date=date(2025, 8, 31))
        award = b.award(s, b.lot(s, con), b.company(s), 600)
        emp = b.employment(s, award, b.participant(s), date(2025, 3, 1))
        b.month_hours(s, emp, 2025, 3, 100)
    mine, theirs = _grid(database, award.uuid), _grid(database, award.uuid)
    _as(monkeypatch, "p.martin")
    theirs.set_value(0, MARCH, D("120"))
    with database.transaction() as s:
        save_grid(s, theirs)
    _as(monkeypatch, "m.durand")
    mine.set_value(0, APRIL, D("140"))  # a cell nobody touched…
    mine.set_value(0, MARCH, D("95"))  # …and one saved meanwhile
    named = r"enregistrées par p\.martin le \d\d/\d\d/\d{4} à \d\d:\d\d depuis son ouverture"
    with pytest.raises(StaleHoursError, match=named) as error, database.transaction() as s:
        save_grid(s, mine)
    assert "rien n'a été enregistré" in str(error.value)
    assert _month_records(database, emp.uuid) == [(date(2025, 3, 1), D("120"))]
    reopened = _grid(database, award.uuid)  # reopened, the change goes through
    reopened.set_value(0, MARCH, D("95"))
    with database.transaction() as s:
        save_grid(s, reopened)
    assert _month_records(database, emp.uuid) == [(date(2025, 3, 1), D("95"))]


def test_the_month_grid_refuses_a_stale_save_too(database: Database) -> None:
    with database.transaction() as s:
        company = b.company(s, "Bâti Ouest")
        con = b.contract(s, b.authority(s), start_date=date(2025, 1, 1))
        emp = b.employment(s, b.award(s, b.lot(s, con), company, 600), b.participant(s),
                           date(2025, 1, 1))  # fmt: skip
    with database.session() as s:
        mine, theirs = (load_month_grid(s, company.uuid, MARCH) for _ in range(2))
    theirs.set_value(0, D("80"))
    with database.transaction() as s:
        save_month_grid(s, theirs)
    mine.set_value(0, D("70"))  # empty when loaded, 80 now
    with pytest.raises(StaleHoursError), database.transaction() as s:
        save_month_grid(s, mine)
    assert _month_records(database, emp.uuid) == [(date(2025, 3, 1), D("80"))]


def _shared_award(team: Team, portfolios: Portfolios) -> object:
    """Authority Y in both facilitators' charge: each sees its award's grid."""
    from clauses_app.services.team import assign

    with team.owner.transaction() as s:
        assign(s, team.users["a"], portfolios.y)
    return portfolios.award_y


def test_two_facilitators_saving_one_grid_at_once(team: Team, portfolios: Portfolios) -> None:
    award = _shared_award(team, portfolios)
    a, bb = team.open("a"), team.open("b")
    grid_a, grid_b = _grid(a, award), _grid(bb, award)
    assert [r.participant_uuid for r in grid_a.rows] == [portfolios.p_y]
    emp = grid_a.rows[0].employment_uuid
    grid_a.set_value(0, APRIL, D("151.67"))
    grid_b.set_value(0, APRIL, D("100"))
    outcome: list[BaseException | None] = []

    def save_b() -> None:
        try:
            with bb.transaction() as s:
                save_grid(s, grid_b)
            outcome.append(None)
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    with a.transaction() as s:  # a saves first and holds its transaction open
        save_grid(s, grid_a)
        other = threading.Thread(target=save_b)
        other.start()
        other.join(0.5)
        assert other.is_alive()  # b waits for a's transaction
    other.join(10)
    (error,) = outcome
    assert isinstance(error, StaleHoursError)
    assert f"par {team.users['a']}" in str(error)
    with team.owner.session() as s:
        count = s.scalar(
            select(func.count()).select_from(HoursRecord).where(HoursRecord.employment_uuid == emp)
        )
    assert count == 1
    assert _month_records(team.owner, emp) == [(date(2025, 4, 1), D("151.67"))]
