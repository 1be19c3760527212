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

import io
import os
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app import paths
from clauses_app.exchange.sheets.safety import neutralise_cell
from clauses_app.exchange.sheets.values import normalise
from clauses_app.formatting import format_hours, format_month, of_month
from clauses_app.models import HoursKind, HoursRecord
from clauses_app.services.database_identity import DatabaseIdentity, database_identity
from clauses_app.services.hours_entry import month_hours
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
    writer = StatementWriter(identity, month, settings.monthly_hours_warning)
    names: set[str] = set()
    for done, statement in enumerate(statements):
        report(progress, done, len(statements), f"Classeur de {statement.employer_name}")
        path = folder / _file_name(month, statement, names)
        writer.write(path, statement)
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
    StatementWriter(identity, month, monthly_warning).write(path, statement)


def statement_workbook(
    identity: DatabaseIdentity, month: Month, statement: EmployerStatement,
    monthly_warning: Decimal,
):  # type: ignore[no-untyped-def]  # fmt: skip
    """One employer's workbook as openpyxl objects: what ``StatementWriter`` writes, cell for
    cell (the writer's model, and the reference its tests compare with)."""
    from openpyxl import Workbook

    workbook = Workbook()
    table = workbook.active
    assert table is not None
    table.title = TABLE_SHEET
    _fill_table(table, month, statement, monthly_warning)
    _fill_help(workbook.create_sheet(HELP_SHEET), month, monthly_warning)
    _fill_identifiers(workbook.create_sheet(ID_SHEET), identity, month, statement)
    workbook.security = _workbook_protection()
    return workbook


class StatementWriter:
    """Writes the statement workbooks of one month.

    openpyxl builds the workbook once, for a one-row placeholder statement: styles,
    explanation sheet, column widths, validations, protection and the hidden sheet's state are
    the same in every workbook of the month. Each employer's workbook is that package with
    the rows of its table and of its hidden sheet written in, in the XML openpyxl writes for
    them (inline strings), and the table's validated range stretched to its last row.
    """

    _PLACEHOLDER = EmployerStatement(
        uuid.UUID(int=0), "", [StatementLine(uuid.UUID(int=0), uuid.UUID(int=0), "", "", "",
                                             "", "", None)],
    )  # fmt: skip

    def __init__(self, identity: DatabaseIdentity, month: Month, monthly_warning: Decimal):
        self.identity = identity
        self.month = month
        workbook = statement_workbook(identity, month, self._PLACEHOLDER, monthly_warning)
        table = workbook[TABLE_SHEET]
        self._title_text = str(table["A1"].value)
        self._intro_text = str(table["A3"].value)
        self._headers = [str(table.cell(HEADER_ROW, c).value) for c in range(1, len(HEADERS) + 1)]
        self._title_style = table["A1"].style_id
        self._header_styles = [table.cell(HEADER_ROW, c).style_id for c in range(1, 11)]
        self._row_styles = [table.cell(HEADER_ROW + 1, c).style_id for c in range(1, 11)]
        buffer = io.BytesIO()
        workbook.save(buffer)
        with zipfile.ZipFile(buffer) as package:
            self._parts = {name: package.read(name) for name in package.namelist()}
        self._table_part = "xl/worksheets/sheet1.xml"
        self._id_part = "xl/worksheets/sheet3.xml"
        self._table_xml = _around_rows(self._parts[self._table_part])
        self._id_xml = _around_rows(self._parts[self._id_part])
        first = HEADER_ROW + 1
        for letter in ("H", "I"):  # the validation's and the orange warning's range
            assert self._table_xml[1].count(f'sqref="{letter}{first}"') == 2

    def write(self, path: Path, statement: EmployerStatement) -> None:
        """Write ``statement``'s workbook at ``path`` (under a temporary name, then renamed)."""
        parts = dict(self._parts)
        parts[self._table_part] = self._table_sheet(statement)
        parts[self._id_part] = self._id_sheet(statement)
        temporary = path.with_name(f".{path.name}.tmp")
        paths.private_file(temporary)  # names of participants: the owner's only (docs/privacy.md)
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as package:
            for name, content in parts.items():
                package.writestr(name, content)
        os.replace(temporary, path)

    def _table_sheet(self, statement: EmployerStatement) -> bytes:
        first = HEADER_ROW + 1
        last = HEADER_ROW + max(len(statement.lines), 1)
        rows = [
            _row(1, [(self._title_text, self._title_style)]),
            _row(2, [(neutralise_cell(f"Employeur : {statement.employer_name}"), 0)]),
            _row(3, [(self._intro_text, 0)]),
            _row(HEADER_ROW, list(zip(self._headers, self._header_styles, strict=True))),
        ]
        short_month = format_month(*self.month, short=True)
        for offset, line in enumerate(statement.lines):
            values = (*_line_values(line, short_month), None, None, None)
            styles = self._row_styles
            rows.append(
                _row(
                    first + offset,
                    [(neutralise_cell(v), s) for v, s in zip(values, styles, strict=True)],
                )
            )
        head, tail = self._table_xml
        head = _dimension(head, f"A1:J{HEADER_ROW + len(statement.lines)}")
        for letter in ("H", "I"):
            stretched = _range(letter, first, last)
            tail = tail.replace(f'sqref="{letter}{first}"', f'sqref="{stretched}"')
        return (head + "".join(rows) + tail).encode()

    def _id_sheet(self, statement: EmployerStatement) -> bytes:
        rows = [
            _row(row, [(key, 0), (value, 0)])
            for row, (key, value) in enumerate(_id_values(self.identity, self.month, statement),
                                               start=1)
        ]  # fmt: skip
        rows.append(_row(ID_FIRST_ROW - 1, [("Ligne", 0), ("Contrat de travail", 0),
                                            ("Participant", 0)]))  # fmt: skip
        for offset, identifiers in enumerate(_row_identifiers(statement)):
            rows.append(_row(ID_FIRST_ROW + offset, [(value, 0) for value in identifiers]))
        head, tail = self._id_xml
        last = ID_FIRST_ROW - 1 + len(statement.lines)
        head = _dimension(head, f"A1:C{last}")
        return (head + "".join(rows) + tail).encode()


