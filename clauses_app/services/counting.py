"""Counting rules: which hours of one employment count, month by month (guide §3, §6).

:func:`counted_hours` is the reference implementation of every rule: pure functions over plain
rows, so each rule can be tested on a hand-computed case without a database. The figures
(``services/figures``) count most employments faster, straight from their monthly hours;
:data:`RULE_FIELDS` says, for every field of ``CountingRules``, whether those fast paths apply
it themselves or send the employments it touches here.

Adding a rule:
1. add the field to ``CountingRules`` (services/settings.py) and apply it in
   :func:`counted_hours`;
2. classify it in :data:`RULE_FIELDS`: usually with a test saying which employments it
   touches (they are then counted here, whatever path the figures take: nothing else to
   change), or :data:`APPLIED_BY_FAST_PATHS` only after teaching both fast paths (summed and
   streamed) to apply it;
3. give it values in tests/core/test_figures_agree.py's strategy, which checks that every
   path agrees with this one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from clauses_app.models import HoursKind, Modality
from clauses_app.services.periods import Month, month_index, month_of, months_between
from clauses_app.services.settings import CountingRules, SubcontractingMode, UnvalidatedHours

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class HoursRow:
    kind: str
    period_start: date
    period_end: date
    worked: Decimal
    training: Decimal


@dataclass(frozen=True)
class EmploymentRow:
    """What the counting rules need to know about one employment."""

    modality: str
    contract_type: str
    start: date
    end: date | None
    transferred_staff: bool = False
    ineligible: bool = False
    invoiced_amount: Decimal | None = None
    # Performance period of the lot (its contract's when the lot has none); None = unknown.
    performance_start: date | None = None
    performance_end: date | None = None
    labour_share: Decimal | None = None  # percent, for the sub-contracting conversion
    hourly_cost: Decimal | None = None
    # Eligibility not validated in time (services/eligibility.py: late, expired, to
    # document or none): counted or not per the rules' ``unvalidated_hours``.
    pending: bool = False


def spread_total(row: HoursRow) -> dict[Month, tuple[Decimal, Decimal]]:
    """An undivided total spread evenly over the calendar months of its period."""
    months = list(months_between(month_of(row.period_start), month_of(row.period_end)))
    n = Decimal(len(months)) or Decimal(1)
    return {m: (row.worked / n, row.training / n) for m in months}


def monthly_hours(rows: list[HoursRow]) -> dict[Month, tuple[Decimal, Decimal]]:
    """(worked, training) per month. Month records replace undivided totals: never both."""
    result: dict[Month, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    month_rows = [r for r in rows if r.kind == HoursKind.MONTH]
    if month_rows:
        for r in month_rows:
            cell = result[month_of(r.period_start)]
            cell[0] += r.worked
            cell[1] += r.training
    else:
        for r in rows:
            for month, (worked, training) in spread_total(r).items():
                cell = result[month]
                cell[0] += worked
                cell[1] += training
    return {m: (w, t) for m, (w, t) in result.items()}


def _in_performance(month: Month, employment: EmploymentRow) -> bool:
    if employment.performance_start and month < month_of(employment.performance_start):
        return False
    return not (employment.performance_end and month > month_of(employment.performance_end))


def _counted_training(worked: Decimal, training: Decimal, rules: CountingRules) -> Decimal:
    if not rules.training_counted:
        return ZERO
    if rules.training_cap_percent is None:
        return training
    return min(training, worked * rules.training_cap_percent / HUNDRED)


def _converted_subcontracting(
    employment: EmploymentRow, rules: CountingRules, default_hourly_cost: Decimal
) -> dict[Month, Decimal]:
    """Invoiced amount × labour share ÷ hourly cost, spread over the employment's months."""
    amount = employment.invoiced_amount or ZERO
    share = employment.labour_share
    if share is None:
        share = rules.subcontracting_labour_share
    cost = employment.hourly_cost or default_hourly_cost
    hours = amount * share / HUNDRED / cost if cost > 0 else ZERO
    last = employment.end or employment.start
    months = list(months_between(month_of(employment.start), month_of(last)))
    n = Decimal(len(months))
    return {m: hours / n for m in months}


