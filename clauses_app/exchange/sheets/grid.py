"""Reading a spreadsheet (XLSX or CSV) into sheets of cell values, safely, in bounded time
and memory.

XLSX: the ZIP is checked first (exchange.safety: entries, sizes, ratio, names), then every XML
part is refused if it declares a DOCTYPE (exchange.safety.refuse_doctypes); openpyxl reads the
sheets in read-only (streaming) mode through defusedxml. A sheet's declared dimension is never
trusted: only the rows and cells that exist are read, and rows that are not in the file are
not made up.
CSV: one encoding for the whole file (UTF-8 with or without BOM, else Windows-1252; a file
mixing them is refused with its lines named), separator ``;``, ``,`` or tab, guessed; read as
a stream.

Cells kept are counted per sheet and per file (``ImportLimits.max_sheet_cells``,
``max_file_cells``): past a cap the file is refused at once, so a hostile or oversized file
costs seconds and bounded memory. Every cell's text is kept as typed: a cell starting with
``=``, ``+``, ``-`` or ``@`` is data.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.safety import (
    UnsafeFileError,
    check_file_size,
    open_zip,
    refuse_doctypes,
)
from clauses_app.exchange.sheets.values import BadCell, normalise, parse_decimal


@dataclass
class Sheet:
    """One sheet's rows that hold something: ``(row number from 1, cells)``."""

    name: str | None  # None for a CSV file
    rows: list[tuple[int, list[Any]]]


def read_sheets(path: Path, limits: ImportLimits) -> list[Sheet]:
    """Every sheet of ``path``; raises UnsafeFileError with a French message."""
    check_file_size(path, limits)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return _read_xlsx(path, limits)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise UnsafeFileError(
            "Ce fichier .xlsx n'est pas un classeur valide (tronqué ou d'un autre type)."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsafeFileError(
            "Classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx ou .csv."
        )
    return [Sheet(None, _read_csv(path, limits))]


def _number(value: int) -> str:
    from clauses_app.formatting import format_number

    return format_number(value, 0)


class _Cells:
    """Counts the cells kept, per sheet and for the file, and refuses past the caps."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.file = 0
        self.sheet = 0
        self.rows = 0

    def new_sheet(self) -> None:
        self.sheet = self.rows = 0

    def keep(self, where: str, number: int, values: tuple[Any, ...] | list[Any]) -> list[Any]:
        """The row's cells up to its last non-empty one; [] for an empty row."""
        limits = self.limits
        width = len(values)
        while width and (values[width - 1] is None or values[width - 1] == ""):
            width -= 1
        if not width:
            return []
        if width > limits.max_sheet_columns:
            raise UnsafeFileError(
                f"{where}, ligne {number} : une cellule remplie en colonne {width}, au-delà "
                f"de la limite (au plus {limits.max_sheet_columns} colonnes) : fichier refusé."
            )
        self.rows += 1
        self.sheet += width
        self.file += width
        if self.rows > limits.max_sheet_rows:
            raise UnsafeFileError(
                f"{where} : trop de lignes (plus de {_number(limits.max_sheet_rows)}) : "
                "fichier refusé."
            )
        if self.sheet > limits.max_sheet_cells:
            raise UnsafeFileError(
                f"{where} : trop de cellules (plus de {_number(limits.max_sheet_cells)}, "
                f"atteint ligne {number}) : fichier refusé. Un tableau de suivi national "
                "(62 000 lignes × 30 colonnes) passe ; découpez un fichier plus grand."
            )
        if self.file > limits.max_file_cells:
            raise UnsafeFileError(
                f"Fichier trop grand : plus de {_number(limits.max_file_cells)} cellules en "
                f"tout (atteint à la ligne {number}) : fichier refusé."
            )
        return list(values[:width])


# ------------------------------------------------------------------ XLSX


def _defused() -> None:
    # openpyxl picks defusedxml when installed; refuse to read a workbook without it.
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise UnsafeFileError("Lecture des classeurs impossible : defusedxml n'est pas installé.")


def _read_xlsx(path: Path, limits: ImportLimits) -> list[Sheet]:
    _defused()
    with open_zip(path, limits, "un classeur XLSX") as archive:
        refuse_doctypes(archive, limits, "classeur")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged or hostile files
        raise _refusal(exc) from None
    sheets = []
    cells = _Cells(limits)
    try:
        for worksheet in workbook.worksheets:
            cells.new_sheet()
            where = f"Feuille « {worksheet.title} »"
            rows: list[tuple[int, list[Any]]] = []
            for number, values in _existing_rows(workbook, worksheet, limits, where):
                kept = cells.keep(where, number, values)
                if kept:
                    rows.append((number, kept))
            sheets.append(Sheet(worksheet.title, rows))
    except UnsafeFileError:
        raise
    except Exception as exc:
        raise _refusal(exc) from None
    finally:
        workbook.close()
    return sheets


def _existing_rows(
    workbook: Any, worksheet: Any, limits: ImportLimits, where: str
) -> Iterator[tuple[int, list[Any]]]:
    """The rows a sheet's XML holds, with their numbers, as a stream.

    openpyxl's own row iterator trusts the declared ``<dimension>`` and makes up every row
    and cell missing below and left of it (one far cell: a million padded rows). Its sheet
    parser, used here, yields only the rows and cells written in the file.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    with workbook._archive.open(worksheet._worksheet_path) as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            width = 0
            for cell in cells:
                column, value = cell["column"], cell["value"]
                if value is None or value == "":
                    continue
                if column > limits.max_sheet_columns:
                    raise UnsafeFileError(
                        f"{where}, ligne {number} : une cellule remplie en colonne {column}, "
                        f"au-delà de la limite (au plus {limits.max_sheet_columns} colonnes) : "
                        "fichier refusé."
                    )
                width = max(width, column)
            if not width:
                continue
            values: list[Any] = [None] * width
            for cell in cells:
                if cell["column"] <= width:
                    values[cell["column"] - 1] = cell["value"]
            yield number, values


def _refusal(exc: BaseException) -> UnsafeFileError:
    """A French reason for a workbook openpyxl could not read, naming XML bombs."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return UnsafeFileError(
                "Classeur refusé : il déclare des entités XML (protection contre les bombes XML "
                "et l'accès à des fichiers externes)."
            )
        cause = cause.__cause__ or cause.__context__
    return UnsafeFileError(f"Classeur illisible ou refusé : {type(exc).__name__} {exc}".strip())


