"""Sizing a clause: the insertion hours a contract or lot should require (guide §3)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_hours, format_money
from clauses_app.models import Award, ClauseMode, Invoice, Lot
from clauses_app.services.bounds import MAX_HOURS, MAX_MONEY, beyond
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings

HUNDRED = Decimal(100)
ZERO = Decimal(0)
# The smallest hourly cost and tranche amount a clause is sized with, as the lot's form has
# it (records.validation: « supérieur à 0 € » is at least a cent): a smaller divisor makes
# hours no Decimal can round.
CENT = Decimal("0.01")


class SizingError(ValueError):
    """Invalid sizing input; the message is for a person (French)."""


@dataclass(frozen=True)
class Sizing:
    required_hours: Decimal
    etp: Decimal  # four decimals


def _check_percent(name: str, value: Decimal) -> None:
    if value < 0 or value > HUNDRED:
        raise SizingError(f"{name} doit être compris entre 0 et 100 %.")


def _check_size(
    name: str, value: Decimal, maximum: Decimal, shown: Callable[[Decimal], str]
) -> None:
    if beyond(value, maximum):
        raise SizingError(f"{name} est trop grand (au plus {shown(maximum)}).")


def size_clause(
    amount_ht: Decimal,
    labour_share_percent: Decimal,
    insertion_rate_percent: Decimal,
    hourly_cost: Decimal | None = None,
    settings: AppSettings | None = None,
) -> Sizing:
    """``amount × labour share × insertion rate ÷ loaded hourly cost``, rounded per settings.

    Percentages are numbers of percent (50 means 50 %). Example from the guide:
    1,000,000 € × 50 % × 5 % ÷ 30 €/h = 833 h, 0.5184 ETP.
    """
    settings = settings or AppSettings()
    cost = settings.hourly_cost if hourly_cost is None else hourly_cost
    if amount_ht < 0:
        raise SizingError("Le montant HT ne peut pas être négatif.")
    _check_size("Le montant HT", amount_ht, MAX_MONEY, format_money)
    _check_percent("La part de main-d'œuvre", labour_share_percent)
    _check_percent("Le taux d'insertion", insertion_rate_percent)
    if cost < CENT:
        raise SizingError("Le coût horaire doit être supérieur à 0 €.")
    raw = amount_ht * (labour_share_percent / HUNDRED) * (insertion_rate_percent / HUNDRED) / cost
    hours = settings.round_hours(raw)
    return Sizing(required_hours=hours, etp=etp(hours, settings))


def size_invoiced(
    invoiced_ht: Decimal,
    euros_per_hour: Decimal,
    hours: Decimal = Decimal(1),
    settings: AppSettings | None = None,
) -> Sizing:
    """A framework contract's clause written as « ``hours`` h per ``euros_per_hour`` € HT
    invoiced »: ``invoiced × hours ÷ euros_per_hour``, rounded once on the total (the rounding
    setting), never per order. Example (issue 22): 1 h per 2,000 € HT on 148,000 € HT invoiced
    = 74 h, 0.0460 ETP."""
    settings = settings or AppSettings()
    if invoiced_ht < 0:
        raise SizingError("Le montant facturé ne peut pas être négatif.")
    _check_size("Le montant facturé", invoiced_ht, MAX_MONEY, format_money)
    if euros_per_hour < CENT:
        raise SizingError("Le montant facturé par heure d'insertion doit être supérieur à 0 €.")
    if hours <= 0:
        raise SizingError("Le nombre d'heures par tranche facturée doit être supérieur à 0.")
    _check_size("Le nombre d'heures par tranche", hours, MAX_HOURS, format_hours)
    required = settings.round_hours(invoiced_ht * hours / euros_per_hour)
    return Sizing(required_hours=required, etp=etp(required, settings))


def invoiced_hours_in_period(
    invoiced: Iterable[tuple[date, Decimal]],
    period: Period,
    euros_per_hour: Decimal,
    hours: Decimal = Decimal(1),
    settings: AppSettings | None = None,
) -> Decimal:
    """Required hours of a period for a framework contract: the amounts invoiced (each dated:
    an order, or a month's total on its first day) that fall in ``period``, summed, then
    sized by :func:`size_invoiced` — rounded once on the period's total, never per order."""
    total = sum((amount for day, amount in invoiced if period.overlaps(day, day)), Decimal(0))
    return size_invoiced(total, euros_per_hour, hours, settings).required_hours


def hours_from_percent(
    worked_hours: Decimal, percent: Decimal, settings: AppSettings | None = None
) -> Decimal:
    """Required hours of a clause written as a percentage of the hours worked."""
    settings = settings or AppSettings()
    _check_percent("Le pourcentage d'heures d'insertion", percent)
    if worked_hours < 0:
        raise SizingError("Le nombre d'heures travaillées ne peut pas être négatif.")
    return settings.round_hours(worked_hours * percent / HUNDRED)


def etp(hours: Decimal, settings: AppSettings | None = None) -> Decimal:
    """Full-time equivalents: hours ÷ the ETP basis (1,607 h), four decimals, half-up."""
    basis = (settings or AppSettings()).etp_basis
    return (Decimal(hours) / Decimal(basis)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LotSizing:
    """What the sizing assistant stores on a lot."""

    clause_mode: str  # ClauseMode.HOURS, PERCENT or INVOICED
    amount_ht: Decimal | None = None
    trade_code: str | None = None
    labour_share: Decimal | None = None
    insertion_rate: Decimal | None = None
    hourly_cost: Decimal | None = None
    required_hours: Decimal | None = None
    required_percent: Decimal | None = None
    # INVOICED: « tranche_hours h per tranche_amount € HT invoiced »; what the lot's awards
    # invoiced so far (read, never saved here: the amounts are entered with each award).
    tranche_amount: Decimal | None = None
    tranche_hours: Decimal | None = None
    invoiced_ht: Decimal = Decimal(0)


def save_lot_sizing(session: Session, lot_uuid: uuid.UUID, sizing: LotSizing) -> bool:
    """Store a sizing on a lot (the caller's transaction commits); False if the lot is gone.

    An hours clause keeps its inputs beside the result so that the sizing can be explained
    and redone; a percentage clause stores the percentage only, a clause on the amount
    invoiced its tranche (hours per tranche, euros HT of a tranche) only.
    """
    lot = session.get(Lot, lot_uuid)
    if lot is None:
        return False
    lot.clause_mode = sizing.clause_mode
    if sizing.clause_mode == ClauseMode.PERCENT:
        lot.required_percent = sizing.required_percent
        return True
    if sizing.clause_mode == ClauseMode.INVOICED:
        # Refuses a tranche of 0 € or of 0 h (SizingError, nothing stored).
        size_invoiced(ZERO, sizing.tranche_amount or ZERO, sizing.tranche_hours or ZERO)
        lot.tranche_amount = sizing.tranche_amount
        lot.tranche_hours = sizing.tranche_hours
        return True
    lot.amount_ht = sizing.amount_ht
    lot.trade_code = sizing.trade_code
    lot.labour_share = sizing.labour_share
    lot.insertion_rate = sizing.insertion_rate
    lot.hourly_cost = sizing.hourly_cost
    lot.required_hours = sizing.required_hours
    return True


def load_lot_sizing(session: Session, lot_uuid: uuid.UUID) -> tuple[str, LotSizing] | None:
    """How the sizing assistant describes a lot, and the sizing stored on it (None if gone).

    A contract without lots has one lot: when that lot has no amount, the contract's counts.
    """
    lot = session.get(Lot, lot_uuid)
    if lot is None:
        return None
    contract = lot.contract
    amount = lot.amount_ht
    if amount is None and len(contract.lots) == 1:
        amount = contract.amount_ht
    title = f"Marché {contract.reference}, lot {lot.number} — {lot.title}"
    return title, LotSizing(
        clause_mode=lot.clause_mode,
        amount_ht=amount,
        trade_code=lot.trade_code,
        labour_share=lot.labour_share,
        insertion_rate=lot.insertion_rate,
        hourly_cost=lot.hourly_cost,
        required_hours=lot.required_hours,
        required_percent=lot.required_percent,
        tranche_amount=lot.tranche_amount,
        tranche_hours=lot.tranche_hours,
        invoiced_ht=_invoiced_on_lot(session, lot_uuid),
    )


def _invoiced_on_lot(session: Session, lot_uuid: uuid.UUID) -> Decimal:
    """Every amount the lot's awards invoiced, summed exactly."""
    amounts = session.scalars(
        select(Invoice.amount_ht)
        .join(Award, Invoice.award_uuid == Award.uuid)
        .where(Award.lot_uuid == lot_uuid)
    )
    return sum(amounts, Decimal(0))