def excluded(rules: CountingRules, transferred_staff: object, ineligible: object) -> bool:
    """An employment that counts no hours at all (ineligible, or transferred staff when the
    rules do not count them)."""
    return bool(ineligible or (transferred_staff and not rules.transferred_staff_counted))


def pending_excluded(rules: CountingRules, pending: bool) -> bool:
    """A pending employment (eligibility not validated in time) whose hours the rules do not
    count. Its hours are still worked out, to be shown apart (« en attente »)."""
    return pending and rules.unvalidated_hours == UnvalidatedHours.EXCLUDED


def counted_hours(
    employment: EmploymentRow,
    rows: list[HoursRow],
    rules: CountingRules,
    default_hourly_cost: Decimal = Decimal(30),
) -> dict[Month, Decimal]:
    """Hours that count toward the clause, per month, unrounded (round after summing)."""
    if excluded(rules, employment.transferred_staff, employment.ineligible):
        return {}
    if pending_excluded(rules, employment.pending):
        return {}
    if (
        employment.modality == Modality.SUBCONTRACTING
        and rules.subcontracting_mode == SubcontractingMode.AMOUNT
    ):
        per_month = _converted_subcontracting(employment, rules, default_hourly_cost)
    else:
        per_month = {
            m: worked + _counted_training(worked, training, rules)
            for m, (worked, training) in monthly_hours(rows).items()
        }
    cap_end: int | None = None
    if employment.contract_type == "CDI" and rules.cdi_cap_months is not None:
        cap_end = month_index(month_of(employment.start)) + rules.cdi_cap_months
    counted: dict[Month, Decimal] = {}
    for month, hours in per_month.items():
        if rules.only_performance_period and not _in_performance(month, employment):
            continue
        if cap_end is not None and month_index(month) >= cap_end:
            continue
        if hours:
            counted[month] = hours
    return counted


# Which employments a rule takes off the fast paths: (rules, modality, contract type,
# eligibility pending) → bool.
NeedsReference = Callable[[CountingRules, str, str, bool], bool]
APPLIED_BY_FAST_PATHS = "applied by the fast paths"


def _training_capped(
    rules: CountingRules, modality: str, contract_type: str, pending: bool
) -> bool:
    return rules.training_cap_percent is not None


def _cdi_capped(rules: CountingRules, modality: str, contract_type: str, pending: bool) -> bool:
    return contract_type == "CDI" and rules.cdi_cap_months is not None


def _converted_from_amount(
    rules: CountingRules, modality: str, contract_type: str, pending: bool
) -> bool:
    return (
        modality == Modality.SUBCONTRACTING
        and rules.subcontracting_mode == SubcontractingMode.AMOUNT
    )


def _pending_not_counted(
    rules: CountingRules, modality: str, contract_type: str, pending: bool
) -> bool:
    return pending_excluded(rules, pending)


# Every field of CountingRules, and how the figures' fast paths treat it (tests fail when a
# field is missing). A test: the employments it returns True for are counted by
# counted_hours, whatever path the figures take.
RULE_FIELDS: dict[str, NeedsReference | str] = {
    # The fast paths add worked hours, plus training hours when counted.
    "training_counted": APPLIED_BY_FAST_PATHS,
    # Excluded employments (see excluded()) count nothing on every path.
    "transferred_staff_counted": APPLIED_BY_FAST_PATHS,
    # The fast paths count only the months of the award's window (LotTerms.first/last).
    "only_performance_period": APPLIED_BY_FAST_PATHS,
    "training_cap_percent": _training_capped,
    "cdi_cap_months": _cdi_capped,
    "subcontracting_mode": _converted_from_amount,
    "subcontracting_labour_share": _converted_from_amount,  # used by the conversion only
    # Pending employments the rules do not count: the reference path works out the hours
    # they would count (shown apart) and counts none. Counted ones (the default) stay plain:
    # the fast paths add their hours to the award's pending hours as well.
    "unvalidated_hours": _pending_not_counted,
}
_REFERENCE_TESTS = tuple({test: None for test in RULE_FIELDS.values() if not isinstance(test, str)})
# A field added without a classification sends every employment to counted_hours (right,
# if slow) until it is classified.
_UNCLASSIFIED = {f.name for f in fields(CountingRules)} - set(RULE_FIELDS)


