"""Saisie du mois: one employer's month in one grid, across all its awards. Qt-free.

The employer of an employment is its ``employer_uuid`` (an ETTI, an AI, a GEIQ, an SIAE
sub-contractor) when it has one, else its award's company: the one who sends the statement.
The grid lists that employer's employments active in the month (the same ones its monthly
statement workbook lists), with last month's worked hours for reference; edits are validated
as in the award grid (services.hours_entry.parse_hours) and saved in one transaction as MONTH
records, an employment's undivided TOTAL giving way to them (guide §6).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from clauses_app.formatting import format_hours
from clauses_app.models import (
    Award,
    Company,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    Participant,
    PublicContract,
    ReferenceKind,
)
from clauses_app.services.counting import ZERO
from clauses_app.services.hours_entry import (
    Cell,
    HoursColumn,
    HoursEntryError,
    SaveResult,
    write_month_cells,
)
from clauses_app.services.periods import Month, first_day, last_day, month_from_index, month_index
from clauses_app.services.reference import labels
from clauses_app.services.settings import AppSettings, load_settings


def employer_column() -> ColumnElement[Any]:
    """The employer of an employment: its own, else its award's company."""
    return func.coalesce(Employment.employer_uuid, Award.company_uuid)


def _active_in(month: Month) -> ColumnElement[bool]:
    start, end = first_day(month), last_day(month)
    return (Employment.start_date <= end) & or_(
        Employment.end_date.is_(None), Employment.end_date >= start
    )


def has_clause() -> ColumnElement[bool]:
    """The employment's lot or award carries a clause (hours or a percentage)."""
    return or_(
        Lot.required_hours.is_not(None), Lot.required_percent.is_not(None),
        Award.required_hours.is_not(None), Award.required_percent.is_not(None),
    )  # fmt: skip


@dataclass(frozen=True)
class EmployerRow:
    """One employment active in the month, as its employer knows it."""

    employment_uuid: uuid.UUID
    participant_uuid: uuid.UUID
    last_name: str
    first_name: str
    contract_type: str  # label
    reference: str
    lot_number: str
    lot_title: str | None
    employer_uuid: uuid.UUID
    employer_name: str
    start: date
    end: date | None

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def place(self) -> str:
        return f"{self.reference}, lot {self.lot_number}"


def employer_rows(
    session: Session, month: Month, employer: uuid.UUID | None = None, clause_only: bool = True
) -> list[EmployerRow]:
    """Employments active in ``month`` (of one employer, or all), on lots with a clause
    unless ``clause_only`` is False; in no particular order."""
    owner = employer_column()
    company = aliased(Company)
    query = (
        select(Employment.uuid, Participant.uuid, Participant.last_name, Participant.first_name,
               Employment.contract_type_code, PublicContract.reference, Lot.number, Lot.title,
               owner, company.name, Employment.start_date, Employment.end_date)
        .join(Participant, Employment.participant_uuid == Participant.uuid)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .join(company, company.uuid == owner)
        .where(_active_in(month))
    )  # fmt: skip
    if clause_only:
        query = query.where(has_clause())
    if employer is not None:
        query = query.where(owner == employer)
    types = labels(session, ReferenceKind.CONTRACT_TYPE)
    return [
        EmployerRow(
            emp, person, last, first, types.get(code, code), reference, number, title, who,
            name, start, end,
        )
        for emp, person, last, first, code, reference, number, title, who, name, start, end
        in session.execute(query)
    ]


def employers_in_month(session: Session, month: Month) -> list[tuple[uuid.UUID, str, int]]:
    """(employer, name, employments) of every employer with an employment in the month,
    by name."""
    owner = employer_column()
    rows = session.execute(
        select(owner, Company.name, func.count(Employment.uuid))
        .select_from(Employment)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Company, Company.uuid == owner)
        .where(_active_in(month))
        .group_by(owner, Company.name)
    )
    return sorted(((u, n, c) for u, n, c in rows), key=lambda r: (r[1].lower(), str(r[0])))


def employer_of_employment(session: Session, employment: uuid.UUID) -> uuid.UUID | None:
    """The employment's employer (its own, else its award's company); None when deleted."""
    return session.scalar(
        select(employer_column())
        .select_from(Employment)
        .join(Award, Employment.award_uuid == Award.uuid)
        .where(Employment.uuid == employment)
    )


def employer_name(session: Session, employer: uuid.UUID) -> str | None:
    return session.scalar(select(Company.name).where(Company.uuid == employer))


def previous_month(month: Month) -> Month:
    return month_from_index(month_index(month) - 1)


def month_hours(
    session: Session, month: Month, employments: list[uuid.UUID]
) -> dict[uuid.UUID, Cell]:
    """(worked, training) of the MONTH records of ``month`` for the employments listed."""
    if not employments:
        return {}
    query = select(HoursRecord.employment_uuid, HoursRecord.worked_hours,
                   HoursRecord.training_hours).where(
        HoursRecord.kind == HoursKind.MONTH, HoursRecord.period_start == first_day(month)
    )  # fmt: skip
    wanted = set(employments)
    if len(wanted) <= 500:
        query = query.where(HoursRecord.employment_uuid.in_(wanted))
    return {
        emp: (worked, training or None)
        for emp, worked, training in session.execute(query)
        if emp in wanted
    }


