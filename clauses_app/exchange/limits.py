"""Limits that keep hostile files from exhausting memory or time.

The defaults admit the national-volume file (`clauses demo --size national`: 727,000 rows,
among them 62,000 employments and 315,000 hour rows, make a ``.clause`` of ≈ 43 MB holding
≈ 150 MB of CSV) about seven times over. Members are read as a stream, so memory does not
grow with these sizes. They are plain values: a caller (the window's settings, a test) may
pass other ones.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """Ceilings checked before and while reading an archive or a spreadsheet."""

    # Size of the file itself (.clause, .xlsx or .csv).
    max_file_bytes: int = 512 * MIB
    # Entries of a ZIP (.clause has 13; an .xlsx a few dozen).
    max_zip_entries: int = 2000
    # Sum of the uncompressed sizes of the entries read.
    max_uncompressed_bytes: int = 1024 * MIB
    # Uncompressed ÷ compressed size of one entry; applies to entries above ratio_floor_bytes.
    # CSV of UUIDs compresses 2-4×, spreadsheet XML 10-40×, a ZIP bomb 1000× and more.
    max_compression_ratio: int = 200
    ratio_floor_bytes: int = 1 * MIB
    # The manifest is small; anything bigger is not one.
    max_manifest_bytes: int = 1 * MIB
    # Rows and columns of one spreadsheet. Only rows and cells that exist count: a sheet's
    # declared dimension is never trusted (one far cell is one cell).
    max_sheet_rows: int = 1_000_000
    max_sheet_columns: int = 200
    # Cells kept from one sheet and from the whole file. A national tracker (62,000 rows × 30
    # columns, 1.86 million cells) fits; each kept cell costs ~60 bytes of memory, so the file
    # cap bounds reading at a few hundred MB whatever the file holds.
    max_sheet_cells: int = 2_000_000
    max_file_cells: int = 3_000_000
    # Uncompressed size of one XML part of a workbook (a sheet, the shared strings).
    max_xlsx_part_bytes: int = 256 * MIB
    # Errors kept in a report (the rest are counted, not listed).
    max_errors: int = 10_000


DEFAULT_LIMITS = ImportLimits()