def _around_rows(sheet_xml: bytes) -> tuple[str, str]:
    """A sheet's XML before its rows (up to ``<sheetData>``) and after them."""
    text = sheet_xml.decode()
    start = text.index("<sheetData>") + len("<sheetData>")
    return text[:start], text[text.index("</sheetData>") :]


def _dimension(head: str, cells: str) -> str:
    """The sheet's XML head with its used range set to ``cells``."""
    return re.sub(r'<dimension ref="[A-Z0-9:]+"/>', f'<dimension ref="{cells}"/>', head, count=1)


def _range(letter: str, first: int, last: int) -> str:
    return f"{letter}{first}" if last == first else f"{letter}{first}:{letter}{last}"


def _row(number: int, cells: Sequence[tuple[object, int]]) -> str:
    """One ``<row>`` as openpyxl writes it: cells from column A, strings inline."""
    from openpyxl.utils import get_column_letter

    xml = [f'<row r="{number}">']
    for column, (value, style) in enumerate(cells, start=1):
        xml.append(_cell(f"{get_column_letter(column)}{number}", value, style))
    xml.append("</row>")
    return "".join(xml)


def _cell(reference: str, value: object, style: int) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.compat import safe_string
    from openpyxl.utils.exceptions import IllegalCharacterError

    styled = f' s="{style}"' if style else ""
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        if not value:
            return f'<c r="{reference}"{styled} t="inlineStr"></c>'
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        text = f"<t{space}>{escape(value)}</t>"
        return f'<c r="{reference}"{styled} t="inlineStr"><is>{text}</is></c>'
    if value is None:
        return f'<c r="{reference}"{styled} t="n"></c>'
    return f'<c r="{reference}"{styled} t="n"><v>{safe_string(value)}</v></c>'


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
    headers[PREVIOUS - 1] = f"Heures {of_month(*previous)} (pour mémoire)"
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
        for column, value in enumerate(_line_values(line, short_month), start=1):
            sheet.cell(row, column, neutralise_cell(value))
        for column in (WORKED, TRAINING, COMMENT):
            cell = sheet.cell(row, column)
            cell.protection = unlocked
            cell.fill = editable
        for column in (PREVIOUS, WORKED, TRAINING):
            sheet.cell(row, column).number_format = "0.00"
    last_row = HEADER_ROW + max(len(statement.lines), 1)
    first_data = HEADER_ROW + 1
    most = month_hours(month)  # the month's days, 24 hours a day
    for column in (WORKED, TRAINING):
        letter = get_column_letter(column)
        cells = f"{letter}{first_data}:{letter}{last_row}"
        # Excel keeps one validation per cell: this one refuses text and negatives (and more
        # than a month holds); going past the monthly warning is shown, never refused.
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2=str(most),
            allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="stop",
            errorTitle="Nombre d'heures", promptTitle="Heures du mois",
            error=f"Saisissez un nombre d'heures positif (au plus {most} h).",
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


