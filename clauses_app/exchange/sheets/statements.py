"""Monthly statement workbooks, pre-filled for each employer (docs/statements.md).

``prepare_statements`` writes one XLSX per employer (the employment's employer, else the
awardee) listing its employments active in the month on lots with a clause: name, contract
type, contract reference and lot, last month's hours for reference, and three cells to fill
(hours worked, training hours, a comment). The table sheet is protected but for those cells,
whose validation refuses negatives and text; a second sheet explains; a hidden sheet carries
the database's identifier, the month, the employer, each row's employment and participant and
a signature over them, so that ``statements_read`` imports the workbook back with no mapping
and refuses one that was altered. Nothing the employer does not already hold is written (no
eligibility criteria, no birth date, no address).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app import paths
from clauses_app.exchange.sheets.safety import neutralise_cell
from clauses_app.exchange.sheets.values import normalise
from clauses_app.formatting import format_hours, format_month
from clauses_app.models import HoursKind, HoursRecord
from clauses_app.services.database_identity import DatabaseIdentity, database_identity
from clauses_app.services.hours_entry import MAX_MONTH_HOURS
from clauses_app.services.month_entry import employer_rows
from clauses_app.services.periods import Month, first_day, month_from_index, month_index
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database

FORMAT_MARK = "clauses-releve-mensuel"
FORMAT_VERSION = 1
TABLE_SHEET = "Relevé"
HELP_SHEET = "Mode d'emploi"
ID_SHEET = "Identifiants"
HEADER_ROW = 5  # the table's header row on the first sheet (rows count from 1)
ID_FIRST_ROW = 10  # the first row identifier on the hidden sheet
# Columns of the table sheet (1-based), in order.
LAST, FIRST, CONTRACT_TYPE, REFERENCE, LOT, MONTH, PREVIOUS, WORKED, TRAINING, COMMENT = range(
    1, 11
)
WORKED_HEADER = "Heures travaillées"
TRAINING_HEADER = "Heures de formation"
COMMENT_HEADER = "Commentaire"
HEADERS = (
    "Nom", "Prénom", "Type de contrat", "N° marché", "Lot", "Mois",
    "Heures du mois précédent", WORKED_HEADER, TRAINING_HEADER, COMMENT_HEADER,
)  # fmt: skip
WIDTHS = (22, 18, 24, 16, 24, 10, 14, 14, 14, 40)
# Hidden sheet, key rows (label in column A, value in column B).
ID_KEYS = ("Format", "Version", "Base", "Mois", "Employeur", "Signature", "Feuille",
           "Ligne d'en-tête")  # fmt: skip


def month_key(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def parse_month_key(text: str) -> Month:
    """``2025-03`` → (2025, 3); ValueError with a French message otherwise."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"« {text} » n'est pas un mois (AAAA-MM attendu).")
    return int(match.group(1)), int(match.group(2))


def signed_text(database: uuid.UUID, month: Month, employer: uuid.UUID,
                rows: Sequence[tuple[int, str, str]]) -> str:  # fmt: skip
    """What the hidden signature covers: every identifier of the workbook, in order."""
    lines = [FORMAT_MARK, str(FORMAT_VERSION), str(database), month_key(month), str(employer)]
    lines += [f"{number}:{employment}:{person}" for number, employment, person in rows]
    return "\n".join(lines)


@dataclass(frozen=True)
class StatementLine:
    employment_uuid: uuid.UUID
    participant_uuid: uuid.UUID
    last_name: str
    first_name: str
    contract_type: str
    reference: str
    lot: str
    previous_hours: Decimal | None


@dataclass
class EmployerStatement:
    employer_uuid: uuid.UUID
    employer_name: str
    lines: list[StatementLine] = field(default_factory=list)


@dataclass
class PreparedFile:
    path: Path
    employer_uuid: uuid.UUID
    employer_name: str
    rows: int


@dataclass
class PreparedStatements:
    month: Month
    folder: Path
    files: list[PreparedFile] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def statement_lines(
    session: Session, month: Month, employer: uuid.UUID | None = None
) -> list[EmployerStatement]:
    """Each employer's employments active in ``month`` on a lot with a clause, by employer
    name, then participant name."""
    rows = employer_rows(session, month, employer, clause_only=True)
    previous = _previous_hours(session, month, [r.employment_uuid for r in rows], employer)
    by_employer: dict[uuid.UUID, EmployerStatement] = {}
    for row in rows:
        statement = by_employer.setdefault(
            row.employer_uuid, EmployerStatement(row.employer_uuid, row.employer_name)
        )
        statement.lines.append(
            StatementLine(row.employment_uuid, row.participant_uuid, row.last_name,
                          row.first_name, row.contract_type, row.reference,
                          _lot_label(row.lot_number, row.lot_title),
                          previous.get(row.employment_uuid))
        )  # fmt: skip
    for statement in by_employer.values():
        statement.lines.sort(
            key=lambda s: (normalise(s.last_name), normalise(s.first_name), s.reference, s.lot)
        )
    return sorted(by_employer.values(), key=lambda s: (normalise(s.employer_name), s.employer_uuid))


