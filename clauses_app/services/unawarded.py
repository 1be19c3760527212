"""Lots whose clause plans hours but that no company has been awarded yet (guide §6).

The figures count the hours each *award* owes, so a lot with no awardee owes nothing there:
its planned hours would silently vanish from « heures exigées ». They are shown apart, as
« heures prévues non attribuées », on the dashboard, in the balance report and as an alert
once the contract has started. The part of a lot's planned hours that falls in a period is
the same pro-rata as an award's (:func:`counting.required_share`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from clauses_app.models import Award, ClauseMode, Lot, PublicContract
from clauses_app.services.counting import required_share, round_hours
from clauses_app.services.periods import Period

ZERO = Decimal(0)


@dataclass(frozen=True)
class UnawardedLot:
    lot_uuid: uuid.UUID
    contract_uuid: uuid.UUID
    authority_uuid: uuid.UUID
    contract_reference: str
    lot_number: str
    lot_title: str
    planned_hours: Decimal  # the lot's clause hours falling in the period, two decimals
    start_date: date | None  # the lot's performance start (its contract's when empty)

    @property
    def label(self) -> str:
        return f"{self.contract_reference} — lot {self.lot_number} ({self.lot_title})"

    def started(self, today: date) -> bool:
        return self.start_date is not None and self.start_date <= today


def unawarded_lots(
    session: Session, period: Period | None = None, authority_uuid: uuid.UUID | None = None
) -> list[UnawardedLot]:
    """Lots of an hours clause with planned hours and no award, in contract and lot order;
    only those whose planned hours fall partly in ``period``."""
    period = period or Period()
    statement = (
        select(Lot, PublicContract)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .where(
            Lot.clause_mode == ClauseMode.HOURS,
            Lot.required_hours > 0,
            ~exists().where(Award.lot_uuid == Lot.uuid),
        )
        .order_by(PublicContract.reference, Lot.number)
    )
    if authority_uuid is not None:
        statement = statement.where(PublicContract.authority_uuid == authority_uuid)
    found = []
    for lot, contract in session.execute(statement):
        start = lot.start_date or contract.start_date
        end = lot.end_date or contract.end_date
        notified = contract.notification_date.year if contract.notification_date else None
        planned = round_hours(
            required_share(
                lot.required_hours or ZERO, start, end, notified, period.start, period.end
            )
        )
        if planned > 0:
            found.append(
                UnawardedLot(
                    lot_uuid=lot.uuid,
                    contract_uuid=contract.uuid,
                    authority_uuid=contract.authority_uuid,
                    contract_reference=contract.reference,
                    lot_number=lot.number,
                    lot_title=lot.title,
                    planned_hours=planned,
                    start_date=start,
                )
            )
    return found


def planned_unawarded_hours(lots: list[UnawardedLot]) -> Decimal:
    """The total shown apart beside the required hours."""
    return sum((lot.planned_hours for lot in lots), ZERO)