# ------------------------------------------------------------------ CSV

_CHUNK = 1 << 20
_LISTED = 8


def _lines(numbers: list[int], count: int) -> str:
    """``ligne 3``, ``lignes 2, 4 et 7``, ``lignes 2, 4, 7… (12 lignes)``."""
    shown = [str(n) for n in numbers[:_LISTED]]
    if count == 1:
        return f"ligne {shown[0]}"
    if count <= _LISTED:
        return f"lignes {', '.join(shown[:-1])} et {shown[-1]}"
    return f"lignes {', '.join(shown)}… ({count} lignes)"


def csv_encoding(path: Path) -> str:
    """The one encoding of the whole file: ``utf-8-sig`` (BOM or not) or ``cp1252``.

    A file that is UTF-8 on some lines and not on others (two exports glued together, a
    header in plain ASCII) is refused with those lines named: decoded either way, some of its
    names would come out garbled (« LoÃ¯c ») and make duplicate people.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                if b"\x00" in chunk:
                    raise UnsafeFileError("Ce fichier n'est pas un CSV texte (octets nuls).")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        utf8: list[int] = []
        other: list[int] = []
        counts = [0, 0]
        for number, line in enumerate(iter(lambda: handle.readline(_CHUNK), b""), start=1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    line.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise UnsafeFileError(
                        f"Encodage du fichier non reconnu ligne {number} (ni UTF-8 ni "
                        f"Windows-1252, octet 0x{line[exc.start]:02x})."
                    ) from None
                counts[1] += 1
                if len(other) < _LISTED:
                    other.append(number)
            else:
                counts[0] += 1
                if len(utf8) < _LISTED:
                    utf8.append(number)
    if counts[0]:
        raise UnsafeFileError(
            "Fichier refusé : il mélange deux encodages de caractères, "
            f"{_lines(other, counts[1])} en Windows-1252 et {_lines(utf8, counts[0])} en "
            "UTF-8 ; lu d'une seule façon, une partie des noms accentués serait déformée "
            "(« LoÃ¯c » pour « Loïc »). Enregistrez-le de nouveau dans un seul encodage "
            "(« CSV UTF-8 » de préférence) puis importez-le."
        )
    return "cp1252"


def guess_delimiter(text: str) -> str:
    """The separator giving the most lines with the same number (> 1) of fields."""
    sample = text.splitlines()[:30]
    best, best_score = ";", -1
    for delimiter in (";", ",", "\t"):
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(r)]
        except csv.Error:
            continue
        widths = [c for c in counts if c > 1]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = widths.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, limits: ImportLimits) -> list[tuple[int, list[Any]]]:
    encoding = csv_encoding(path)
    cells = _Cells(limits)
    rows: list[tuple[int, list[Any]]] = []
    with path.open(encoding=encoding, newline="") as handle:
        delimiter = guess_delimiter(handle.read(64 * 1024))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        number = 0
        try:
            for number, values in enumerate(reader, start=1):
                kept = cells.keep("Fichier", number, values)
                if kept:
                    # A tracker repeats its authorities, contracts, lots and companies on every
                    # row: one string object each instead of one per cell (a fifth of the
                    # memory on a national tracker).
                    rows.append((number, [intern(v) for v in kept]))
        except csv.Error as exc:
            raise UnsafeFileError(f"CSV illisible ligne {number + 1} : {exc}.") from None
    return rows


# ------------------------------------------------------------------ rows that are not data

_TOTAL = re.compile(r"^(sous )?tota(l|ux)\b")
_SUM = re.compile(r"^=\s*(sum|somme|subtotal|sous\.total)\s*\(", re.IGNORECASE)


def _is_sum(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    text = str(value).strip()
    if _SUM.match(text):
        return True
    try:
        parse_decimal(text)
    except BadCell:
        return False
    return True


def sums_row_reason(cells: list[Any]) -> str | None:
    """Why a row below the header is a total line and not data, or None when it is data.

    A total line has no identity (no name, no reference: no text at all), only sums: numbers
    (or ``=SUM(…)``/``=SOMME(…)`` formulas), optionally after a label like ``TOTAL`` or
    ``Sous-total lot 2``. An authority called « Total Habitat » has names beside it: data.
    """
    label = None
    numbers = 0
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if label is None and not numbers and isinstance(cell, str) and _TOTAL.match(
            normalise(cell)
        ):
            label = cell.strip()
            continue
        if not _is_sum(cell):
            return None  # a name, a reference, a date: data (most rows stop at their first cell)
        numbers += 1
    if label is not None:
        return f"ligne de total « {label} » ignorée (que des sommes, aucun nom)"
    if numbers:
        return "ligne ignorée : que des nombres, sans nom ni référence (ligne de totaux)"
    return None
