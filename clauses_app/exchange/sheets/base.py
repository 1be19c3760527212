"""What the two spreadsheet imports share: reading mapped cells of a row, locating errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from clauses_app.exchange.report import ErrorSink, ImportReport
from clauses_app.exchange.sheets.mapping import Table, ValueMap, field_labels, value_key
from clauses_app.exchange.sheets.values import BadCell, cell_text

T = TypeVar("T")


@dataclass
class RowContext:
    """One data row being read: its cells, and whether any of them failed."""

    number: int
    cells: list[Any]
    failed: bool = False
    values: dict[str, Any] = field(default_factory=dict)


class SheetImport:
    """Base of the tracker and hours imports: mapped cells, errors with file/sheet/row/column."""

    kind = ""

    def __init__(
        self,
        table: Table,
        mapping: dict[str, str],
        report: ImportReport,
        sink: ErrorSink,
        file_name: str,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.report = report
        self.sink = sink
        self.file_name = file_name
        self.positions = {f: table.headers.index(h) for f, h in mapping.items()}
        self.labels = field_labels(self.kind)
        # Codes chosen by the user for coded values not understood: {field: {text: code}}.
        self.values: ValueMap = {}

    def chosen_code(self, field_name: str, text: str) -> str | None:
        """The code the user chose for this value of a coded column, if any."""
        return self.values.get(field_name, {}).get(value_key(text))

    def not_understood(self, field_name: str, text: str) -> None:
        """Count a coded value not understood, for the mapping step to offer a choice."""
        unknown = getattr(self.report, "unknown_values", None)
        if unknown is not None:
            per_field = unknown.setdefault(field_name, {})
            per_field[text] = per_field.get(text, 0) + 1

    def where(self, row: int | None, field_name: str | None = None) -> dict[str, Any]:
        column = self.mapping.get(field_name or "", None) if field_name else None
        return {"file": self.file_name, "sheet": self.table.sheet, "row": row, "column": column}

    def error(self, ctx: RowContext, field_name: str | None, message: str) -> None:
        ctx.failed = True
        self.sink.error(message, **self.where(ctx.number, field_name))

    def warning(self, row: int | None, field_name: str | None, message: str) -> None:
        self.sink.warning(message, **self.where(row, field_name))

    def raw(self, ctx: RowContext, field_name: str) -> Any:
        position = self.positions.get(field_name)
        if position is None or position >= len(ctx.cells):
            return None
        value = ctx.cells[position]
        return None if isinstance(value, str) and not value.strip() else value

    def text(self, ctx: RowContext, field_name: str, required: bool = False) -> str:
        value = cell_text(self.raw(ctx, field_name))
        if required and not value:
            self.error(ctx, field_name, f"{self.labels[field_name]} : valeur obligatoire manquante")
        return value

    def parsed(
        self,
        ctx: RowContext,
        field_name: str,
        parser: Callable[[Any], T],
        required: bool = False,
    ) -> T | None:
        value = self.raw(ctx, field_name)
        if value is None:
            if required:
                self.error(
                    ctx, field_name, f"{self.labels[field_name]} : valeur obligatoire manquante"
                )
            return None
        try:
            return parser(value)
        except BadCell as exc:
            self.error(ctx, field_name, str(exc))
            return None
