"""Amounts invoiced on framework contracts (« N h per X € HT invoiced », issue 22).

A lot whose clause is written on the amount invoiced (``ClauseMode.INVOICED``) owes, in a
period, the amounts its awards' companies invoiced in that period × N ÷ X, rounded once on
each award's total (the figures: ``services/figures/awards.invoiced_required``). The
facilitator records the amounts per order or per month: in the award's form (a child list,
``services/records``) or with ``clauses invoiced add``, both checked by
``records.validation.invoice_errors``. Qt-free.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_hours, format_money
from clauses_app.models import Award, ClauseMode, Company, Invoice, Lot, PublicContract
from clauses_app.services.periods import Period
from clauses_app.services.records.crud import ValidationError
from clauses_app.services.records.validation import NOT_INVOICED, invoice_errors
from clauses_app.storage import Database

NO_AWARD = "Attribution introuvable : vérifiez l'identifiant (--award)."


@dataclass(frozen=True)
class InvoicedAmount:
    """One amount invoiced, with what it was invoiced on (for lists and the CLI)."""

    invoice_uuid: uuid.UUID
    award_uuid: uuid.UUID
    invoiced_on: date
    amount_ht: Decimal
    reference: str | None
    contract: str  # the contract's reference
    lot: str  # the lot's number
    company: str

    def as_json(self) -> dict[str, object]:
        return {
            "uuid": str(self.invoice_uuid), "award": str(self.award_uuid),
            "date": self.invoiced_on.isoformat(), "amount_ht": str(self.amount_ht),
            "reference": self.reference, "contract": self.contract, "lot": self.lot,
            "company": self.company,
        }  # fmt: skip


def add_invoice(
    database: Database,
    award_uuid: uuid.UUID,
    invoiced_on: date | None,
    amount_ht: Decimal | None,
    reference: str | None = None,
) -> uuid.UUID:
    """Record one amount invoiced on an award of an INVOICED lot, in one transaction; its
    uuid. Raises :class:`ValidationError` (French messages by field, nothing written) for a
    missing date or amount, a negative amount, an unknown award, or a lot whose clause is
    not written on the amount invoiced."""
    values = {"invoiced_on": invoiced_on, "amount_ht": amount_ht, "reference": reference}
    errors = invoice_errors(values)
    with database.transaction() as session:
        award = session.get(Award, award_uuid)
        if award is None:
            errors["award_uuid"] = NO_AWARD
        elif award.lot.clause_mode != ClauseMode.INVOICED:
            errors["award_uuid"] = NOT_INVOICED
        if errors:
            raise ValidationError(errors)
        text = (reference or "").strip() or None
        invoice = Invoice(
            award_uuid=award_uuid, invoiced_on=invoiced_on, amount_ht=amount_ht, reference=text
        )
        session.add(invoice)
        session.flush()
        return invoice.uuid


def remove_invoice(database: Database, invoice_uuid: uuid.UUID) -> InvoicedAmount:
    """Delete one amount invoiced (entered twice, or wrong), in one transaction; what it was.
    Raises :class:`LookupError` (French) when it does not exist (nothing deleted)."""
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_uuid)
        if invoice is None:
            raise LookupError(f"Montant facturé introuvable : {invoice_uuid}.")
        (gone,) = [i for i in invoiced_amounts(session, award_uuid=invoice.award_uuid)
                   if i.invoice_uuid == invoice_uuid]  # fmt: skip
        session.delete(invoice)
        return gone


def invoiced_amounts(
    session: Session,
    period: Period | None = None,
    award_uuid: uuid.UUID | None = None,
    contract_uuid: uuid.UUID | None = None,
    authority_uuid: uuid.UUID | None = None,
) -> list[InvoicedAmount]:
    """The amounts invoiced (of one award, contract or authority, in a period), by date."""
    statement = (
        select(Invoice, PublicContract.reference, Lot.number, Company.name)
        .join(Award, Invoice.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .join(Company, Award.company_uuid == Company.uuid)
        .order_by(Invoice.invoiced_on, PublicContract.reference, Lot.number, Invoice.reference)
    )
    if award_uuid is not None:
        statement = statement.where(Invoice.award_uuid == award_uuid)
    if contract_uuid is not None:
        statement = statement.where(Lot.contract_uuid == contract_uuid)
    if authority_uuid is not None:
        statement = statement.where(PublicContract.authority_uuid == authority_uuid)
    if period is not None and period.start is not None:
        statement = statement.where(Invoice.invoiced_on >= period.start)
    if period is not None and period.end is not None:
        statement = statement.where(Invoice.invoiced_on <= period.end)
    return [
        InvoicedAmount(
            i.uuid, i.award_uuid, i.invoiced_on, i.amount_ht, i.reference, contract, lot, company
        )
        for i, contract, lot, company in session.execute(statement).all()
    ]


def lot_clause_mode(session: Session, lot_uuid: uuid.UUID) -> str | None:
    """How the lot's clause is written (models.ClauseMode), None for an unknown lot."""
    lot = session.get(Lot, lot_uuid)
    return None if lot is None else lot.clause_mode


