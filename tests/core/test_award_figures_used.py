"""Which of an award's own figures each clause mode reads (services.invoices.AWARD_FIGURES_USED,
what the award's form asks for) is what the figures engine reads: for each mode, each figure
is set or left out alone and the award's required hours move exactly when the mapping names
it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from clauses_app.models import ClauseMode
from clauses_app.services.figures import compute_figures
from clauses_app.services.invoices import AWARD_FIGURES_USED
from clauses_app.services.periods import Period
from tests import builders as b

FIGURES = {
    "required_hours": Decimal("300"),
    "required_percent": Decimal("10"),
    "worked_hours_total": Decimal("5000"),
}
LOT_TERMS: dict[str, dict[str, Any]] = {
    ClauseMode.HOURS: {"required_hours": Decimal("800")},
    ClauseMode.PERCENT: {"required_percent": Decimal("5")},
    ClauseMode.INVOICED: {"tranche_amount": Decimal("2000"), "tranche_hours": Decimal("1")},
}


def required_hours(database: Any, mode: str, figures: dict[str, Decimal]) -> Decimal:
    """The hours owed by a new award of a new lot in ``mode`` with ``figures`` of its own."""
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), start_date=date(2025, 1, 1))
        lot = b.lot(s, con, clause_mode=mode, **LOT_TERMS[mode])
        own = dict(figures)
        award = b.award(s, lot, b.company(s), own.pop("required_hours", None), **own)
        if mode == ClauseMode.INVOICED:
            b.invoice(s, award, date(2025, 6, 30), Decimal("20000"))
        award_uuid = award.uuid
    with database.session() as s:
        figures_of = {a.award_uuid: a for a in compute_figures(s, Period()).awards}
    found = figures_of.get(award_uuid)  # an award that owes nothing and did nothing is left out
    return found.hours_required if found is not None else Decimal(0)


@pytest.mark.parametrize("mode", ClauseMode.ALL)
@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_a_figure_moves_the_hours_owed_exactly_when_its_mode_reads_it(
    database: Any, mode: str, figure: str
) -> None:
    others = {name: value for name, value in FIGURES.items() if name != figure}
    without = required_hours(database, mode, others)
    with_it = required_hours(database, mode, {**others, figure: FIGURES[figure]})
    assert (with_it != without) == (figure in AWARD_FIGURES_USED[mode]), (without, with_it)
