"""Required and carried-out hours per award, rolled up to lots, contracts, operations,
companies and authorities, for a period. The one place these figures are computed.

Rounding: each award's figures are rounded to the cent (half-up) and every total is the sum of
those rounded values, so that the rows of a table always add up to its total.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from clauses_app.services.counting import ZERO, hours_from_cents, pending_excluded, round_hours
from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.figures.awards import (
    UuidCache,
    cents_of_hours,
    cents_of_sum,
    month_index_of,
    read_awards,
)
from clauses_app.services.figures.employments import EmploymentLedger
from clauses_app.services.figures.pending import (
    NOTHING_PENDING,
    PendingEmployments,
    pending_query,
)
from clauses_app.services.figures.pooling import apply_pooling
from clauses_app.services.figures.streamed import HoursTotals, add_hours_done
from clauses_app.services.figures.summed import PeriodSums, add_summed_hours
from clauses_app.services.periods import Month, Period, month_from_index
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.storage.worker import BackgroundQuery

HUNDRED = Decimal(100)
K = TypeVar("K", int, str)
RATE_QUANTUM = Decimal("0.0001")


def completion_rate(done: Decimal, required: Decimal) -> Decimal | None:
    """hours done ÷ hours required as a ratio (1.221 = 122.1 %); None when nothing is required.

    Not rounded here: whoever shows it rounds once (rounding to four decimals first would turn
    6,718 / 5,500 = 1.22145… into 122.2 % instead of 122.1 %).
    """
    if required <= 0:
        return None
    return done / required


@dataclass(frozen=True)
class Totals:
    hours_required: Decimal
    hours_done: Decimal
    etp_basis: int = 1607
    # Hours of employments whose eligibility is pending (« en attente de justification »):
    # those the rules count (part of hours_done) and those they leave out (not part of it).
    # Zero unless the figures were computed with pending_hours=True.
    pending_counted: Decimal = Decimal(0)
    pending_excluded: Decimal = Decimal(0)

    @property
    def completion_rate(self) -> Decimal | None:
        return completion_rate(self.hours_done, self.hours_required)

    @property
    def etp_done(self) -> Decimal:
        return (self.hours_done / Decimal(self.etp_basis)).quantize(
            RATE_QUANTUM, rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class EmploymentTotals:
    """One employment's counted hours in the period and the last month with hours."""

    hours_done: Decimal
    last_month: Month | None