def _lot_label(number: str, title: str | None) -> str:
    """``Lot 3 – Peinture``: the number first, as the statement importers read it."""
    plain = normalise(title)
    if not plain or plain == normalise(f"lot {number}"):
        return f"Lot {number}"
    if plain.startswith(normalise(f"lot {number} ")):
        return str(title)
    return f"Lot {number} – {title}"


def _previous_hours(
    session: Session, month: Month, employments: list[uuid.UUID], employer: uuid.UUID | None
) -> dict[uuid.UUID, Decimal]:
    """Worked hours of last month's statements, for the employments listed."""
    if not employments:
        return {}
    previous = month_from_index(month_index(month) - 1)
    query = select(HoursRecord.employment_uuid, HoursRecord.worked_hours).where(
        HoursRecord.kind == HoursKind.MONTH, HoursRecord.period_start == first_day(previous)
    )
    if employer is not None or len(employments) < 500:
        query = query.where(HoursRecord.employment_uuid.in_(employments))
    wanted = set(employments)
    return {emp: hours for emp, hours in session.execute(query) if emp in wanted}


def prepare_statements(
    database: Database,
    month: Month,
    folder: str | Path,
    employer: uuid.UUID | None = None,
    progress: Progress | None = None,
) -> PreparedStatements:
    """Write one statement workbook per employer for ``month`` into ``folder`` (made if
    needed); a workbook already there under the same name is replaced. The database gets an
    identifier if it had none (its only write)."""
    folder = Path(folder)
    report(progress, 0, 1, "Lecture des contrats de travail")
    with database.transaction() as session:
        identity = database_identity(session)
        assert identity is not None
        statements = statement_lines(session, month, employer)
        settings = load_settings(session)
    folder.mkdir(parents=True, exist_ok=True)
    result = PreparedStatements(month, folder)
    names: set[str] = set()
    for done, statement in enumerate(statements):
        report(progress, done, len(statements), f"Classeur de {statement.employer_name}")
        path = folder / _file_name(month, statement, names)
        write_statement(path, identity, month, statement, settings.monthly_hours_warning)
        result.files.append(
            PreparedFile(path, statement.employer_uuid, statement.employer_name,
                         len(statement.lines))
        )  # fmt: skip
    report(progress, len(statements), max(len(statements), 1), "Classeurs écrits")
    return result


def _file_name(month: Month, statement: EmployerStatement, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", normalise(statement.employer_name)).strip("-")[:50]
    name = f"releve-{month_key(month)}-{slug or 'employeur'}"
    if name in taken:
        name = f"{name}-{statement.employer_uuid.hex[:8]}"
    taken.add(name)
    return f"{name}.xlsx"


def write_statement(
    path: Path,
    identity: DatabaseIdentity,
    month: Month,
    statement: EmployerStatement,
    monthly_warning: Decimal,
) -> None:
    """Write one employer's workbook (under a temporary name, then renamed)."""
    from openpyxl import Workbook

    workbook = Workbook()
    table = workbook.active
    assert table is not None
    table.title = TABLE_SHEET
    _fill_table(table, month, statement, monthly_warning)
    _fill_help(workbook.create_sheet(HELP_SHEET), month, monthly_warning)
    _fill_identifiers(workbook.create_sheet(ID_SHEET), identity, month, statement)
    workbook.security = _workbook_protection()
    temporary = path.with_name(f".{path.name}.tmp")
    paths.private_file(temporary)  # names of participants: the owner's only (docs/privacy.md)
    workbook.save(temporary)
    os.replace(temporary, path)


def _fill_table(sheet, month: Month, statement: EmployerStatement,  # type: ignore[no-untyped-def]
                monthly_warning: Decimal) -> None:  # fmt: skip
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    previous = month_from_index(month_index(month) - 1)
    sheet["A1"] = f"Relevé mensuel des heures d'insertion — {format_month(*month)}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = neutralise_cell(f"Employeur : {statement.employer_name}")
    sheet["A3"] = (
        "Saisissez les heures du mois dans les colonnes « Heures travaillées » et « Heures de "
        "formation » (cellules jaunes), puis renvoyez ce fichier. Voir l'onglet « Mode d'emploi »."
    )
    headers = list(HEADERS)
    headers[PREVIOUS - 1] = f"Heures de {format_month(*previous)} (pour mémoire)"
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    editable = PatternFill("solid", start_color="FFF4C2")
    unlocked = Protection(locked=False)
    short_month = format_month(*month, short=True)
    for offset, line in enumerate(statement.lines):
        row = HEADER_ROW + 1 + offset
        previous_hours = float(line.previous_hours) if line.previous_hours is not None else None
        values = (line.last_name.upper(), line.first_name, line.contract_type, line.reference,
                  line.lot, short_month, previous_hours)  # fmt: skip
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, neutralise_cell(value))
        for column in (WORKED, TRAINING, COMMENT):
            cell = sheet.cell(row, column)
            cell.protection = unlocked
            cell.fill = editable
        for column in (PREVIOUS, WORKED, TRAINING):
            sheet.cell(row, column).number_format = "0.00"
    last_row = HEADER_ROW + max(len(statement.lines), 1)
    first_data = HEADER_ROW + 1
    for column in (WORKED, TRAINING):
        letter = get_column_letter(column)
        cells = f"{letter}{first_data}:{letter}{last_row}"
        # Excel keeps one validation per cell: this one refuses text and negatives (and more
        # than a month holds); going past the monthly warning is shown, never refused.
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2=str(MAX_MONTH_HOURS),
            allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="stop",
            errorTitle="Nombre d'heures", promptTitle="Heures du mois",
            error=f"Saisissez un nombre d'heures positif (au plus {MAX_MONTH_HOURS} h).",
            prompt=f"Au-delà de {format_hours(monthly_warning)} dans le mois, la cellule "
                   "s'affiche en orange : vérifiez le chiffre.",
        )  # fmt: skip
        sheet.add_data_validation(validation)
        validation.add(cells)
        sheet.conditional_formatting.add(
            cells,
            CellIsRule(operator="greaterThan", formula=[str(monthly_warning)],
                       fill=PatternFill("solid", start_color="FFC98B")),
        )  # fmt: skip
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widening a column stays possible
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


