"""Statement workbooks made by ``statements.prepare_statements``, read back with no mapping.

A workbook is recognised by its hidden sheet. Before any hours are taken, its identifiers
must hold: this database, the batch's month, one workbook per employer and month, a signature
that matches every identifier, rows whose names still match their participant, employments
that still exist. The hours cells must be numbers (no formula, no text, no negative). Then
the rows are written as HoursImport writes a statement's (same month records, same
replacement of undivided totals), so that importing the same workbook again changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.exchange.report import ErrorSink, ImportReport
from clauses_app.exchange.sheets.base import RowContext
from clauses_app.exchange.sheets.grid import Sheet
from clauses_app.exchange.sheets.hours import HoursImport, StatementRow
from clauses_app.exchange.sheets.mapping import Table
from clauses_app.exchange.sheets.statements import (
    COMMENT,
    FORMAT_MARK,
    FORMAT_VERSION,
    HEADER_ROW,
    ID_FIRST_ROW,
    ID_KEYS,
    ID_SHEET,
    TABLE_SHEET,
    TRAINING,
    WORKED,
    month_key,
    parse_month_key,
    signed_text,
)
from clauses_app.exchange.sheets.values import (
    BadCell,
    cell_text,
    days_in,
    impossible_hours,
    normalise,
    parse_hours,
)
from clauses_app.formatting import format_month, of_month
from clauses_app.models import Award, Company, Employment, HoursRecord, Participant
from clauses_app.services.database_identity import DatabaseIdentity
from clauses_app.services.periods import Month
from clauses_app.services.settings import load_settings

MAPPING = {
    "last_name": "Nom", "first_name": "Prénom", "contract_reference": "N° marché", "lot": "Lot",
    "month": "Mois", "worked_hours": "Heures travaillées",
    "training_hours": "Heures de formation",
}  # fmt: skip
# Cells of a sheet beyond these are not read (a statement has a few hundred rows at most).
MAX_STATEMENT_ROWS = 20_000


def numbered_rows(sheet: Sheet) -> list[tuple[int, list[Any]]]:
    """``(row number from 1, cells)`` for every row the reader kept, whichever shape it has."""
    result: list[tuple[int, list[Any]]] = []
    for position, item in enumerate(sheet.rows, start=1):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int):
            result.append((item[0], list(item[1])))
        else:
            result.append((position, list(item)))
    return result


def is_statement(sheets: list[Sheet]) -> bool:
    """The workbook carries the hidden sheet of a prepared statement."""
    return _id_sheet(sheets) is not None


def _id_sheet(sheets: list[Sheet]) -> Sheet | None:
    for sheet in sheets:
        if sheet.name != ID_SHEET:
            continue
        rows = numbered_rows(sheet)
        if rows and rows[0][0] == 1 and len(rows[0][1]) > 1 and rows[0][1][1] == FORMAT_MARK:
            return sheet
    return None


@dataclass
class StatementWorkbook:
    """What a statement's hidden sheet says, and its table."""

    file_name: str
    database: str
    month: Month
    employer: uuid.UUID
    signature: str
    identifiers: list[tuple[int, str, str]]  # (table row, employment, participant) as written
    table: Table
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of formulas


def read_statement(
    path: Path, sheets: list[Sheet], sink: ErrorSink
) -> StatementWorkbook | None:
    """The statement in ``sheets`` (``None`` with errors when its identifiers are unusable)."""
    id_sheet = _id_sheet(sheets)
    assert id_sheet is not None
    name = path.name
    keys = {number: cells for number, cells in numbered_rows(id_sheet)}

    def value(row: int) -> Any:
        cells = keys.get(row, [])
        return cells[1] if len(cells) > 1 else None

    def refuse(row: int | None, column: str | None, message: str) -> None:
        sink.error(message, file=name, sheet=ID_SHEET, row=row, column=column)

    for row, key in enumerate(ID_KEYS, start=1):
        label = keys.get(row, [None])[0]
        if label != key:
            refuse(row, "A", f"identifiants cachés modifiés : « {key} » attendu ({_again()})")
            return None
    if str(value(2)) != str(FORMAT_VERSION):
        refuse(2, "B", f"version de relevé inconnue « {value(2)} » ({_again()})")
        return None
    try:
        month = parse_month_key(str(value(4)))
        employer = uuid.UUID(str(value(5)))
    except ValueError:
        refuse(4, "B", f"identifiants cachés modifiés : mois ou employeur illisible ({_again()})")
        return None
    identifiers: list[tuple[int, str, str]] = []
    for number, cells in numbered_rows(id_sheet):
        if number < ID_FIRST_ROW or not any(c not in (None, "") for c in cells):
            continue
        cells = cells + [None] * 3
        try:
            identifiers.append((int(cells[0]), str(cells[1]), str(cells[2])))
        except (TypeError, ValueError):
            refuse(number, "A", f"identifiants cachés modifiés : ligne illisible ({_again()})")
            return None
    table_sheet = next((s for s in sheets if s.name == TABLE_SHEET), None)
    if table_sheet is None:
        sink.error(f"feuille « {TABLE_SHEET} » absente ({_again()})", file=name)
        return None
    rows = {n: c for n, c in numbered_rows(table_sheet)}
    header = [cell_text(c) for c in rows.get(HEADER_ROW, [])]
    if header[WORKED - 1 : TRAINING] != [
        MAPPING["worked_hours"], MAPPING["training_hours"]
    ]:
        sink.error(
            f"en-tête du relevé modifié (« {MAPPING['worked_hours']} » et "
            f"« {MAPPING['training_hours']} » attendus en colonnes H et I) ({_again()})",
            file=name, sheet=TABLE_SHEET, row=HEADER_ROW,
        )  # fmt: skip
        return None
    width = len(header)
    data = [
        (number, list(cells) + [None] * (width - len(cells)))
        for number, cells in sorted(rows.items())
        if number > HEADER_ROW
    ]
    table = Table(TABLE_SHEET, HEADER_ROW, header, "", data)
    return StatementWorkbook(
        name, str(value(3)), month, employer, str(value(6) or ""), identifiers, table,
        _formula_cells(path, max((n for n, _c in data), default=HEADER_ROW)),
    )  # fmt: skip


