"""Stored values read straight as the format's text (export, merge comparisons).

The export and a re-import read every row of the national database (≈ 730,000 rows). Turning
each stored value into a Python object (``uuid.UUID``, ``datetime``, ``Decimal``) and that
object into text was most of the export's time, so:

- **portable path** (every backend): a plain Core select, SQLAlchemy's own conversions, then
  the format's encoders: exactly what the rest of the application reads;
- **SQLite fast path**: the columns are selected without SQLAlchemy's conversions and the
  stored shapes SQLAlchemy writes on SQLite are turned into text by slicing: a uuid is 32 hex
  digits, a timestamp ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC), a date ``YYYY-MM-DD``, a numeric a
  REAL or INTEGER, a boolean 0 or 1. A value of any other shape (a row written by another
  tool) goes through SQLAlchemy's conversion and the portable encoder, so the text is the
  same either way; tests check both paths give identical files.

The fast path is chosen by dialect here and nowhere else. It emits no SQLite-specific SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

from clauses_app.exchange.format import EntitySpec, encoder, field_encoder

Encode = Callable[[Any], str]

# Tests switch this off to run the portable path on SQLite.
SQLITE_FAST_PATH = True


def text_select(
    dialect: Dialect, spec: EntitySpec, names: Sequence[str], quoted: bool = False
) -> tuple[Select[Any], list[Encode]]:
    """A select of ``names`` from the entity's table and, for each selected value, the function
    writing it as the format's text (None → empty). ``quoted``: text ready for a CSV record."""
    table = spec.table
    columns = [spec.column(name) for name in names]
    portable = [field_encoder(c) if quoted else encoder(c) for c in columns]
    if dialect.name != "sqlite" or not SQLITE_FAST_PATH:
        return select(*[table.c[name] for name in names]), portable
    raw = [type_coerce(table.c[name], NullType()).label(name) for name in names]
    encoders = [
        _sqlite_text(column.kind, column.scale, table.c[column.name].type, dialect, slow)
        for column, slow in zip(columns, portable, strict=True)
    ]
    return select(*raw), encoders  # type: ignore[return-value]


def uuids_as_text_select(
    dialect: Dialect, spec: EntitySpec, names: Sequence[str]
) -> tuple[Select[Any], list[Callable[[Any], Any] | None]]:
    """A select of ``names`` where uuid columns come out as the format's text (None stays
    None; the converter of each such column is given) and the others as SQLAlchemy reads
    them (no converter)."""
    table = spec.table
    fast = dialect.name == "sqlite" and SQLITE_FAST_PATH
    selected: list[Any] = []
    converters: list[Callable[[Any], Any] | None] = []
    for name in names:
        column = spec.column(name)
        if column.kind != "uuid":
            selected.append(table.c[name])
            converters.append(None)
            continue
        as_text = encoder(column)
        if fast:
            selected.append(type_coerce(table.c[name], NullType()).label(name))
            as_text = _sqlite_text("uuid", None, table.c[name].type, dialect, as_text)
        else:
            selected.append(table.c[name])
        converters.append(_none_kept(as_text))
    return select(*selected), converters


def _none_kept(as_text: Encode) -> Callable[[Any], str | None]:
    return lambda value: None if value is None else as_text(value)


def _sqlite_text(
    kind: str, scale: int | None, sa_type: Any, dialect: Dialect, slow: Encode
) -> Encode:
    """The text of one stored SQLite value: by slicing for the shapes SQLAlchemy stores, else
    through SQLAlchemy's result conversion and the portable encoder."""
    process = sa_type.dialect_impl(dialect).result_processor(dialect, None)

    def converted(value: Any) -> str:
        return slow(process(value) if process is not None else value)

    if kind == "uuid":

        def uuid_text(v: Any) -> str:
            if v is None:
                return ""
            if v.__class__ is str and len(v) == 32:
                v = v.lower()
                return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
            return converted(v)

        return uuid_text
    if kind == "timestamp":

        def timestamp_text(v: Any) -> str:
            if v is None:
                return ""
            if v.__class__ is str and len(v) == 26 and v[10] == " ":
                return f"{v[:10]}T{v[11:]}Z"
            return converted(v)

        return timestamp_text
    if kind == "date":
        return lambda v: v if v.__class__ is str and len(v) == 10 else converted(v)
    if kind == "decimal":
        # SQLAlchemy reads a SQLite numeric as Decimal("%.{scale}f" % value): the same text.
        pattern = f"%.{scale or 0}f"
        return lambda v: pattern % v if v.__class__ in (float, int) else converted(v)
    if kind == "boolean":
        return lambda v: "" if v is None else ("true" if v else "false")
    if process is None:
        return slow  # text and integers are stored as they are read
    return converted
