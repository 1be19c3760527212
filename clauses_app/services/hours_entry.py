"""Hours entry for one award: a month-by-month grid of its work contracts. Qt-free.

The grid holds the worked and training hours of every employment of the award for the months
of the award's performance period (and of its employments). Edits are validated cell by cell
(negative or non-numeric refused; more than the monthly warning per person is flagged, never
refused) and saved in one transaction as MONTH records. Saving months for an employment
removes its undivided TOTAL record: month records replace it (guide §6).

Counted hours and required hours come from ``compute_figures``; the grid only adds up what
was typed, to show running totals while the user types.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clauses_app.formatting import (
    format_hours,
    format_moment,
    format_month,
    format_number,
    read_typed_number,
)
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
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Month, Period, first_day, last_day, month_of
from clauses_app.services.periods import months_between as _months_between
from clauses_app.services.reference import labels
from clauses_app.services.settings import AppSettings, load_settings

CENT = Decimal("0.01")
# No month has more hours than 31 × 24: anything above is a typing mistake.
HOURS_A_DAY = 24
MAX_MONTH_HOURS = Decimal(31 * HOURS_A_DAY)
GRID_SOURCE = "saisie"


class HoursInputError(ValueError):
    """A cell's text is not an acceptable number of hours; the message is French."""


class HoursColumn:
    WORKED = "worked"
    TRAINING = "training"
    ALL = (WORKED, TRAINING)


# What may follow hours typed in a grid (formatting.read_typed_number).
HOURS_UNIT = re.compile(r" ?h$", re.IGNORECASE)


def parse_hours(text: str, month: Month | None = None) -> Decimal | None:
    """Hours typed or pasted: ``151,67``, ``151.67``, ``1 234,5``, ``12 h``; empty means no
    statement.

    Raises :class:`HoursInputError` for text that is not a number, a negative number, a dot
    before three digits (« 1.234 »: a thousand or one hour?) or more hours than the month has
    (``month``; else than any month). Rounded half-up to the cent.
    """
    try:
        number = read_typed_number(text or "", HOURS_UNIT)
    except ValueError as refused:
        raise HoursInputError(f"« {refused} » n'est pas un nombre d'heures.") from None
    if number is None:
        return None
    whole, fraction = number.whole, number.fraction
    if number.separator == "." and fraction is not None and len(fraction) == 3:
        raise HoursInputError(
            f"« {text.strip()} » : mille heures ou une heure ? Écrivez {whole}{fraction} ou "
            f"{whole},{fraction}."
        )
    if number.negative:
        raise HoursInputError("Les heures ne peuvent pas être négatives.")
    value = number.value
    limit = month_hours(month)
    if value > limit:
        where = f"{format_month(*month).capitalize()} ne compte" if month else "Un mois ne compte"
        raise HoursInputError(f"{where} pas plus de {format_number(limit, 0)} heures.")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def month_hours(month: Month | None) -> Decimal:
    """The hours of a month, day and night (744 for a month of 31 days, and for any month
    when none is given): more is a typing mistake."""
    if month is None:
        return MAX_MONTH_HOURS
    return Decimal(last_day(month).day * HOURS_A_DAY)


@dataclass(frozen=True)
class GridRow:
    """One employment of the award."""

    employment_uuid: uuid.UUID
    participant_uuid: uuid.UUID
    participant_name: str
    contract_type: str  # label of the contract type
    start: date
    end: date | None
    undivided_total: Decimal | None  # worked hours of its TOTAL records, replaced on save

    def covers(self, month: Month) -> bool:
        """The month falls within the employment's dates."""
        if month < month_of(self.start):
            return False
        return self.end is None or month <= month_of(self.end)


Cell = tuple[Decimal | None, Decimal | None]  # (worked, training); both None = no statement