def _again() -> str:
    return "préparez un nouveau relevé"


def _formula_cells(path: Path, last_row: int) -> set[tuple[int, int]]:
    """(row, column) of the formulas among the cells to fill; the reader gives their values
    only. The workbook has passed the reader's safety checks already."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return set()
    import openpyxl

    found: set[tuple[int, int]] = set()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = workbook[TABLE_SHEET]
        cells = sheet.iter_rows(
            min_row=HEADER_ROW + 1, max_row=min(last_row, HEADER_ROW + MAX_STATEMENT_ROWS),
            min_col=WORKED, max_col=COMMENT,
        )  # fmt: skip
        for row in cells:
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.add((cell.row, cell.column))
    finally:
        workbook.close()
    return found


@dataclass
class CompanyHours:
    """One company's hours in a batch of statements (per company summary)."""

    company_uuid: uuid.UUID
    name: str
    rows: int = 0
    worked: Decimal = Decimal(0)
    training: Decimal = Decimal(0)
    files: list[str] = field(default_factory=list)


class StatementImport(HoursImport):
    """The rows of one prepared statement, checked against its hidden identifiers."""

    def __init__(self, statement: StatementWorkbook, report: ImportReport, sink: ErrorSink) -> None:
        super().__init__(statement.table, _present(statement.table), report, sink,
                         statement.file_name)  # fmt: skip
        self.statement = statement
        self.rows_read: list[StatementRow] = []

    def check_identity(
        self,
        identity: DatabaseIdentity | None,
        expected_month: Month,
        seen: dict[tuple[uuid.UUID, Month], str],
    ) -> bool:
        """The workbook is this database's, of the batch's month, unaltered, and the only one
        of its employer for the month in the batch."""
        st = self.statement
        where = {"file": st.file_name, "sheet": ID_SHEET}
        if identity is None or st.database != str(identity.uuid):
            self.sink.error(
                "relevé préparé par une autre base de données : il ne peut pas être importé ici",
                row=3, column="Base", **where,
            )  # fmt: skip
            return False
        text = signed_text(identity.uuid, st.month, st.employer, st.identifiers)
        if not identity.verify(text, st.signature):
            self.sink.error(
                f"identifiants cachés modifiés (la signature ne correspond plus) : {_again()}",
                row=6, column="Signature", **where,
            )  # fmt: skip
            return False
        if st.month != expected_month:
            self.sink.error(
                f"relevé {of_month(*st.month)}, alors que les relevés importés sont ceux "
                f"{of_month(*expected_month)} : importez-le à part",
                row=4, column="Mois", **where,
            )  # fmt: skip
            return False
        key = (st.employer, st.month)
        if key in seen:
            self.sink.error(
                f"deuxième relevé du même employeur pour {format_month(*st.month)} dans ce lot "
                f"(déjà dans « {seen[key]} ») : gardez-en un seul",
                row=5, column="Employeur", **where,
            )  # fmt: skip
            return False
        seen[key] = st.file_name
        return True

    def run(self, session: Session) -> None:
        self.session = session
        st = self.statement
        employment_ids = [_uuid(e) for _n, e, _p in st.identifiers]
        wanted = [e for e in employment_ids if e is not None]
        found = session.scalars(select(Employment).where(Employment.uuid.in_(wanted)))
        self.employment_rows = {e.uuid: e for e in found}
        people = [e.participant_uuid for e in self.employment_rows.values()]
        names = select(Participant.uuid, Participant.last_name, Participant.first_name)
        self.names = {
            p: (last, first)
            for p, last, first in session.execute(names.where(Participant.uuid.in_(people)))
        }
        self.records = {e: [] for e in self.employment_rows}
        for record in session.scalars(
            select(HoursRecord).where(HoursRecord.employment_uuid.in_(list(self.employment_rows)))
        ):
            self.records[record.employment_uuid].append(record)
        self.monthly_warning = load_settings(session).monthly_hours_warning
        by_row = {number: (emp, person) for number, emp, person in st.identifiers}
        for number, cells in st.table.rows:
            ctx = RowContext(number, cells)
            if number not in by_row:
                self._extra_row(ctx)
                continue
            row = self._statement_row(ctx, *by_row[number])
            if row is not None:
                self.rows_read.append(row)
        missing = sorted(set(by_row) - {n for n, _c in st.table.rows})
        for number in missing:
            self.sink.error(
                f"ligne supprimée du relevé : {_again()}", **self.where(number, "last_name")
            )
        self._check_monthly_load(self.rows_read)
        if self.report.ok:
            for row in self.rows_read:
                self._apply(row)
            self._replace_totals({row.employment.uuid: row.person for row in self.rows_read})
        session.flush()

    def _extra_row(self, ctx: RowContext) -> None:
        if any(self.raw(ctx, f) is not None for f in ("worked_hours", "training_hours")):
            self.error(
                ctx, "last_name",
                "ligne ajoutée au relevé préparé : ajoutez ce contrat de travail dans Clauses, "
                "puis préparez un nouveau relevé",
            )  # fmt: skip

    def _statement_row(
        self, ctx: RowContext, employment_text: str, person_text: str
    ) -> StatementRow | None:
        worked = self._hours_cell(ctx, "worked_hours", WORKED)
        training = self._hours_cell(ctx, "training_hours", TRAINING)
        if ctx.failed or (worked is None and training is None):
            return None
        employment = self.employment_rows.get(_uuid(employment_text) or uuid.UUID(int=0))
        if employment is None:
            self.error(
                ctx, "last_name",
                "contrat de travail supprimé depuis la préparation du relevé : ligne refusée",
            )  # fmt: skip
            return None
        last, first = self.names[employment.participant_uuid]
        shown = (normalise(self.raw(ctx, "last_name")), normalise(self.raw(ctx, "first_name")))
        if str(employment.participant_uuid) != person_text or shown != (
            normalise(last), normalise(first)
        ):
            self.error(
                ctx, "last_name",
                f"la ligne ne correspond plus à son identifiant caché ({last.upper()} {first} "
                f"attendu) : lignes déplacées ou modifiées, {_again()}",
            )  # fmt: skip
            return None
        return StatementRow(
            ctx.number, employment, self.statement.month, worked or Decimal(0),
            training or Decimal(0), f"{last.upper()} {first}",
        )  # fmt: skip

    def _hours_cell(self, ctx: RowContext, field_name: str, column: int) -> Decimal | None:
        label = self.labels[field_name]
        if (ctx.number, column) in self.statement.formulas:
            self.error(ctx, field_name, f"{label} : formule refusée, tapez le nombre d'heures")
            return None
        value = self.raw(ctx, field_name)
        if value is None:
            return None
        try:
            hours = parse_hours(value)
        except BadCell as exc:
            self.error(ctx, field_name, f"{label} : {exc}")
            return None
        if hours < 0:
            self.error(ctx, field_name, f"{label} : nombre d'heures négatif ({hours})")
            return None
        if impossible := impossible_hours(hours, days_in(self.statement.month)):
            self.error(ctx, field_name, f"{label} : {impossible}")
            return None
        return hours

    def company_hours(self, session: Session) -> CompanyHours:
        """This workbook's employer and the hours its rows carry."""
        name = session.scalar(select(Company.name).where(Company.uuid == self.statement.employer))
        summary = CompanyHours(self.statement.employer, name or str(self.statement.employer))
        for row in self.rows_read:
            summary.rows += 1
            summary.worked += row.worked
            summary.training += row.training
        summary.files.append(self.statement.file_name)
        return summary


def _present(table: Table) -> dict[str, str]:
    return {f: h for f, h in MAPPING.items() if h in table.headers}


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def employer_of(session: Session, employment: Employment) -> uuid.UUID:
    """The employment's employer, else its award's company."""
    if employment.employer_uuid is not None:
        return employment.employer_uuid
    company = session.scalar(select(Award.company_uuid).where(Award.uuid == employment.award_uuid))
    assert company is not None
    return company


__all__ = ["StatementImport", "StatementWorkbook", "is_statement", "month_key", "read_statement"]
