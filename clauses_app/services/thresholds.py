"""Procurement thresholds by period (« seuils de procédure formalisée »). Qt-free.

The European thresholds decide which contracts the 2026 social-consideration rule
(L2112-2-1 and L3114-2-1 of the Code de la commande publique) covers. They change every two
years; the table ships with the published values and their sources
(docs/counting-rules.md) and is stored as one setting row the facilitator edits in
*Paramètres*. A date after the table's last period takes the last values, and
:func:`needs_update` says the table should be brought up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from sqlalchemy.orm import Session

from clauses_app.formatting import format_money
from clauses_app.models import BuyerType, ContractNature, Setting
from clauses_app.services.bounds import FIRST_DAY, LAST_DAY, MAX_MONEY, beyond

THRESHOLDS_KEY = "procurement_thresholds"
# Legifrance dates the code's version created by art. 35 of loi n° 2021-1104 « 22 août 2026 »
# (five years after the law's promulgation): consultations launched from that day.
DEFAULT_OBLIGATION_START = date(2026, 8, 22)


class ThresholdError(ValueError):
    """A threshold table that cannot be saved (the message is French)."""


@dataclass(frozen=True)
class ThresholdPeriod:
    """The thresholds (euros HT) in force from ``start`` to ``end`` (inclusive)."""

    start: date
    end: date
    works: Decimal  # works, and works or services concessions
    central_supplies: Decimal  # supplies and services of the State and its public bodies
    local_supplies: Decimal  # supplies and services of local authorities and other buyers
    utilities_defence: Decimal  # supplies and services of utilities; defence or security
    source: str = ""


SHIPPED_PERIODS: tuple[ThresholdPeriod, ...] = (
    ThresholdPeriod(
        date(2024, 1, 1), date(2025, 12, 31),
        Decimal("5538000"), Decimal("143000"), Decimal("221000"), Decimal("443000"),
        "Avis relatif aux seuils de procédure et à la liste des autorités publiques centrales "
        "(annexe 2 du code de la commande publique), JO du 9 décembre 2023",
    ),
    ThresholdPeriod(
        date(2026, 1, 1), date(2027, 12, 31),
        Decimal("5404000"), Decimal("140000"), Decimal("216000"), Decimal("432000"),
        "Avis relatif aux seuils de procédure (annexe 2 du code de la commande publique), "
        "JO du 26 décembre 2025 ; règlements délégués (UE) 2025/2150 à 2025/2152",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ThresholdTable:
    """Every period, in order, and the day the social consideration becomes mandatory."""

    periods: tuple[ThresholdPeriod, ...] = SHIPPED_PERIODS
    obligation_start: date = DEFAULT_OBLIGATION_START

    def period_on(self, day: date) -> ThresholdPeriod | None:
        """The period in force on ``day``; after the last one, the last one; before the
        first, None (no threshold known)."""
        for period in self.periods:
            if period.start <= day <= period.end:
                return period
        if self.periods and day > self.periods[-1].end:
            return self.periods[-1]
        return None


def threshold(period: ThresholdPeriod, nature: str, buyer_type: str, utilities: bool) -> Decimal:
    """The threshold of a contract of ``nature`` awarded by a buyer of ``buyer_type``.

    Works (whoever buys them) and concessions: the works threshold. Supplies and services:
    the utilities-and-defence one for an entité adjudicatrice or a defence or security
    contract, else the State's or the local authorities' one.
    """
    if nature == ContractNature.WORKS or nature in ContractNature.CONCESSIONS:
        return period.works
    if utilities or nature == ContractNature.DEFENCE:
        return period.utilities_defence
    if buyer_type == BuyerType.STATE:
        return period.central_supplies
    return period.local_supplies


def next_revision(table: ThresholdTable) -> date | None:
    """The day the thresholds after the table's last period take effect: the European
    thresholds are revised every two years, from 1 January of an even year (2024, 2026,
    2028…), so the first such day after the last period's start, or the day after its end
    when that comes first. None for an empty table."""
    if not table.periods:
        return None
    last = max(table.periods, key=lambda p: p.start)
    year = last.start.year + 1
    revision = date(year + year % 2, 1, 1)
    return min(revision, last.end + timedelta(days=1)) if last.end < date.max else revision


def needs_update(table: ThresholdTable, today: date) -> bool:
    """Whether ``today`` has reached the next revision (the last period's values then apply
    until the facilitator adds the new one)."""
    revision = next_revision(table)
    return revision is not None and today >= revision


def check_table(table: ThresholdTable) -> None:
    """Refuse a table with no period, an empty or reversed period, one starting outside
    1900-2200, a negative, missing or too large amount (services/bounds.py), or periods that
    overlap (raises :class:`ThresholdError`)."""
    if not table.periods:
        raise ThresholdError("La table des seuils doit compter au moins une période.")
    ordered = sorted(table.periods, key=lambda p: p.start)
    for period in ordered:
        if period.end < period.start:
            raise ThresholdError(
                f"La période commençant le {period.start:%d/%m/%Y} finit avant de commencer."
            )
        if not FIRST_DAY <= period.start <= LAST_DAY:  # next_revision counts years from it
            raise ThresholdError(
                f"Une période commence entre le {FIRST_DAY:%d/%m/%Y} et le "
                f"{LAST_DAY:%d/%m/%Y} (pas le {period.start:%d/%m/%Y})."
            )
        for amount in _amounts(period):
            if beyond(amount, MAX_MONEY):
                raise ThresholdError(
                    f"Un seuil ne peut pas dépasser {format_money(MAX_MONEY)} HT "
                    f"(période commençant le {period.start:%d/%m/%Y})."
                )
            if amount <= 0:
                raise ThresholdError("Un seuil est un montant positif.")
    for before, after in pairwise(ordered):
        if after.start <= before.end:
            raise ThresholdError(
                f"Les périodes du {before.start:%d/%m/%Y} et du {after.start:%d/%m/%Y} "
                "se chevauchent."
            )


def _amounts(period: ThresholdPeriod) -> tuple[Decimal, ...]:
    return (period.works, period.central_supplies, period.local_supplies,
            period.utilities_defence)  # fmt: skip


def load_thresholds(session: Session) -> ThresholdTable:
    """The stored table, else the shipped one."""
    row = session.get(Setting, THRESHOLDS_KEY)
    if row is None or not isinstance(row.value, dict):
        return ThresholdTable()
    return table_from_json(row.value)


def save_thresholds(session: Session, table: ThresholdTable) -> None:
    """Check and store the table (the caller commits; a refused table changes nothing)."""
    check_table(table)
    table = replace(table, periods=tuple(sorted(table.periods, key=lambda p: p.start)))
    value = table_to_json(table)
    row = session.get(Setting, THRESHOLDS_KEY)
    if row is None:
        session.add(Setting(key=THRESHOLDS_KEY, value=value))
    elif row.value != value:
        row.value = value


def table_to_json(table: ThresholdTable) -> dict[str, Any]:
    return {
        "obligation_start": table.obligation_start.isoformat(),
        "periods": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "works": str(p.works),
             "central_supplies": str(p.central_supplies),
             "local_supplies": str(p.local_supplies),
             "utilities_defence": str(p.utilities_defence), "source": p.source}
            for p in table.periods
        ],
    }  # fmt: skip


def table_from_json(value: dict[str, Any]) -> ThresholdTable:
    """A table from its stored JSON (raises :class:`ThresholdError` on a malformed one)."""
    try:
        periods = tuple(
            ThresholdPeriod(
                date.fromisoformat(item["start"]), date.fromisoformat(item["end"]),
                Decimal(str(item["works"])), Decimal(str(item["central_supplies"])),
                Decimal(str(item["local_supplies"])), Decimal(str(item["utilities_defence"])),
                str(item.get("source") or ""),
            )
            for item in value.get("periods") or ()
        )  # fmt: skip
        start = value.get("obligation_start")
        obligation = date.fromisoformat(start) if start else DEFAULT_OBLIGATION_START
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ThresholdError("Table des seuils illisible.") from exc
    return ThresholdTable(periods or SHIPPED_PERIODS, obligation)