@dataclass
class HoursGrid:
    """The editable state of one award's hours; the table model shows it as is."""

    award_uuid: uuid.UUID
    title: str
    months: list[Month]
    rows: list[GridRow]
    required_hours: Decimal  # all required hours of the award (compute_figures)
    counted_hours: Decimal  # hours that count, as saved (compute_figures)
    monthly_warning: Decimal
    cells: dict[tuple[uuid.UUID, Month], Cell] = field(default_factory=dict)
    original: dict[tuple[uuid.UUID, Month], Cell] = field(default_factory=dict)
    # Hours of the same participants on their other employments (other awards), per month.
    other_hours: dict[tuple[uuid.UUID, Month], Decimal] = field(default_factory=dict)

    def value(self, row: int, month: Month, column: str = HoursColumn.WORKED) -> Decimal | None:
        worked, training = self.cells.get((self.rows[row].employment_uuid, month), (None, None))
        return worked if column == HoursColumn.WORKED else training

    def set_value(
        self, row: int, month: Month, value: Decimal | None, column: str = HoursColumn.WORKED
    ) -> None:
        key = (self.rows[row].employment_uuid, month)
        worked, training = self.cells.get(key, (None, None))
        if column == HoursColumn.WORKED:
            worked = value
        else:
            training = value
        if worked is None and training is None:
            self.cells.pop(key, None)
        else:
            self.cells[key] = (worked, training)

    def editable(self, row: int, month: Month) -> bool:
        """Months of the employment, and any month that already holds hours."""
        key = (self.rows[row].employment_uuid, month)
        return self.rows[row].covers(month) or key in self.cells or key in self.original

    def row_total(self, row: int, column: str | None = None) -> Decimal:
        """Hours typed on one employment: worked, training, or both when ``column`` is None."""
        emp = self.rows[row].employment_uuid
        return sum(
            (_cell_sum(cell, column) for (e, _m), cell in self.cells.items() if e == emp), ZERO
        )

    def month_total(self, month: Month, column: str | None = None) -> Decimal:
        return sum((_cell_sum(c, column) for (_e, m), c in self.cells.items() if m == month), ZERO)

    def total(self, column: str | None = None) -> Decimal:
        """Every hour typed in the grid (worked + training unless ``column`` says which)."""
        return sum((_cell_sum(c, column) for c in self.cells.values()), ZERO)

    def person_month_hours(self, row: int, month: Month) -> Decimal:
        """Worked + training hours of the row's participant in the month, all employments."""
        person = self.rows[row].participant_uuid
        in_grid = sum(
            (
                _cell_sum(self.cells.get((r.employment_uuid, month), (None, None)), None)
                for r in self.rows
                if r.participant_uuid == person
            ),
            ZERO,
        )
        return in_grid + self.other_hours.get((person, month), ZERO)

    def warning(self, row: int, month: Month) -> str | None:
        """A French warning when the person exceeds the monthly threshold (never blocking)."""
        hours = self.person_month_hours(row, month)
        if hours > self.monthly_warning:
            return (
                f"{format_hours(hours)} dans le mois pour cette personne (tous contrats) : "
                f"plus de {format_hours(self.monthly_warning)}, vérifiez le relevé."
            )
        return None

    def changes(self) -> dict[tuple[uuid.UUID, Month], Cell]:
        """Cells whose value differs from the database (None, None means "delete")."""
        keys = set(self.cells) | set(self.original)
        return {
            k: self.cells.get(k, (None, None))
            for k in keys
            if self.cells.get(k, (None, None)) != self.original.get(k, (None, None))
        }

    @property
    def is_dirty(self) -> bool:
        return bool(self.changes())


def _cell_sum(cell: Cell, column: str | None) -> Decimal:
    worked, training = cell
    if column == HoursColumn.WORKED:
        return worked or ZERO
    if column == HoursColumn.TRAINING:
        return training or ZERO
    return (worked or ZERO) + (training or ZERO)


class HoursEntryError(ValueError):
    """The grid cannot be loaded or saved; the message is French."""


class StaleHoursError(HoursEntryError):
    """Hours the grid changes were saved by someone else since it was loaded: nothing saved."""


