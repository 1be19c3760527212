"""One worksheet's XML read as a stream: the rows and cells it holds, then its merged ranges,
whose top-left value is copied into every cell of the range.

A sheet's ``<mergeCells>`` come after its ``<sheetData>``: the rows are kept first (they are
kept anyway, grid.py), then each range is filled in the rows the sheet holds; no row is made
up for a merged range. The ranges are counted as they are read and a sheet with more than
:data:`MAX_MERGED_RANGES` is refused, so that they cost bounded memory; the cells copied are
counted too (ranges of a valid workbook never overlap, so they never copy more cells than the
sheet's cap).

A merged heading is handled where the headings are read (mapping.py): only the ranges that
start in the rows searched for headings are kept with the sheet.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import pairwise
from operator import itemgetter
from typing import IO, Any, NamedTuple

from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.safety import UnsafeFileError
from clauses_app.formatting import format_number

# A tracker merging its authority, contract, lot and company over the rows of each lot's
# employees has a few ranges per lot: a national one tens of thousands.
MAX_MERGED_RANGES = 100_000
# Headings are looked for in a sheet's first rows (mapping.find_tables).
HEADING_ROWS = 30


class MergedRange(NamedTuple):
    """Cells merged into one, shown with the value of the first (top-left) one."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def covers_row(self, number: int) -> bool:
        return self.first_row <= number <= self.last_row


class SheetRows:
    """The rows of one worksheet's XML (``rows()``), then its merged ranges (``merged``)."""

    def __init__(self, source: IO[bytes], worksheet: Any, workbook: Any, where: str) -> None:
        from openpyxl.worksheet._reader import WorkSheetParser

        self.where = where
        self.merged: list[MergedRange] = []
        self._parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )

    def rows(self, limits: ImportLimits) -> Iterator[tuple[int, list[Any]]]:
        """The rows the sheet's XML holds, with their numbers, as a stream.

        openpyxl's own row iterator trusts the declared ``<dimension>`` and makes up every
        row and cell missing below and left of it (one far cell: a million padded rows). Its
        sheet parser, used here, yields only the rows and cells written in the file. Its own
        loop would build the whole ``<mergeCells>`` element before handing it over: here each
        range is taken, counted and let go as it is read.
        """
        from openpyxl.utils.cell import range_boundaries
        from openpyxl.worksheet._reader import ROW_TAG
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse

        merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
        for _event, element in iterparse(self._parser.source):
            if element.tag == ROW_TAG:
                number, cells = self._parser.parse_row(element)
                element.clear()
                values = self._values(number, cells, limits)
                if values:
                    yield number, values
            elif element.tag == merge_tag:
                first_column, first_row, last_column, last_row = range_boundaries(
                    element.get("ref", "")
                )
                element.clear()
                self.merged.append(MergedRange(first_row, first_column, last_row, last_column))
                if len(self.merged) > MAX_MERGED_RANGES:
                    raise UnsafeFileError(
                        f"{self.where} : plus de {format_number(MAX_MERGED_RANGES, 0)} plages de "
                        "cellules fusionnées : fichier refusé. Annulez la fusion des cellules (en "
                        "recopiant leurs valeurs) ou découpez le fichier."
                    )

    def _values(self, number: int, cells: list[dict[str, Any]], limits: ImportLimits) -> list[Any]:
        """The row's values up to its last filled cell; [] for a row with nothing in it."""
        width = 0
        for cell in cells:
            column, value = cell["column"], cell["value"]
            if value is None or value == "":
                continue
            if column > limits.max_sheet_columns:
                raise UnsafeFileError(
                    f"{self.where}, ligne {number} : une cellule remplie en colonne {column}, "
                    f"au-delà de la limite (au plus {limits.max_sheet_columns} colonnes) : "
                    "fichier refusé."
                )
            width = max(width, column)
        if not width:
            return []
        values: list[Any] = [None] * width
        for cell in cells:
            if cell["column"] <= width:
                values[cell["column"] - 1] = cell["value"]
        return values


def fill_merged(
    rows: list[tuple[int, list[Any]]],
    merged: list[MergedRange],
    limits: ImportLimits,
    widen: Callable[[int, int], None],
    where: str,
) -> None:
    """Copy each range's top-left value into every cell of the range, in ``rows``: what the
    range shows (a value LibreOffice keeps hidden under a merge is not read).

    A range beyond the columns read (``limits.max_sheet_columns``) is cut there; ``widen``
    is told of the cells a row gains (row number, count) and may refuse them. Copies are
    counted: more than the sheet's cells cap means ranges overlap, and the file is refused.
    """
    if not merged:
        return
    numbers = [number for number, _cells in rows]
    if any(a > b for a, b in pairwise(numbers)):
        rows.sort(key=itemgetter(0))  # the format writes rows in order; a made-up file may not
        numbers.sort()
    copied = 0
    for block in merged:
        last_column = min(block.last_column, limits.max_sheet_columns)
        index = bisect_left(numbers, block.first_row)
        if last_column < block.first_column or index == len(numbers):
            continue
        number, top = rows[index]
        if number != block.first_row or block.first_column > len(top):
            continue  # nothing in the top-left cell: the range shows nothing
        value = top[block.first_column - 1]
        if value is None or value == "":
            continue
        first = block.first_column - 1
        while index < len(numbers) and numbers[index] <= block.last_row:
            number, cells = rows[index]
            if len(cells) < last_column:
                widen(number, last_column - len(cells))
                cells.extend([None] * (last_column - len(cells)))
            cells[first:last_column] = [value] * (last_column - first)
            copied += last_column - first
            if copied > limits.max_sheet_cells:
                raise UnsafeFileError(
                    f"{where} : des plages de cellules fusionnées se chevauchent (plus de "
                    f"{format_number(limits.max_sheet_cells, 0)} cellules à recopier) : "
                    "fichier refusé."
                )
            index += 1


def heading_ranges(merged: list[MergedRange]) -> list[MergedRange]:
    """The ranges that may merge headings: those starting in the rows searched for them."""
    return [block for block in merged if block.first_row <= HEADING_ROWS]