class Figures:
    """Every award's figures for a period, with the roll-ups the screens and reports need.

    Pooling moves hours between a company's lots (``hours_done_pooled``) and changes no
    total, so it is applied when the awards are first handed out or a pooled roll-up is
    asked for: the dashboard's totals of a national year never need it."""

    def __init__(
        self,
        period: Period,
        awards: list[AwardFigures],
        etp_basis: int = 1607,
        hours: HoursTotals | None = None,
        pending_known: bool = False,
        employments: EmploymentLedger | None = None,
    ) -> None:
        self.period = period
        # Whether pending hours were worked out (compute_figures(pending_hours=True)).
        self.pending_known = pending_known
        self.etp_basis = etp_basis
        # Unrounded counted hours of every award together (use monthly(), by_modality()...).
        self.hours = hours or HoursTotals()
        self._awards = awards
        self._pooled = False
        self._employments = employments

    @property
    def awards(self) -> list[AwardFigures]:
        self._pool()
        return self._awards

    def _pool(self) -> None:
        if not self._pooled:
            apply_pooling(self._awards)
            self._pooled = True

    def total(self) -> Totals:
        return self._totals(self._awards)

    def _totals(self, awards: Iterable[AwardFigures], pooled: bool = False) -> Totals:
        awards = awards_list(awards)
        required = sum(a.required_cents for a in awards)
        if pooled:
            self._pool()
            done = sum(a.pooled_cents for a in awards)
        else:
            done = sum(a.done_cents for a in awards)
        counted = excluded = 0
        for award in awards:
            if award.pending_cents:
                if award.pending_counted:
                    counted += award.pending_cents
                else:
                    excluded += award.pending_cents
        return Totals(
            hours_from_cents(required), hours_from_cents(done), self.etp_basis,
            hours_from_cents(counted), hours_from_cents(excluded),
        )  # fmt: skip

    def group(
        self, key: Callable[[AwardFigures], Hashable], pooled: bool = False
    ) -> dict[Hashable, Totals]:
        groups: dict[Hashable, list[AwardFigures]] = defaultdict(list)
        for award in self.awards:
            groups[key(award)].append(award)
        return {k: self._totals(v, pooled) for k, v in groups.items()}

    def _by_key(self, path: str, pooled: bool = False) -> dict[Hashable, Totals]:
        """Totals per raw id at ``path`` (an attribute path from the award), as UUIDs (each
        made once)."""
        key = attrgetter(path)
        groups: dict[Any, list[AwardFigures]] = defaultdict(list)
        for award in self._awards:
            groups[key(award)].append(award)
        uuids = self._awards[0].uuids if self._awards else UuidCache()
        return {uuids[k]: self._totals(v, pooled) for k, v in groups.items()}

    def by_authority(self) -> dict[Hashable, Totals]:
        return self._by_key("lot.contract.authority_key")

    def by_operation(self) -> dict[Hashable, Totals]:
        return self._by_key("lot.contract.operation_key")

    def by_contract(self) -> dict[Hashable, Totals]:
        return self._by_key("lot.contract.key")

    def by_lot(self, pooled: bool = False) -> dict[Hashable, Totals]:
        return self._by_key("lot.key", pooled)

    def by_company(self) -> dict[Hashable, Totals]:
        return self._by_key("company_key")

    def by_employment(self) -> dict[uuid.UUID, EmploymentTotals]:
        """Each employment's counted hours and last month with hours (employments that
        counted none are left out); only when computed with ``employment_hours=True``."""
        uuids = self._awards[0].uuids if self._awards else UuidCache()
        return {
            uuids[key]: EmploymentTotals(
                hours_from_cents(cents), month_from_index(last) if last >= 0 else None
            )
            for key, (cents, last) in self.employment_cents().items()
        }

    def employment_cents(self) -> dict[Any, tuple[int, int]]:
        """:meth:`by_employment` by stored id, as (cents of hours, month index of the last
        month with hours, -1 for none): for lists of tens of thousands of employments."""
        if self._employments is None:
            raise ValueError("compute_figures(employment_hours=True) gives each employment's hours")
        return {
            key: (cents_of_hours(entry.done, entry.exact), entry.last)
            for key, entry in self._employments.items()
        }

    def cents_by_key(self, path: str) -> dict[Any, tuple[int, int]]:
        """(required, done) cents per stored id at ``path``, an attribute path from the
        award (``key``: the award's, ``lot.contract.key``, ``company_key``…): for lists
        of tens of thousands of rows, whose Decimal totals would cost more than the figures."""
        key = attrgetter(path)
        found: dict[Any, list[int]] = {}
        for award in self._awards:
            cents = found.get(key(award))
            if cents is None:
                cents = found[key(award)] = [0, 0]
            cents[0] += award.required_cents
            cents[1] += award.done_cents
        return {k: (required, done) for k, (required, done) in found.items()}

    def monthly(self) -> dict[Month, Decimal]:
        """Counted hours per calendar month (months of the period only), cent-rounded; a
        month that rounds to nothing is left out (the summed path takes hours back out of a
        month's float total, which may leave a residue of a billionth)."""
        rounded = _rounded(self.hours.months, self.hours.exact_months)
        return {month_from_index(m): hours for m, hours in rounded.items()}

    def by_modality(self) -> dict[str, Decimal]:
        return _rounded(self.hours.modalities, self.hours.exact_modalities)

    def by_contract_type(self) -> dict[str, Decimal]:
        return _rounded(self.hours.contract_types, self.hours.exact_contract_types)


def awards_list(awards: Iterable[AwardFigures]) -> list[AwardFigures]:
    return awards if isinstance(awards, list) else list(awards)


def _rounded(hours: dict[K, float], exact: dict[K, Decimal]) -> dict[K, Decimal]:
    """Each key's float and exact parts (:func:`cents_of_hours`) rounded to the cent,
    leaving out those that round to nothing."""
    keys = sorted(set(hours) | set(exact))  # type: ignore[type-var]
    rounded = {
        k: hours_from_cents(cents_of_hours(hours.get(k, 0.0), exact.get(k, ZERO))) for k in keys
    }
    return {k: v for k, v in rounded.items() if v}


STEPS = 4  # progress steps of compute_figures


