"""Reading a spreadsheet (XLSX or CSV) into sheets of cell values, safely, in bounded time
and memory.

XLSX: the ZIP is checked first (exchange.safety: entries, sizes, ratio, names), then every XML
part is refused if it declares a DOCTYPE (exchange.safety.refuse_doctypes); openpyxl reads the
sheets in read-only (streaming) mode through defusedxml. A sheet's declared dimension is never
trusted: only the rows and cells that exist are read, and rows that are not in the file are
not made up. A merged range's value is read in every cell of the range (sheet_xml.py). A
damaged workbook (truncated, XML cut or malformed, a part missing) is refused in French,
naming the file, never with the parser's own text.
CSV: one encoding for the whole file (UTF-8 with or without BOM, else Windows-1252; a file
mixing them is refused with its lines named; UTF-16 when it starts with its byte order mark,
as Excel's « Texte Unicode » does), separator ``;``, ``,`` or tab, guessed; read as a stream.

Cells kept are counted per sheet and per file (``ImportLimits.max_sheet_cells``,
``max_file_cells``): past a cap the file is refused at once, so a hostile or oversized file
costs seconds and bounded memory. Every cell's text is kept as typed: a cell starting with
``=``, ``+``, ``-`` or ``@`` is data.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any, BinaryIO

from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.safety import (
    UnsafeFileError,
    check_file_size,
    open_zip,
    refuse_doctypes,
)
from clauses_app.exchange.sheets.sheet_xml import (
    MergedRange,
    SheetRows,
    fill_merged,
    heading_ranges,
)
from clauses_app.exchange.sheets.values import BadCell, normalise, parse_decimal


@dataclass
class Sheet:
    """One sheet's rows that hold something: ``(row number from 1, cells)``, a merged range's
    value in each of its cells; and the merged ranges that may hold headings (the first rows'
    ones), for the heading row to be read as shown (mapping.py)."""

    name: str | None  # None for a CSV file
    rows: list[tuple[int, list[Any]]]
    merged: list[MergedRange] = field(default_factory=list)


def read_sheets(path: Path, limits: ImportLimits) -> list[Sheet]:
    """Every sheet of ``path``; raises UnsafeFileError with a French message."""
    check_file_size(path, limits)
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    if head.startswith(b"PK"):
        return _read_xlsx(path, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsafeFileError(
            "Classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx ou .csv."
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise _damaged(path, _not_a_workbook(head))
    return [Sheet(None, _read_csv(path, limits))]


_HEAD = 512


def _not_a_workbook(head: bytes) -> str:
    """What a file named .xlsx that is no ZIP is, as far as its first bytes tell."""
    if head and all(byte >= 0x20 or byte in b"\t\r\n" for byte in head):
        return "c'est un fichier texte, pas un classeur (un CSV s'importe en .csv)"
    return "ce n'est pas un classeur XLSX valide (fichier d'un autre type)"


def _damaged(path: Path, reason: str) -> UnsafeFileError:
    """The refusal of a workbook that cannot be read as it is, with what to do about it."""
    return UnsafeFileError(
        f"Le classeur « {path.name} » est illisible ou endommagé : {reason}. Enregistrez-le "
        "de nouveau depuis Excel ou LibreOffice (format .xlsx), puis importez-le."
    )


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
        if self.rows > limits.max_sheet_rows:
            raise UnsafeFileError(
                f"{where} : trop de lignes (plus de {_number(limits.max_sheet_rows)}) : "
                "fichier refusé."
            )
        self.add(where, number, width)
        return list(values[:width])

    def add(self, where: str, number: int, count: int) -> None:
        """Count ``count`` more cells kept for row ``number``; refuse past the caps."""
        limits = self.limits
        self.sheet += count
        self.file += count
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


# ------------------------------------------------------------------ XLSX


def _defused() -> None:
    # openpyxl picks defusedxml when installed; refuse to read a workbook without it.
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise UnsafeFileError("Lecture des classeurs impossible : defusedxml n'est pas installé.")


def _read_xlsx(path: Path, limits: ImportLimits) -> list[Sheet]:
    _defused()
    if not zipfile.is_zipfile(path):
        raise _damaged(path, "ce n'est pas un classeur XLSX valide (fichier tronqué ou incomplet)")
    try:
        with open_zip(path, limits, "un classeur XLSX") as archive:
            refuse_doctypes(archive, limits, "classeur")
    except UnsafeFileError as exc:  # a bomb is refused as such; a part that cannot be
        if not any(isinstance(c, _ZIP_ERRORS) for c in _causes(exc)):  # inflated is damage
            raise
        raise _unreadable(path, exc, "une de ses parties") from None
    with path.open("rb") as handle:  # read as what it holds, whatever its name ends with
        return _read_workbook(path, handle, limits)


def _read_workbook(path: Path, handle: BinaryIO, limits: ImportLimits) -> list[Sheet]:
    from openpyxl.reader.excel import ExcelReader

    structure = "sa structure (liste des feuilles, styles ou textes)"
    try:
        reader = ExcelReader(handle, read_only=True, data_only=True)
        reader.read()
        missing = [sheet.name for sheet, rel in reader.parser.find_sheets()
                   if rel.target not in reader.valid_files]  # fmt: skip
    except Exception as exc:  # openpyxl raises many kinds on damaged or hostile files
        raise _unreadable(path, exc, structure) from None
    workbook = reader.wb
    sheets = []
    cells = _Cells(limits)
    try:
        if missing:  # openpyxl leaves such a sheet out without a word
            raise _damaged(path, f"la feuille « {missing[0]} » manque dans le fichier")
        if not workbook.worksheets:
            raise _damaged(path, "il ne contient aucune feuille de calcul")
        for worksheet in workbook.worksheets:
            cells.new_sheet()
            try:
                sheets.append(_read_sheet(workbook, worksheet, cells))
            except UnsafeFileError:
                raise
            except Exception as exc:
                raise _unreadable(path, exc, f"la feuille « {worksheet.title} »") from None
    finally:
        workbook.close()
    return sheets


def _read_sheet(workbook: Any, worksheet: Any, cells: _Cells) -> Sheet:
    """One sheet's rows as kept, a merged range's value in each of its cells."""
    where = f"Feuille « {worksheet.title} »"
    rows: list[tuple[int, list[Any]]] = []
    with workbook._archive.open(worksheet._worksheet_path) as source:
        stream = SheetRows(source, worksheet, workbook, where)
        for number, values in stream.rows(cells.limits):
            kept = cells.keep(where, number, values)
            if kept:
                rows.append((number, kept))

    def widen(number: int, count: int) -> None:
        cells.add(where, number, count)

    fill_merged(rows, stream.merged, cells.limits, widen, where)
    return Sheet(worksheet.title, rows, heading_ranges(stream.merged))


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    cause: BaseException | None = exc
    while cause is not None:
        yield cause
        cause = cause.__cause__ or cause.__context__


def _unreadable(path: Path, exc: BaseException, part: str) -> UnsafeFileError:
    """A French reason for a workbook openpyxl could not read: an XML bomb, or damage to
    ``part`` (the parser's own words, in English, are no help to a facilitator)."""
    from xml.parsers.expat import ExpatError

    from defusedxml import DefusedXmlException

    causes = list(_causes(exc))
    if any(isinstance(c, DefusedXmlException) for c in causes):
        return UnsafeFileError(
            "Classeur refusé : il déclare des entités XML (protection contre les bombes XML "
            "et l'accès à des fichiers externes)."
        )
    if any(isinstance(c, _ZIP_ERRORS) for c in causes):
        return _damaged(path, f"{part} : données compressées illisibles (fichier tronqué ou abîmé)")
    # ElementTree's and lxml's parse errors are SyntaxErrors; expat's is not.
    if any(isinstance(c, SyntaxError | ExpatError) for c in causes):
        return _damaged(path, f"le contenu de {part} est incomplet ou mal formé")
    for cause in causes:
        if isinstance(cause, KeyError):  # zipfile: "There is no item named 'x' in the archive"
            name = re.search(r"'([^']+)'", str(cause))
            return _damaged(path, f"l'élément « {name.group(1) if name else '?'} » manque")
    return _damaged(path, f"{part} n'a pas la forme attendue d'un classeur .xlsx")


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
    """The one encoding of the whole file: ``utf-16`` (its byte order mark first), else
    ``utf-8-sig`` (BOM or not) or ``cp1252``.

    A file that is UTF-8 on some lines and not on others (two exports glued together, a
    header in plain ASCII) is refused with those lines named: decoded either way, some of its
    names would come out garbled (« LoÃ¯c ») and make duplicate people.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            handle.seek(0)
            _check_utf16(handle)
            return "utf-16"
        handle.seek(0)
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


def _check_utf16(handle: BinaryIO) -> None:
    """Excel's « Texte Unicode » (UTF-16, tab-separated) is read as such; a file that does
    not decode whole, or holds NUL characters, is refused."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    line = 1
    try:
        while chunk := handle.read(_CHUNK):
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise UnsafeFileError("Ce fichier n'est pas un CSV texte (caractères nuls).")
            line += text.count("\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnsafeFileError(
            f"Fichier texte Unicode (UTF-16) illisible vers la ligne {line} : caractères "
            "tronqués ou invalides. Enregistrez-le au format « CSV UTF-8 » puis importez-le."
        ) from None


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
    ``Sous-total lot 2`` (in one cell or merged over several). An authority called « Total
    Habitat » has names beside it: data.
    """
    label = None
    numbers = 0
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if label is not None and not numbers and isinstance(cell, str) and cell.strip() == label:
            continue  # the label merged over several cells: read in each of them
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
