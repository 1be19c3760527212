"""Each employment's counted hours in the period and the last month it counted any: what
the « Contrats et heures » list shows beside each work contract.

Asked for with ``compute_figures(..., employment_hours=True)``: the hours paths (summed,
streamed, reference) note what each employment counts into its award, in the same two parts
as the award (a float sum of two-decimal hours, an exact Decimal sum of the reference
rules' hours), so that an employment's hours are rounded once, as an award's are. Nothing is
noted (and nothing costs) when they are not asked for.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clauses_app.services.counting import ZERO


class EmploymentHours:
    """One employment's counted hours while the figures are computed (see the module)."""

    __slots__ = ("done", "exact", "last")

    def __init__(self) -> None:
        self.done = 0.0
        self.exact = ZERO
        self.last = -1  # month index (year × 12 + month − 1) of the last month with hours


class EmploymentLedger(dict[Any, EmploymentHours]):
    """Raw employment key → :class:`EmploymentHours` (made when first noted)."""

    def __missing__(self, key: Any) -> EmploymentHours:
        entry = self[key] = EmploymentHours()
        return entry

    def note(self, key: Any, hours: float, last: int | None) -> None:
        """Plain hours (two decimals, summed as floats) counted up to month index ``last``."""
        entry = self[key]
        entry.done += hours
        if last is not None and last > entry.last:
            entry.last = last

    def note_exact(self, key: Any, hours: Decimal, last: int) -> None:
        """Hours counted by the reference rules, up to month index ``last``."""
        entry = self[key]
        entry.exact += hours
        if last > entry.last:
            entry.last = last