def load_grid(
    session: Session, award_uuid: uuid.UUID, today: date, settings: AppSettings | None = None
) -> HoursGrid:
    """The hours grid of one award, as stored."""
    settings = settings or load_settings(session)
    head = session.execute(
        select(Company.name, PublicContract.reference, Lot.number, Lot.title,
               PublicContract.authority_uuid, Lot.start_date, Lot.end_date,
               PublicContract.start_date, PublicContract.end_date)
        .select_from(Award)
        .join(Company, Award.company_uuid == Company.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .where(Award.uuid == award_uuid)
    ).one_or_none()  # fmt: skip
    if head is None:
        raise HoursEntryError("Cette attribution n'existe plus.")
    company, reference, number, lot_title, authority, l_start, l_end, c_start, c_end = head
    rows = _grid_rows(session, award_uuid)
    cells = _month_cells(session, [r.employment_uuid for r in rows])
    months = _grid_months(rows, cells, l_start or c_start, l_end or c_end, today)
    figures = compute_figures(session, Period(), authority, settings)
    mine = next((a for a in figures.awards if a.award_uuid == award_uuid), None)
    grid = HoursGrid(
        award_uuid=award_uuid,
        title=f"{company} — marché {reference}, lot {number} ({lot_title})",
        months=months,
        rows=rows,
        required_hours=mine.hours_required if mine else ZERO,
        counted_hours=mine.hours_done if mine else ZERO,
        monthly_warning=settings.monthly_hours_warning,
        cells=dict(cells),
        original=dict(cells),
    )
    grid.other_hours = _other_hours(session, award_uuid, rows, months)
    return grid


def _grid_rows(session: Session, award_uuid: uuid.UUID) -> list[GridRow]:
    contract_types = labels(session, ReferenceKind.CONTRACT_TYPE)
    employments = session.execute(
        select(Employment.uuid, Participant.uuid, Participant.last_name, Participant.first_name,
               Employment.contract_type_code, Employment.start_date, Employment.end_date)
        .join(Participant, Employment.participant_uuid == Participant.uuid)
        .where(Employment.award_uuid == award_uuid)
        .order_by(Participant.last_name, Participant.first_name, Employment.start_date)
    )  # fmt: skip
    rows = list(employments)
    totals: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for emp, worked in session.execute(
        select(HoursRecord.employment_uuid, HoursRecord.worked_hours).where(
            HoursRecord.employment_uuid.in_([r[0] for r in rows]),
            HoursRecord.kind == HoursKind.TOTAL,
        )
    ):
        totals[emp] += worked
    return [
        GridRow(
            employment_uuid=emp,
            participant_uuid=person,
            participant_name=f"{last.upper()} {first}",
            contract_type=contract_types.get(code, code),
            start=start,
            end=end,
            undivided_total=totals.get(emp),
        )
        for emp, person, last, first, code, start, end in rows
    ]


def _month_cells(
    session: Session, employment_uuids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, Month], Cell]:
    records = session.execute(
        select(HoursRecord.employment_uuid, HoursRecord.period_start, HoursRecord.worked_hours,
               HoursRecord.training_hours)
        .where(HoursRecord.employment_uuid.in_(employment_uuids),
               HoursRecord.kind == HoursKind.MONTH)
    )  # fmt: skip
    return {
        (emp, month_of(start)): (worked, training or None)
        for emp, start, worked, training in records
    }


def _grid_months(
    rows: list[GridRow],
    cells: dict[tuple[uuid.UUID, Month], Cell],
    performance_start: date | None,
    performance_end: date | None,
    today: date,
) -> list[Month]:
    """The performance period's months, widened to every employment and every stored month.
    An open-ended employment without a performance end runs to this month."""
    firsts = [month_of(d) for d in [performance_start, *(r.start for r in rows)] if d]
    lasts = [month_of(d) for d in [performance_end, *(r.end for r in rows)] if d]
    if any(r.end is None for r in rows) and performance_end is None:
        lasts.append(month_of(today))
    stored = [m for (_e, m) in cells]
    firsts += stored
    lasts += stored
    if not firsts:
        return []
    last = max(lasts) if lasts else max(firsts)
    return list(_months_between(min(firsts), max(last, min(firsts))))


def _other_hours(
    session: Session, award_uuid: uuid.UUID, rows: list[GridRow], months: list[Month]
) -> dict[tuple[uuid.UUID, Month], Decimal]:
    if not rows or not months:
        return {}
    people = list({r.participant_uuid for r in rows})
    result: dict[tuple[uuid.UUID, Month], Decimal] = defaultdict(lambda: ZERO)
    records = session.execute(
        select(Employment.participant_uuid, HoursRecord.period_start, HoursRecord.worked_hours,
               HoursRecord.training_hours)
        .join(Employment, HoursRecord.employment_uuid == Employment.uuid)
        .where(Employment.participant_uuid.in_(people), Employment.award_uuid != award_uuid,
               HoursRecord.kind == HoursKind.MONTH,
               HoursRecord.period_start >= first_day(months[0]),
               HoursRecord.period_start <= last_day(months[-1]))
    )  # fmt: skip
    for person, start, worked, training in records:
        result[(person, month_of(start))] += worked + training
    return dict(result)


