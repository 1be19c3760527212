"""The alert for framework contracts whose clause follows the amounts invoiced and which have
none recorded.

A lot written « N h per X € HT invoiced » owes hours as its companies invoice: with no
amount recorded, its required hours are zero, which would pass for « nothing owed ». Once
the award's performance has run for :data:`FIRST_INVOICE_MONTHS` months (a first order is
invoiced by then) without any amount recorded, the award is flagged: the facilitator enters
the amounts (the award's form, ``clauses invoiced add``) or marks the alert.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date, format_hours
from clauses_app.models import Award, ClauseMode, Company, Invoice, Lot, PublicContract
from clauses_app.services.alerts.book import AlertKind, AlertRecord, PendingAlert
from clauses_app.services.invoices import clause_words
from clauses_app.services.periods import add_months

FIRST_INVOICE_MONTHS = 2


def _missing_words(start: date, amount: Decimal | None, hours: Decimal | None) -> str:
    return (
        f"clause en {clause_words(amount, hours)}, exécution commencée le "
        f"{format_date(start)} et aucun montant facturé saisi : les heures exigées restent "
        f"à {format_hours(Decimal(0))}."
    )


def invoiced_amounts_missing(
    session: Session, today: date, authority_uuid: uuid.UUID | None = None
) -> list[PendingAlert]:
    """One alert per award of an INVOICED lot without any amount invoiced, its performance
    started :data:`FIRST_INVOICE_MONTHS` months ago or more (due then)."""
    statement = (
        select(
            Award.uuid, Company.name, Lot.number, Lot.tranche_amount, Lot.tranche_hours,
            Lot.start_date, PublicContract.start_date, Award.award_date,
            PublicContract.notification_date, PublicContract.reference, PublicContract.uuid,
        )
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .join(Company, Award.company_uuid == Company.uuid)
        .where(Lot.clause_mode == ClauseMode.INVOICED)
        .where(~exists().where(Invoice.award_uuid == Award.uuid))
    )  # fmt: skip
    if authority_uuid is not None:
        statement = statement.where(PublicContract.authority_uuid == authority_uuid)
    alerts = []
    for row in session.execute(statement):
        award, company, lot, amount, hours, *starts, reference, contract = row
        start = next((day for day in starts if day is not None), None)
        if start is None:
            continue  # no date says the work started
        due = add_months(start, FIRST_INVOICE_MONTHS)
        if due > today:
            continue
        alerts.append(
            PendingAlert(AlertKind.INVOICED_AMOUNTS_MISSING, AlertRecord.AWARD, award, due,
                         f"Marché {reference}, lot {lot} ({company}) : ", _missing_words,
                         (start, amount, hours), contract)
        )  # fmt: skip
    return alerts