def invoiced_clause(session: Session, lot_uuid: uuid.UUID) -> tuple[Decimal, Decimal] | None:
    """The lot's clause as (tranche amount € HT, hours per tranche) when it is written on the
    amount invoiced, else None."""
    lot = session.get(Lot, lot_uuid)
    if lot is None or lot.clause_mode != ClauseMode.INVOICED or lot.tranche_amount is None:
        return None
    return lot.tranche_amount, lot.tranche_hours or Decimal(1)


def clause_words(tranche_amount: Decimal | None, tranche_hours: Decimal | None) -> str:
    """« 1 h par tranche de 2 000,00 € HT facturés » (« … » for a tranche not entered)."""
    amount = format_money(tranche_amount) if tranche_amount is not None else "…"
    return f"{format_hours(tranche_hours or Decimal(1))} par tranche de {amount} HT facturés"


@dataclass(frozen=True)
class FrameworkAward:
    """An award of a lot sized on the amount invoiced, for a period: what was invoiced and
    the hours that calls for (the figures')."""

    award_uuid: uuid.UUID
    contract: str
    lot: str
    company: str
    clause: str  # clause_words
    invoiced_ht: Decimal
    amounts: int  # how many amounts (orders or months) were entered in the period
    hours_required: Decimal


def framework_awards(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID,
    required: dict[uuid.UUID, Decimal],
) -> list[FrameworkAward]:
    """The authority's awards of lots sized on the amount invoiced, with the amounts invoiced
    in ``period`` and their required hours (``required``: the figures' hours per award; an
    award the figures left out owes nothing in the period)."""
    rows = session.execute(
        select(Award.uuid, PublicContract.reference, Lot.number, Company.name,
               Lot.tranche_amount, Lot.tranche_hours)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .join(Company, Award.company_uuid == Company.uuid)
        .where(PublicContract.authority_uuid == authority_uuid)
        .where(Lot.clause_mode == ClauseMode.INVOICED)
        .order_by(PublicContract.reference, Lot.number, Company.name)
    ).all()  # fmt: skip
    if not rows:
        return []
    totals: dict[uuid.UUID, tuple[Decimal, int]] = {}
    for amount in invoiced_amounts(session, period, authority_uuid=authority_uuid):
        total, count = totals.get(amount.award_uuid, (Decimal(0), 0))
        totals[amount.award_uuid] = (total + amount.amount_ht, count + 1)
    return [
        FrameworkAward(
            award,
            contract,
            lot,
            company,
            clause_words(tranche, hours),
            *totals.get(award, (Decimal(0), 0)),
            required.get(award, Decimal(0)),
        )
        for award, contract, lot, company, tranche, hours in rows
    ]