HELP_TEXT = (
    "Relevé mensuel des heures d'insertion — {month}",
    "",
    "Ce classeur liste les salariés en insertion que vous employez ce mois-ci sur des marchés "
    "comportant une clause sociale d'insertion.",
    "",
    "Pour chaque ligne de l'onglet « Relevé » :",
    "• « Heures travaillées » : les heures effectivement travaillées dans le mois "
    "(un temps plein fait environ 151,67 h) ;",
    "• « Heures de formation » : les heures de formation suivies pendant le contrat, s'il y en "
    "a ;",
    "• « Commentaire » : tout ce qui est utile (arrêt, fin de contrat anticipée, erreur dans la "
    "liste…).",
    "Laissez vide une ligne sans heures ce mois-ci. Seuls des nombres positifs sont acceptés ; "
    "au-delà de {warning} dans le mois, la cellule s'affiche en orange : vérifiez le chiffre.",
    "",
    "Les autres cellules sont protégées : ne les modifiez pas, n'ajoutez ni ne supprimez de "
    "ligne, ne triez pas le tableau. Si une personne manque ou ne devrait pas figurer, "
    "signalez-le dans un commentaire ou par courriel.",
    "Ne saisissez pas de formule : tapez le nombre d'heures.",
    "",
    "Renvoyez le classeur complété au facilitateur de la clause sociale, au format .xlsx, "
    "sans le renommer si possible.",
)


def _fill_help(sheet, month: Month, monthly_warning: Decimal) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 110
    for row, text in enumerate(HELP_TEXT, start=1):
        cell = sheet.cell(
            row, 1, text.format(month=format_month(*month), warning=format_hours(monthly_warning))
        )
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.protection.sheet = True


def _fill_identifiers(sheet, identity: DatabaseIdentity, month: Month,  # type: ignore[no-untyped-def]
                      statement: EmployerStatement) -> None:  # fmt: skip
    rows = [
        (HEADER_ROW + 1 + offset, str(line.employment_uuid), str(line.participant_uuid))
        for offset, line in enumerate(statement.lines)
    ]
    signature = identity.sign(signed_text(identity.uuid, month, statement.employer_uuid, rows))
    values = (FORMAT_MARK, FORMAT_VERSION, str(identity.uuid), month_key(month),
              str(statement.employer_uuid), signature, TABLE_SHEET, HEADER_ROW)  # fmt: skip
    for row, (key, value) in enumerate(zip(ID_KEYS, values, strict=True), start=1):
        sheet.cell(row, 1, key)
        sheet.cell(row, 2, value)
    sheet.cell(ID_FIRST_ROW - 1, 1, "Ligne")
    sheet.cell(ID_FIRST_ROW - 1, 2, "Contrat de travail")
    sheet.cell(ID_FIRST_ROW - 1, 3, "Participant")
    for offset, (number, employment, person) in enumerate(rows):
        sheet.cell(ID_FIRST_ROW + offset, 1, number)
        sheet.cell(ID_FIRST_ROW + offset, 2, employment)
        sheet.cell(ID_FIRST_ROW + offset, 3, person)
    sheet.protection.sheet = True
    sheet.sheet_state = "hidden"


def _workbook_protection():  # type: ignore[no-untyped-def]
    from openpyxl.workbook.protection import WorkbookProtection

    # The structure is locked so that the hidden sheet stays hidden and no sheet is added.
    return WorkbookProtection(lockStructure=True)


__all__ = [
    "FORMAT_MARK",
    "HEADER_ROW",
    "ID_SHEET",
    "TABLE_SHEET",
    "PreparedStatements",
    "prepare_statements",
    "statement_lines",
    "write_statement",
]