@dataclass
class MonthGrid:
    """The editable hours of one employer's month; the table model shows it as is."""

    employer_uuid: uuid.UUID
    employer_name: str
    month: Month
    rows: list[EmployerRow]
    previous: dict[uuid.UUID, Decimal]  # last month's worked hours, per employment
    monthly_warning: Decimal
    cells: dict[uuid.UUID, Cell] = field(default_factory=dict)
    original: dict[uuid.UUID, Cell] = field(default_factory=dict)
    # Hours of the same people this month on employments outside the grid.
    other_hours: dict[uuid.UUID, Decimal] = field(default_factory=dict)

    def value(self, row: int, column: str = HoursColumn.WORKED) -> Decimal | None:
        worked, training = self.cells.get(self.rows[row].employment_uuid, (None, None))
        return worked if column == HoursColumn.WORKED else training

    def set_value(self, row: int, value: Decimal | None, column: str = HoursColumn.WORKED) -> None:
        key = self.rows[row].employment_uuid
        worked, training = self.cells.get(key, (None, None))
        if column == HoursColumn.WORKED:
            worked = value
        else:
            training = value
        if worked is None and training is None:
            self.cells.pop(key, None)
        else:
            self.cells[key] = (worked, training)

    def total(self, column: str) -> Decimal:
        index = 0 if column == HoursColumn.WORKED else 1
        return sum((cell[index] or ZERO for cell in self.cells.values()), ZERO)

    def person_hours(self, row: int) -> Decimal:
        """Worked + training hours of the row's participant this month, all employments."""
        person = self.rows[row].participant_uuid
        mine = sum(
            ((w or ZERO) + (t or ZERO)
             for r in self.rows if r.participant_uuid == person
             for w, t in [self.cells.get(r.employment_uuid, (None, None))]),
            ZERO,
        )  # fmt: skip
        return mine + self.other_hours.get(person, ZERO)

    def warning(self, row: int) -> str | None:
        """A French warning when the person goes past the monthly threshold (never blocking)."""
        hours = self.person_hours(row)
        if hours > self.monthly_warning:
            return (
                f"{self.rows[row].name} : {format_hours(hours)} dans le mois (tous contrats), "
                f"plus de {format_hours(self.monthly_warning)} : vérifiez le relevé."
            )
        return None

    def warnings(self) -> list[str]:
        """Every warning, once per person, in row order."""
        seen: set[uuid.UUID] = set()
        result = []
        for row, line in enumerate(self.rows):
            text = self.warning(row)
            if text and line.participant_uuid not in seen:
                seen.add(line.participant_uuid)
                result.append(text)
        return result

    def changes(self) -> dict[tuple[uuid.UUID, Month], Cell]:
        keys = set(self.cells) | set(self.original)
        none: Cell = (None, None)
        return {
            (k, self.month): self.cells.get(k, none)
            for k in keys
            if self.cells.get(k, none) != self.original.get(k, none)
        }

    @property
    def is_dirty(self) -> bool:
        return bool(self.changes())


def load_month_grid(
    session: Session,
    employer: uuid.UUID,
    month: Month,
    settings: AppSettings | None = None,
) -> MonthGrid:
    """The grid of one employer's month (every employment active in it, clause or not)."""
    settings = settings or load_settings(session)
    name = session.scalar(select(Company.name).where(Company.uuid == employer))
    if name is None:
        raise HoursEntryError("Cette entreprise n'existe plus.")
    rows = sorted(
        employer_rows(session, month, employer, clause_only=False),
        key=lambda r: (r.last_name.lower(), r.first_name.lower(), r.reference, r.lot_number),
    )
    ids = [r.employment_uuid for r in rows]
    cells = month_hours(session, month, ids)
    previous = {e: w for e, (w, _t) in month_hours(session, previous_month(month), ids).items()}
    grid = MonthGrid(employer, name, month, rows,
                     {e: w for e, w in previous.items() if w is not None},
                     settings.monthly_hours_warning, dict(cells), dict(cells))  # fmt: skip
    grid.other_hours = _other_hours(session, month, rows)
    return grid


def _other_hours(
    session: Session, month: Month, rows: list[EmployerRow]
) -> dict[uuid.UUID, Decimal]:
    if not rows:
        return {}
    mine = {r.employment_uuid for r in rows}
    people = list({r.participant_uuid for r in rows})
    result: dict[uuid.UUID, Decimal] = {}
    records = session.execute(
        select(Employment.participant_uuid, HoursRecord.employment_uuid, HoursRecord.worked_hours,
               HoursRecord.training_hours)
        .join(Employment, HoursRecord.employment_uuid == Employment.uuid)
        .where(Employment.participant_uuid.in_(people), HoursRecord.kind == HoursKind.MONTH,
               HoursRecord.period_start == first_day(month))
    )  # fmt: skip
    for person, emp, worked, training in records:
        if emp not in mine:
            result[person] = result.get(person, ZERO) + worked + training
    return result


def save_month_grid(session: Session, grid: MonthGrid) -> SaveResult:
    """Write the grid's changes (the caller's transaction commits them all or none)."""
    changes = grid.changes()
    employments = {emp for emp, _m in changes}
    still = set(
        session.scalars(
            select(Employment.uuid)
            .join(Award, Employment.award_uuid == Award.uuid)
            .where(Employment.uuid.in_(employments), employer_column() == grid.employer_uuid)
        )
    )
    if employments - still:
        raise HoursEntryError(
            "Un contrat de la grille a été supprimé ou a changé d'employeur entre-temps : "
            "rouvrez la saisie du mois."
        )
    shown = {(emp, grid.month): cell for emp, cell in grid.original.items()}
    return write_month_cells(session, changes, shown)
