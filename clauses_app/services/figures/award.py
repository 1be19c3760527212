"""One award's figures for a period: made when the awards are read, counted into, then rounded.

A national balance has ~75,000 awards, so one object serves the whole computation: reading
the awards (:mod:`awards`) makes it with the award's required hours, the hours paths add its
counted hours into ``done`` (floats, :mod:`summed`, :mod:`streamed`) and ``exact``
(Decimal, :mod:`reference`),
and :func:`clauses_app.services.figures.compute_figures` rounds them to the cent.

Figures are kept in whole cents (exact, and summed as integers): ``hours_required``,
``hours_done`` and ``hours_done_pooled`` are the Decimal hours they stand for, made when
asked for. Identifiers are kept raw and become UUIDs when first asked for: most screens
group the awards by one key only (the authority, the lot).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from clauses_app.services.counting import ZERO, hours_from_cents, pending_excluded

if TYPE_CHECKING:
    from clauses_app.services.figures.awards import LotTerms, UuidCache
    from clauses_app.services.settings import CountingRules


class AwardFigures:
    """One award's figures for the period (hours cent-rounded; ``monthly`` unrounded)."""

    __slots__ = (
        "company_key",
        "done",
        "done_cents",
        "done_to_date",
        "employment_count",
        "exact",
        "exact_to_date",
        "key",
        "lot",
        "monthly",
        "pending",
        "pending_cents",
        "pending_exact",
        "pooled_cents",
        "required_cents",
        "rules",
        "to_date_cents",
        "uuids",
    )

    def __init__(
        self,
        key: Any,
        company_key: Any,
        lot: LotTerms,
        required_cents: int,
        uuids: UuidCache,
        monthly: dict[int, float] | None = None,
    ) -> None:
        self.key = key  # raw ids: hex text on SQLite, UUIDs on PostgreSQL
        self.company_key = company_key
        self.lot = lot
        self.rules: CountingRules = lot.contract.rules  # read once per employment counted
        self.required_cents = required_cents
        self.uuids = uuids  # raw ids → UUIDs, shared by the awards of one computation
        # Counted hours while the figures are computed, then rounded once: plain
        # employments' two-decimal hours as a float sum (exact once rounded to the cent),
        # the reference rules' hours (caps, conversions, spread totals: any number of
        # decimals) as an exact Decimal sum, so that the rounding never depends on the
        # order in which a path adds them.
        self.done = 0.0
        self.exact = ZERO
        self.done_cents = 0
        # Hours of employments whose eligibility is pending, counted in ``done`` or not per
        # the rules' ``unvalidated_hours`` (float and exact parts, as ``done``), then cents.
        self.pending = 0.0
        self.pending_exact = ZERO
        self.pending_cents = 0
        self.pooled_cents = 0  # after pooling (pooling.py)
        self.employment_count = 0
        # Unrounded counted hours per month index (year × 12 + month − 1), only when
        # compute_figures(..., award_months=True) was asked for them.
        self.monthly = monthly
        # Counted hours up to a month (compute_figures(..., done_up_to=)): the plain
        # employments' float sum (whole cents), the reference rules' exact hours per month
        # index (made when there are any), then cents, each month rounded to the cent.
        self.done_to_date = 0.0
        self.exact_to_date: dict[int, Decimal] | None = None
        self.to_date_cents = 0

    @property
    def hours_required(self) -> Decimal:
        return hours_from_cents(self.required_cents)

    @property
    def hours_done(self) -> Decimal:
        return hours_from_cents(self.done_cents)

    @property
    def hours_done_pooled(self) -> Decimal:
        return hours_from_cents(self.pooled_cents)

    @property
    def hours_done_to_date(self) -> Decimal:
        """Hours counted up to the end of the month ``compute_figures(..., done_up_to=)``
        named (zero when it was not asked for): each month's hours rounded to the cent, as
        a month-by-month table shows them, then added up."""
        return hours_from_cents(self.to_date_cents)

    @property
    def hours_pending(self) -> Decimal:
        """Hours of employments whose eligibility is pending (in ``hours_done`` when
        :attr:`pending_counted`)."""
        return hours_from_cents(self.pending_cents)

    @property
    def pending_counted(self) -> bool:
        """Whether this award's rules count the hours of pending eligibility."""
        return not pending_excluded(self.rules, True)

    @property
    def counted(self) -> bool:
        """Whether any hours were counted into this award."""
        return bool(self.done or self.exact)

    @property
    def pooling_scope(self) -> str:
        return self.lot.contract.pooling_scope

    @property
    def lot_number(self) -> str:
        return self.lot.number

    @property
    def raw_keys(self) -> tuple[Any, ...]:
        """The award's, lot's, contract's, operation's, authority's and company's ids as
        stored: for counting and matching many awards without making a UUID of each."""
        lot = self.lot
        contract = lot.contract
        return (
            self.key, lot.key, contract.key, contract.operation_key, contract.authority_key,
            self.company_key,
        )  # fmt: skip

    @property
    def award_uuid(self) -> uuid.UUID:
        return self.uuids[self.key]  # type: ignore[no-any-return]

    @property
    def lot_uuid(self) -> uuid.UUID:
        return self.uuids[self.lot.key]  # type: ignore[no-any-return]

    @property
    def contract_uuid(self) -> uuid.UUID:
        return self.uuids[self.lot.contract.key]  # type: ignore[no-any-return]

    @property
    def operation_uuid(self) -> uuid.UUID | None:
        return self.uuids[self.lot.contract.operation_key]  # type: ignore[no-any-return]

    @property
    def authority_uuid(self) -> uuid.UUID:
        return self.uuids[self.lot.contract.authority_key]  # type: ignore[no-any-return]

    @property
    def company_uuid(self) -> uuid.UUID:
        return self.uuids[self.company_key]  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"AwardFigures({self.award_uuid}, {self.hours_required} h, {self.hours_done} h)"
