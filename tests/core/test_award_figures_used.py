"""Which figures of a lot and of its awards each clause mode reads (services.figures.awards.
LOT_FIGURES_USED and AWARD_FIGURES_USED: what the lot's and the award's forms ask for) is what
the figures engine reads: for each mode, each figure is set or left out alone and the award's
required hours move exactly when the mapping names it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from clauses_app.models import ClauseMode
from clauses_app.services.figures import compute_figures
from clauses_app.services.figures.awards import AWARD_FIGURES_USED, LOT_FIGURES_USED
from clauses_app.services.periods import Period
from tests import builders as b

AWARD_FIGURES = {
    "required_hours": Decimal("300"),
    "required_percent": Decimal("10"),
    "worked_hours_total": Decimal("5000"),
}
LOT_FIGURES = {
    "required_hours": Decimal("800"),
    "required_percent": Decimal("5"),
    "tranche_hours": Decimal("2"),
    "tranche_amount": Decimal("2000"),
}


def required_hours(
    database: Any, mode: str, lot_figures: dict[str, Decimal], award_figures: dict[str, Decimal]
) -> Decimal:
    """The hours owed by a new award of a new lot in ``mode``, with these figures."""
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), start_date=date(2025, 1, 1))
        lot = b.lot(s, con, clause_mode=mode, **lot_figures)
        own = dict(award_figures)
        award = b.award(s, lot, b.company(s), own.pop("required_hours", None), **own)
        b.invoice(s, award, date(2025, 6, 30), Decimal("20000"))
        award_uuid = award.uuid
    with database.session() as s:
        figures_of = {a.award_uuid: a for a in compute_figures(s, Period()).awards}
    found = figures_of.get(award_uuid)  # an award that owes nothing and did nothing is left out
    return found.hours_required if found is not None else Decimal(0)


@pytest.mark.parametrize("mode", ClauseMode.ALL)
@pytest.mark.parametrize("figure", sorted(AWARD_FIGURES))
def test_an_awards_figure_moves_the_hours_owed_exactly_when_its_mode_reads_it(
    database: Any, mode: str, figure: str
) -> None:
    """The lot has every figure of its own: an award's figure that is read wins over them."""
    others = {name: value for name, value in AWARD_FIGURES.items() if name != figure}
    without = required_hours(database, mode, LOT_FIGURES, others)
    with_it = required_hours(database, mode, LOT_FIGURES, {**others, figure: AWARD_FIGURES[figure]})
    assert (with_it != without) == (figure in AWARD_FIGURES_USED[mode]), (without, with_it)


@pytest.mark.parametrize("mode", ClauseMode.ALL)
@pytest.mark.parametrize("figure", sorted(LOT_FIGURES))
def test_a_lots_figure_moves_the_hours_owed_exactly_when_its_mode_reads_it(
    database: Any, mode: str, figure: str
) -> None:
    """The award has only the hours worked (a percentage applies to them), no figure that
    would take the place of the lot's."""
    worked = {"worked_hours_total": AWARD_FIGURES["worked_hours_total"]}
    others = {name: value for name, value in LOT_FIGURES.items() if name != figure}
    without = required_hours(database, mode, others, worked)
    with_it = required_hours(database, mode, {**others, figure: LOT_FIGURES[figure]}, worked)
    assert (with_it != without) == (figure in LOT_FIGURES_USED[mode]), (without, with_it)