@dataclass(frozen=True)
class SaveResult:
    inserted: int
    updated: int
    deleted: int
    totals_removed: int


def save_grid(session: Session, grid: HoursGrid) -> SaveResult:
    """Write the grid's changes as MONTH records (the caller's transaction commits them all or
    none). An employment that received month records loses its undivided TOTAL records."""
    changes = grid.changes()
    mine = {r.employment_uuid for r in grid.rows}
    employments = {emp for emp, _m in changes}
    still_there = set(
        session.scalars(
            select(Employment.uuid).where(
                Employment.uuid.in_(employments), Employment.award_uuid == grid.award_uuid
            )
        )
    )
    if employments - mine or employments - still_there:
        raise HoursEntryError(
            "Un contrat de la grille a été supprimé ou déplacé entre-temps : rouvrez la grille."
        )
    return write_month_cells(session, changes, grid.original)


def write_month_cells(
    session: Session,
    changes: dict[tuple[uuid.UUID, Month], Cell],
    original: dict[tuple[uuid.UUID, Month], Cell] | None = None,
) -> SaveResult:
    """Write cells as MONTH records ((None, None) deletes one); the employments that now have
    month records lose their undivided TOTAL records. The caller's transaction commits.

    ``original``: the cells as the grid showed them (absent: empty). A changed cell whose
    stored value differs from it was saved by someone else meanwhile: StaleHoursError, and
    nothing is written. Savers of the same employments wait for each other (their rows are
    locked first, on PostgreSQL), so that two grids loaded at once cannot both pass."""
    employments = {emp for emp, _m in changes}
    if original is not None and employments:
        session.execute(
            select(Employment.uuid).where(Employment.uuid.in_(employments)).with_for_update()
        )
    existing = {
        (rec.employment_uuid, month_of(rec.period_start)): rec
        for rec in session.scalars(
            select(HoursRecord).where(
                HoursRecord.employment_uuid.in_(employments), HoursRecord.kind == HoursKind.MONTH
            )
        )
    }
    if original is not None:
        _refuse_stale(changes, original, existing)
    inserted = updated = deleted = 0
    for (emp, month), (worked, training) in sorted(changes.items(), key=lambda kv: str(kv[0])):
        record = existing.get((emp, month))
        if worked is None and training is None:
            if record is not None:
                session.delete(record)
                deleted += 1
            continue
        worked_value, training_value = worked or ZERO, training or ZERO
        if record is None:
            session.add(
                HoursRecord(
                    employment_uuid=emp,
                    kind=HoursKind.MONTH,
                    period_start=first_day(month),
                    period_end=last_day(month),
                    worked_hours=worked_value,
                    training_hours=training_value,
                    source=GRID_SOURCE,
                )
            )
            inserted += 1
        elif record.worked_hours != worked_value or record.training_hours != training_value:
            record.worked_hours = worked_value
            record.training_hours = training_value
            updated += 1
    session.flush()
    with_months = set(
        session.scalars(
            select(HoursRecord.employment_uuid).where(
                HoursRecord.employment_uuid.in_(employments), HoursRecord.kind == HoursKind.MONTH
            )
        )
    )
    removed = 0
    if with_months:
        result = session.execute(
            delete(HoursRecord).where(
                HoursRecord.employment_uuid.in_(with_months), HoursRecord.kind == HoursKind.TOTAL
            )
        )
        removed = int(getattr(result, "rowcount", 0) or 0)
    return SaveResult(inserted, updated, deleted, removed)


def _refuse_stale(
    changes: dict[tuple[uuid.UUID, Month], Cell],
    original: dict[tuple[uuid.UUID, Month], Cell],
    existing: dict[tuple[uuid.UUID, Month], HoursRecord],
) -> None:
    for key in sorted(changes, key=str):
        record = existing.get(key)
        stored = (record.worked_hours, record.training_hours or None) if record else (None, None)
        if stored == original.get(key, (None, None)):
            continue
        who = f" par {record.updated_by}" if record is not None and record.updated_by else ""
        when = f" le {format_moment(record.updated_at)}" if record is not None else ""
        raise StaleHoursError(
            f"Des heures de la grille ont été enregistrées{who}{when} depuis son ouverture : "
            "rien n'a été enregistré. Rouvrez la grille pour voir leurs valeurs, puis refaites "
            "vos modifications."
        )
