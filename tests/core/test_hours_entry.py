"""The hours grid of one award: parsing, loading, running totals, warnings and saving."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from clauses_app.models import HoursKind, HoursRecord
from clauses_app.services.hours_entry import (
    HoursColumn,
    HoursEntryError,
    HoursInputError,
    load_grid,
    parse_hours,
    save_grid,
)
from tests import builders as b

D = Decimal
TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("151,67", D("151.67")),
        ("151.67", D("151.67")),
        ("\u00a0151,67\u202fh ", D("151.67")),  # pasted from a French spreadsheet
        ("12 h", D("12.00")),
        ("7,125", D("7.13")),  # half-up to the cent
        ("0", D("0.00")),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_hours_accepts_french_and_dot_decimals(text: str, expected: Decimal | None) -> None:
    assert parse_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-3", "Les heures ne peuvent pas être négatives."),
        ("abc", "« abc » n'est pas un nombre d'heures."),
        ("1,2,3", "« 1,2,3 » n'est pas un nombre d'heures."),
        ("NaN", "« NaN » n'est pas un nombre d'heures."),
        ("1\u202f234,5", "Un mois ne compte pas plus de 744 heures."),
    ],
)
def test_parse_hours_refuses_negative_and_non_numeric(text: str, message: str) -> None:
    with pytest.raises(HoursInputError) as error:
        parse_hours(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12 5", "« 12 5 » n'est pas un nombre d'heures."),  # two numbers, not 125
        ("1.234", "« 1.234 » : mille heures ou une heure ? Écrivez 1234 ou 1,234."),
        ("1e3", "« 1e3 » n'est pas un nombre d'heures."),
        ("12 h 30", "« 12 h 30 » n'est pas un nombre d'heures."),
    ],
)
def test_parse_hours_refuses_what_it_would_have_to_guess(text: str, message: str) -> None:
    with pytest.raises(HoursInputError) as error:
        parse_hours(text)
    assert str(error.value) == message


def test_a_month_holds_no_more_hours_than_its_days() -> None:
    assert parse_hours("672", (2025, 2)) == D("672.00")  # 28 × 24
    assert parse_hours("696", (2024, 2)) == D("696.00")  # a leap year
    assert parse_hours("720", (2025, 4)) == D("720.00")
    for text, month, message in (
        ("700", (2025, 2), "Février 2025 ne compte pas plus de 672 heures."),
        ("720,01", (2025, 4), "Avril 2025 ne compte pas plus de 720 heures."),
    ):
        with pytest.raises(HoursInputError) as error:
            parse_hours(text, month)
        assert str(error.value) == message


@pytest.fixture
def award_case(session):  # type: ignore[no-untyped-def]
    """An award of 600 h over Mar–Aug 2025 with two employments:
    Martin (CDD, Mar–May, 100 h in March with 10 h of training) and Bernard (CDI from June,
    an undivided total of 90 h over Jun–Aug from a tracker)."""
    auth = b.authority(session)
    con = b.contract(session, auth, "M-7", start_date=date(2025, 3, 1), end_date=date(2025, 8, 31))
    aw = b.award(
        session, b.lot(session, con, title="Peinture"), b.company(session, "SAS Couleur"), 600
    )
    martin = b.participant(session, "Martin", "Léa")
    bernard = b.participant(session, "Bernard", "Paul")
    e_martin = b.employment(session, aw, martin, date(2025, 3, 3), date(2025, 5, 31))
    e_bernard = b.employment(session, aw, bernard, date(2025, 6, 1), contract_type_code="CDI")
    b.month_hours(session, e_martin, 2025, 3, 100, training=10)
    b.total_hours(session, e_bernard, date(2025, 6, 1), date(2025, 8, 31), 90)
    session.commit()
    return aw, e_martin, e_bernard


def test_load_grid(session, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, *_ = award_case
    grid = load_grid(session, aw.uuid, TODAY)
    assert grid.title == "SAS Couleur — marché M-7, lot 1 (Peinture)"
    assert grid.months == [(2025, m) for m in range(3, 9)]
    assert [r.participant_name for r in grid.rows] == ["BERNARD Paul", "MARTIN Léa"]
    assert [r.contract_type for r in grid.rows] == ["CDI", "CDD"]
    assert grid.rows[0].undivided_total == D("90")
    assert grid.value(1, (2025, 3)) == D("100")
    assert grid.value(1, (2025, 3), HoursColumn.TRAINING) == D("10")
    assert grid.value(1, (2025, 4)) is None
    # required from the award; counted by compute_figures: 100 + 10 + 90 (spread total)
    assert (grid.required_hours, grid.counted_hours) == (D("600"), D("200"))
    assert grid.total() == D("110")  # only month records are in the grid's cells
    assert not grid.is_dirty


def test_only_the_employment_months_are_editable(session, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, *_ = award_case
    grid = load_grid(session, aw.uuid, TODAY)
    assert grid.editable(1, (2025, 5)) and not grid.editable(1, (2025, 6))  # Martin ends in May
    assert not grid.editable(0, (2025, 5)) and grid.editable(0, (2025, 8))  # Bernard from June


def test_running_totals_follow_edits(session, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, *_ = award_case
    grid = load_grid(session, aw.uuid, TODAY)
    grid.set_value(1, (2025, 4), D("120.5"))
    grid.set_value(1, (2025, 4), D("4"), HoursColumn.TRAINING)
    grid.set_value(0, (2025, 6), D("151.67"))
    assert grid.row_total(1) == D("234.5")  # 100 + 10 + 120.5 + 4
    assert grid.row_total(1, HoursColumn.WORKED) == D("220.5")
    assert grid.month_total((2025, 4)) == D("124.5")
    assert grid.total() == D("386.17")
    assert grid.total(HoursColumn.TRAINING) == D("14")
    assert grid.is_dirty


def test_more_than_208_hours_a_month_is_flagged_across_awards(session, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, e_martin, _ = award_case
    other_con = b.contract(session, b.authority(session, "Autre"), "Z-1")
    other = b.award(session, b.lot(session, other_con), b.company(session, "Autre SA"), 100)
    other_emp = b.employment(session, other, e_martin.participant, date(2025, 4, 1))
    b.month_hours(session, other_emp, 2025, 4, 100)
    session.commit()
    grid = load_grid(session, aw.uuid, TODAY)
    grid.set_value(1, (2025, 4), D("108"))
    assert grid.warning(1, (2025, 4)) is None  # 208 h: at the threshold
    grid.set_value(1, (2025, 4), D("110"))
    assert grid.person_month_hours(1, (2025, 4)) == D("210")
    assert grid.warning(1, (2025, 4)) == (
        "210\u00a0h dans le mois pour cette personne (tous contrats) : plus de 208\u00a0h, "
        "vérifiez le relevé."
    )


def _load(database, award_uuid):  # type: ignore[no-untyped-def]
    """Load in a session closed at once, as the window does (SQLite: no reader left open)."""
    with database.session() as s:
        return load_grid(s, award_uuid, TODAY)


def _records(database, employment_uuid):  # type: ignore[no-untyped-def]
    with database.session() as s:
        rows = s.scalars(
            select(HoursRecord)
            .where(HoursRecord.employment_uuid == employment_uuid)
            .order_by(HoursRecord.period_start)
        )
        return [
            (r.kind, r.period_start, r.period_end, r.worked_hours, r.training_hours) for r in rows
        ]


def test_save_inserts_updates_and_deletes_in_one_transaction(database, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, e_martin, _ = award_case
    grid = _load(database, aw.uuid)
    grid.set_value(1, (2025, 3), D("95"))  # update
    grid.set_value(1, (2025, 4), D("140"))  # insert
    with database.transaction() as s:
        result = save_grid(s, grid)
    assert (result.inserted, result.updated, result.deleted) == (1, 1, 0)
    assert _records(database, e_martin.uuid) == [
        (HoursKind.MONTH, date(2025, 3, 1), date(2025, 3, 31), D("95"), D("10")),
        (HoursKind.MONTH, date(2025, 4, 1), date(2025, 4, 30), D("140"), D("0")),
    ]
    reloaded = _load(database, aw.uuid)
    assert not reloaded.is_dirty
    assert reloaded.counted_hours == D("335")  # 95 + 10 + 140 + 90
    reloaded.set_value(1, (2025, 4), None)  # emptied cell: no statement any more
    with database.transaction() as s:
        assert save_grid(s, reloaded).deleted == 1
    assert len(_records(database, e_martin.uuid)) == 1


def test_months_replace_the_undivided_total(database, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, _, e_bernard = award_case
    grid = _load(database, aw.uuid)
    grid.set_value(0, (2025, 6), D("35"))
    with database.transaction() as s:
        assert save_grid(s, grid).totals_removed == 1
    assert _records(database, e_bernard.uuid) == [
        (HoursKind.MONTH, date(2025, 6, 1), date(2025, 6, 30), D("35"), D("0")),
    ]
    assert _load(database, aw.uuid).counted_hours == D("145")  # 110 + 35, total gone


def test_a_failed_save_changes_nothing(database, award_case) -> None:  # type: ignore[no-untyped-def]
    aw, e_martin, e_bernard = award_case
    grid = _load(database, aw.uuid)
    grid.set_value(1, (2025, 4), D("140"))
    grid.set_value(0, (2025, 6), D("35"))
    with database.transaction() as s:  # someone deletes Bernard's contract meanwhile
        s.delete(s.get(type(e_bernard), e_bernard.uuid))
    with pytest.raises(HoursEntryError), database.transaction() as s:
        save_grid(s, grid)
    assert len(_records(database, e_martin.uuid)) == 1


def test_unknown_award(session) -> None:  # type: ignore[no-untyped-def]
    import uuid

    with pytest.raises(HoursEntryError):
        load_grid(session, uuid.uuid4(), TODAY)