def needs_reference(
    rules: CountingRules, modality: str, contract_type: str, pending: bool = False
) -> bool:
    """Whether an employment of this modality and contract type (its eligibility pending or
    not) must be counted by :func:`counted_hours` under ``rules`` (else its counted hours
    are simply its monthly hours in its award's window, training included when the rules
    count it)."""
    return bool(_UNCLASSIFIED) or any(
        test(rules, modality, contract_type, pending) for test in _REFERENCE_TESTS
    )


def round_hours(value: Decimal) -> Decimal:
    """Hours shown and summed in figures: two decimals, half-up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def hours_from_cents(cents: int) -> Decimal:
    """Whole cents of an hour as the two-decimal hours they are (12345 → 123.45)."""
    return Decimal(cents).scaleb(-2)


def share_in_cents(numerator: int, denominator: int, share: tuple[int, int]) -> int:
    """``numerator / denominator`` hours × the fraction ``share`` (:func:`share_months`), in
    cents rounded half-up (away from zero), computed exactly: :func:`round_hours` of the
    same product in Decimal, without its 28-digit intermediate rounding."""
    inside, total = share
    scaled = numerator * inside * 100
    divisor = denominator * total
    if scaled >= 0:
        return (2 * scaled + divisor) // (2 * divisor)
    return -((-2 * scaled + divisor) // (2 * divisor))


def round_share(required: Decimal, share: tuple[int, int]) -> Decimal:
    """:func:`share_in_cents` of a Decimal number of hours, as hours."""
    numerator, denominator = required.as_integer_ratio()
    return hours_from_cents(share_in_cents(numerator, denominator, share))


def required_share(
    required: Decimal,
    performance_start: date | None,
    performance_end: date | None,
    fallback_year: int | None,
    period_start: date | None,
    period_end: date | None,
) -> Decimal:
    """The part of an award's required hours that falls in a period (guide §6).

    Pro-rata of the calendar months of the performance period falling in the period; a lot
    with no dates counts whole in its notification year (or whole in any period when even
    that is unknown). Without a period, all required hours.
    """

    def index(day: date | None) -> int | None:
        return month_index(month_of(day)) if day else None

    return required_share_months(
        required,
        index(performance_start),
        index(performance_end),
        fallback_year,
        index(period_start),
        index(period_end),
    )


def required_share_months(
    required: Decimal,
    first: int | None,
    last: int | None,
    fallback_year: int | None,
    lo: int | None,
    hi: int | None,
) -> Decimal:
    """:func:`required_share` on month indexes (year × 12 + month − 1): the performance
    period's first and last months, the period's first and last months (None: open)."""
    return apply_share(required, share_months(first, last, fallback_year, lo, hi))


WHOLE = (1, 1)
NOTHING = (0, 1)


def share_months(
    first: int | None,
    last: int | None,
    fallback_year: int | None,
    lo: int | None,
    hi: int | None,
) -> tuple[int, int]:
    """The fraction of required hours that falls in the period, as (months inside, months of
    the performance period): :data:`WHOLE`, :data:`NOTHING` or a pro-rata (guide §6)."""
    if lo is None and hi is None:
        return WHOLE
    if first is None or last is None:
        if fallback_year is None:
            return WHOLE
        if (hi is not None and fallback_year * 12 > hi) or (
            lo is not None and fallback_year * 12 + 11 < lo
        ):
            return NOTHING
        return WHOLE
    total = last - first + 1
    if total <= 0:
        return NOTHING
    inside = min(last, last if hi is None else hi) - max(first, first if lo is None else lo) + 1
    if inside <= 0:
        return NOTHING
    return inside, total


def apply_share(required: Decimal, share: tuple[int, int]) -> Decimal:
    """``required`` × the fraction :func:`share_months` gave (unrounded)."""
    inside, total = share
    if inside == total:
        return required
    if not inside:
        return ZERO
    return required * Decimal(inside) / Decimal(total)
