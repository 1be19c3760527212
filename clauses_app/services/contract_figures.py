"""One public contract's figures for its view: required and done hours over its whole life,
and what is shown apart (hours of pending eligibility, planned hours of lots without an
awardee). Computed by compute_figures like every other figure, for the contract's authority."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from clauses_app.formatting import format_hours, format_percent
from clauses_app.models import PublicContract
from clauses_app.services.counting import ZERO
from clauses_app.services.figures import compute_figures
from clauses_app.services.hours_apart import pending_phrase
from clauses_app.services.progress import Progress
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.services.unawarded import UnawardedLot, planned_unawarded_hours, unawarded_lots
from clauses_app.storage import Database


@dataclass(frozen=True)
class ContractFigures:
    contract_uuid: uuid.UUID
    hours_required: Decimal
    hours_done: Decimal
    completion_rate: Decimal | None
    pending_counted: Decimal = ZERO  # part of hours_done
    pending_excluded: Decimal = ZERO  # not part of it
    unawarded: list[UnawardedLot] = field(default_factory=list)

    @property
    def unawarded_hours(self) -> Decimal:
        return planned_unawarded_hours(self.unawarded)

    def lines(self) -> list[str]:
        """The view's lines, in French: the hours, then each figure shown apart."""
        done = f"Heures réalisées : {format_hours(self.hours_done)}"
        pending = pending_phrase(self.pending_counted, self.pending_excluded)
        if pending:
            done += f" ({pending})"
        rate = "" if self.completion_rate is None else f" — {format_percent(self.completion_rate)}"
        lines = [f"Heures exigées : {format_hours(self.hours_required)}", done + rate]
        if self.unawarded_hours > 0:
            numbers = [lot.lot_number for lot in self.unawarded]
            lots = ("lot " if len(numbers) == 1 else "lots ") + ", ".join(numbers)
            lines.append(
                f"Heures prévues non attribuées : {format_hours(self.unawarded_hours)} "
                f"({lots} sans entreprise attributaire), hors heures exigées"
            )
        return lines


def contract_figures(
    session: Session,
    contract_uuid: uuid.UUID,
    settings: AppSettings | None = None,
    progress: Progress | None = None,
) -> ContractFigures:
    """The figures of one contract over its whole life (all periods)."""
    contract = session.get(PublicContract, contract_uuid)
    if contract is None:
        raise LookupError(f"Marché inconnu : {contract_uuid}.")
    settings = settings or load_settings(session)
    figures = compute_figures(
        session, None, contract.authority_uuid, settings, progress=progress, pending_hours=True
    )
    totals = figures.group(lambda a: a.contract_uuid).get(contract_uuid)
    unawarded = [
        lot
        for lot in unawarded_lots(session, None, contract.authority_uuid)
        if lot.contract_uuid == contract_uuid
    ]
    if totals is None:
        return ContractFigures(contract_uuid, ZERO, ZERO, None, unawarded=unawarded)
    return ContractFigures(
        contract_uuid,
        totals.hours_required,
        totals.hours_done,
        totals.completion_rate,
        totals.pending_counted,
        totals.pending_excluded,
        unawarded,
    )


def load_contract_figures(
    database: Database, contract_uuid: uuid.UUID, progress: Progress | None = None
) -> ContractFigures:
    """:func:`contract_figures` in a session of its own (the contract view's background task)."""
    with database.session() as session:
        return contract_figures(session, contract_uuid, progress=progress)
