"""Reading a spreadsheet (XLSX or CSV) into sheets of cell values, safely.

XLSX: the ZIP is checked first (exchange.safety: entries, sizes, ratio, names); openpyxl then
parses its XML through defusedxml (entity expansion and external entities are refused).
CSV: UTF-8 (with or without BOM), else Windows-1252; separator ``;``, ``,`` or tab, guessed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.safety import UnsafeFileError, check_file_size, open_zip


@dataclass
class Sheet:
    name: str | None  # None for a CSV file
    rows: list[list[Any]]


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
    return [Sheet(None, _read_csv(path.read_bytes(), limits))]


def _defused() -> None:
    # openpyxl picks defusedxml when installed; refuse to read a workbook without it.
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise UnsafeFileError("Lecture des classeurs impossible : defusedxml n'est pas installé.")


def _read_xlsx(path: Path, limits: ImportLimits) -> list[Sheet]:
    _defused()
    open_zip(path, limits, "un classeur XLSX").close()
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged or hostile files
        raise _refusal(exc) from None
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows: list[list[Any]] = []
            for row in worksheet.iter_rows(values_only=True):
                if len(rows) >= limits.max_sheet_rows:
                    raise UnsafeFileError(
                        f"Feuille « {worksheet.title} » trop longue (plus de "
                        f"{limits.max_sheet_rows} lignes)."
                    )
                rows.append(list(row[: limits.max_sheet_columns]))
            sheets.append(Sheet(worksheet.title, rows))
    except UnsafeFileError:
        raise
    except Exception as exc:
        raise _refusal(exc) from None
    finally:
        workbook.close()
    return sheets


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


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252; raise when neither fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnsafeFileError(
            f"Encodage du fichier non reconnu (ni UTF-8 ni Windows-1252, octet 0x"
            f"{data[exc.start]:02x})."
        ) from None


def guess_delimiter(text: str) -> str:
    """The separator giving the most lines with the same number (> 1) of fields."""
    sample = text.splitlines()[:30]
    best, best_score = ";", -1
    for delimiter in (";", ",", "\t"):
        counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(r)]
        widths = [c for c in counts if c > 1]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = widths.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, limits: ImportLimits) -> list[list[Any]]:
    text = decode_text(data)
    if "\x00" in text:
        raise UnsafeFileError("Ce fichier n'est pas un CSV texte (octets nuls).")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text))
    rows: list[list[Any]] = []
    try:
        for row in reader:
            if len(rows) >= limits.max_sheet_rows:
                raise UnsafeFileError(
                    f"Fichier trop long (plus de {limits.max_sheet_rows} lignes)."
                )
            rows.append(row[: limits.max_sheet_columns])
    except csv.Error as exc:
        raise UnsafeFileError(f"CSV illisible ligne {reader.line_num} : {exc}.") from None
    return rows