def _line_values(line: StatementLine, short_month: str) -> tuple[str | float | None, ...]:
    """The pre-filled cells of a table row, columns A to G."""
    previous_hours = float(line.previous_hours) if line.previous_hours is not None else None
    return (line.last_name.upper(), line.first_name, line.contract_type, line.reference,
            line.lot, short_month, previous_hours)  # fmt: skip


HELP_TEXT = (
    "Relevé mensuel des heures d'insertion — {month}",
    "",
    "Ce classeur liste les salariés en insertion que vous employez ce mois-ci sur des marchés "
    "comportant une clause sociale d'insertion.",
    "",
    "Pour chaque ligne de l'onglet « Relevé » :",
    "• « Heures travaillées » : les heures effectivement travaillées dans le mois "
    "(un temps plein fait environ 151,67 h) ;",
    "• « Heures de formation » : les heures de formation suivies pendant le contrat, s'il y en a ;",
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
    for row, (key, value) in enumerate(_id_values(identity, month, statement), start=1):
        sheet.cell(row, 1, key)
        sheet.cell(row, 2, value)
    sheet.cell(ID_FIRST_ROW - 1, 1, "Ligne")
    sheet.cell(ID_FIRST_ROW - 1, 2, "Contrat de travail")
    sheet.cell(ID_FIRST_ROW - 1, 3, "Participant")
    for offset, (number, employment, person) in enumerate(_row_identifiers(statement)):
        sheet.cell(ID_FIRST_ROW + offset, 1, number)
        sheet.cell(ID_FIRST_ROW + offset, 2, employment)
        sheet.cell(ID_FIRST_ROW + offset, 3, person)
    sheet.protection.sheet = True
    sheet.sheet_state = "hidden"


def _row_identifiers(statement: EmployerStatement) -> list[tuple[int, str, str]]:
    """Each table row's number, employment and participant, for the hidden sheet."""
    return [
        (HEADER_ROW + 1 + offset, str(line.employment_uuid), str(line.participant_uuid))
        for offset, line in enumerate(statement.lines)
    ]


def _id_values(
    identity: DatabaseIdentity, month: Month, statement: EmployerStatement
) -> list[tuple[str, str | int]]:
    """The hidden sheet's key rows: label, value."""
    rows = _row_identifiers(statement)
    signature = identity.sign(signed_text(identity.uuid, month, statement.employer_uuid, rows))
    values = (FORMAT_MARK, FORMAT_VERSION, str(identity.uuid), month_key(month),
              str(statement.employer_uuid), signature, TABLE_SHEET, HEADER_ROW)  # fmt: skip
    return list(zip(ID_KEYS, values, strict=True))


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
    "StatementWriter",
    "prepare_statements",
    "statement_lines",
    "statement_workbook",
    "write_statement",
]