def compute_figures(
    session: Session,
    period: Period | None = None,
    authority_uuid: uuid.UUID | None = None,
    settings: AppSettings | None = None,
    *,
    fast_path: bool = True,
    award_months: bool = False,
    background: Iterable[BackgroundQuery[Any]] = (),
    progress: Progress | None = None,
    pending_hours: bool = False,
    done_up_to: date | None = None,
    employment_hours: bool = False,
) -> Figures:
    """Figures of every award (of one authority, when given) for ``period`` (all time if None).

    ``award_months`` keeps each award's counted hours per month (``AwardFigures.monthly``);
    the totals per month are always there (``Figures.monthly()``). ``fast_path=False`` sends
    every employment through the reference implementation of the counting rules (tests
    compare both). ``background``: queries made with ``BackgroundQuery(..., start=False)``,
    started once the figures' own work on the database worker is queued, so that they run
    after it. ``progress`` is called between steps and may raise ``Cancelled``: the figures
    then stop, once the worker's part of them has stopped and its connections are closed.
    ``pending_hours`` works out each award's hours of employments whose eligibility is
    pending (``AwardFigures.hours_pending``, ``Totals.pending_counted``…); they are worked
    out anyway when the rules of an award in scope leave them out. ``done_up_to`` also
    counts each award's hours of the months up to that day's month
    (``AwardFigures.hours_done_to_date``) in the same pass: a schedule's hours to date
    beside the totals. ``employment_hours`` notes each employment's counted hours and last
    month with hours (:meth:`Figures.by_employment`).
    """
    period = period or Period()
    settings = settings or load_settings(session)
    uuids = UuidCache()
    to_month = month_index_of(done_up_to) if done_up_to is not None else None
    ledger = EmploymentLedger() if employment_hours else None

    def step(done: int, message: str) -> None:
        report(progress, done, STEPS, f"Calcul des chiffres : {message}")

    step(0, "marchés et attributions")
    # Which employments are pending is asked for on the database worker right after the sums
    # (queued first): the session's thread needs it only once the hours are counted.
    asked: list[BackgroundQuery[Any]] = []

    def ask_beside() -> None:
        """Queue the pending employments, if asked for, then ``background``."""
        if pending_hours:
            asked.append(pending_query(session, authority_uuid, settings))
        for work in background:
            work.start()

    try:
        if fast_path and not award_months:
            # The sums are asked for right away.
            with PeriodSums(
                session, period, authority_uuid, done_up_to, employment_hours,
                settings.counting.training_counted,
            ) as sums:  # fmt: skip
                ask_beside()
                by_key = read_awards(session, period, authority_uuid, settings, uuids)
                pending = _pending(session, authority_uuid, settings, by_key, asked)
                step(1, "heures relevées")
                hours = add_summed_hours(
                    session, period, authority_uuid, settings, by_key, sums,
                    lambda: step(2, "règles particulières"), pending, to_month, ledger,
                )  # fmt: skip
        else:  # months per award need every record; the reference path reads them anyway
            ask_beside()
            by_key = read_awards(
                session, period, authority_uuid, settings, uuids, award_months=award_months
            )
            pending = _pending(session, authority_uuid, settings, by_key, asked)
            step(1, "heures relevées")
            hours = add_hours_done(
                session, period, authority_uuid, settings, by_key, fast_path,
                lambda: step(2, "règles particulières"), pending, to_month, ledger,
            )  # fmt: skip
        pending.settle()
    finally:  # stopped or failed: the worker's query is over before the session ends
        for query in asked:
            query.wait()
    step(3, "totaux")
    awards: list[AwardFigures] = []
    for award in by_key.values():
        if award.counted:
            award.done_cents = award.pooled_cents = cents_of_hours(award.done, award.exact)
        if award.pending or award.pending_exact:
            award.pending_cents = cents_of_hours(award.pending, award.pending_exact)
        if to_month is not None:
            award.to_date_cents = _cents_to_date(award)
        if award.required_cents or award.done_cents or award.employment_count:
            awards.append(award)
    return Figures(period, awards, settings.etp_basis, hours, pending.known, ledger)


def _cents_to_date(award: AwardFigures) -> int:
    """An award's hours to date in cents: the plain employments' float sum (two-decimal
    hours, so whole cents once rounded) plus the reference rules' hours of each month rounded
    to the cent (a total spread over three months counts 33.33 h a month, not 33.333…)."""
    months = award.exact_to_date
    if not months:
        return cents_of_sum(award.done_to_date) if award.done_to_date else 0
    rounded = sum((round_hours(hours) for hours in months.values()), ZERO)
    return cents_of_hours(award.done_to_date, rounded)


def _pending(
    session: Session,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    awards: dict[Any, AwardFigures],
    asked: list[BackgroundQuery[Any]],
) -> PendingEmployments:
    """The employments whose eligibility is pending, when ``asked`` for (its query, queued)
    or when the rules of an award in scope leave their hours out (asked for now); else
    nothing is pending, at no cost."""
    rules = {id(a.rules): a.rules for a in awards.values()}.values()
    routes = any(pending_excluded(r, True) for r in rules)
    if not (asked or routes):
        return NOTHING_PENDING
    if not asked:
        asked.append(pending_query(session, authority_uuid, settings))
    return PendingEmployments(asked[0], routes=routes)
