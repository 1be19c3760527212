"""The "Clause" exchange format, version 1.2: members, columns and how values are written.

Columns are derived from the models, so the format follows the schema: every mapped column of
an entity, named as in the model (snake_case). Values are text in a fixed CSV dialect:

- empty field = null (and the empty string for a required text column);
- uuid: lowercase 8-4-4-4-12; date: ``YYYY-MM-DD``; timestamp: UTC
  ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; decimal: point, exactly the column's scale; boolean:
  ``true``/``false``; json: compact JSON with sorted keys.

docs/clause-format.md is the specification; keep both in step.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from clauses_app.models import ENTITIES, Record
from clauses_app.models.base import LOCAL_COLUMNS, UTCDateTime

FORMAT_NAME = "clause"
FORMAT_VERSION = "1.2"
# Members added by a minor version: a file of an older version lacks them (read as empty).
MEMBER_SINCE: dict[str, tuple[int, int]] = {"invoice.csv": (1, 2)}
MANIFEST_MEMBER = "manifest.json"
# Every timestamp in the ZIP directory is this one, so equal data gives equal archives.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
AUDIT_COLUMNS = ("uuid", "created_at", "updated_at")


class ClauseDialect(csv.Dialect):
    """RFC 4180 with "\\n" line endings: the only dialect the format uses."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an entity's member."""

    name: str
    kind: str  # uuid, string, integer, decimal, date, timestamp, boolean, json
    nullable: bool
    required: bool  # must be present in the header (and non-empty unless a string)
    default: Any = None  # value taken when an optional column is absent from the header
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    reference: str | None = None  # entity whose uuid this column holds


@dataclass(frozen=True)
class EntitySpec:
    name: str  # the table name, e.g. "hours_record"
    model: type[Record]
    columns: tuple[ColumnSpec, ...]
    uniques: tuple[tuple[str, ...], ...]

    @property
    def member(self) -> str:
        return f"{self.name}.csv"

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    def column(self, name: str) -> ColumnSpec:
        return self.by_name[name]

    @property
    def by_name(self) -> dict[str, ColumnSpec]:
        return {c.name: c for c in self.columns}


def _kind(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, Uuid):
        return "uuid"
    if isinstance(kind, UTCDateTime | DateTime):
        return "timestamp"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, Numeric):
        return "decimal"
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, String | Text):
        return "string"
    raise TypeError(f"column {column} has no exchange type")  # pragma: no cover


def _column_spec(column: Column[Any]) -> ColumnSpec:
    kind = _kind(column)
    default = getattr(column.default, "arg", None)
    scalar_default = None if callable(default) else default
    required = column.name in AUDIT_COLUMNS or (not column.nullable and column.default is None)
    reference = None
    for fk in column.foreign_keys:
        reference = fk.column.table.name
    numeric = column.type if isinstance(column.type, Numeric) else None
    length = getattr(column.type, "length", None) if kind == "string" else None
    return ColumnSpec(
        name=column.name,
        kind=kind,
        nullable=bool(column.nullable),
        required=required,
        default=scalar_default,
        length=length,
        precision=numeric.precision if numeric is not None else None,
        scale=numeric.scale if numeric is not None else None,
        reference=reference,
    )


def _entity_spec(model: type[Record]) -> EntitySpec:
    table: Table = model.__table__  # type: ignore[assignment]
    names = [c.name for c in table.columns if c.name not in LOCAL_COLUMNS]
    ordered = ["uuid"] + [n for n in names if n not in AUDIT_COLUMNS] + ["created_at", "updated_at"]
    uniques: list[tuple[str, ...]] = [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    uniques += [(c.name,) for c in table.columns if c.unique]
    return EntitySpec(
        name=table.name,
        model=model,
        columns=tuple(_column_spec(table.columns[n]) for n in ordered),
        uniques=tuple(sorted(set(uniques))),
    )


SPECS: tuple[EntitySpec, ...] = tuple(_entity_spec(model) for model in ENTITIES)
SPEC_BY_NAME: dict[str, EntitySpec] = {spec.name: spec for spec in SPECS}
SPEC_BY_MEMBER: dict[str, EntitySpec] = {spec.member: spec for spec in SPECS}


# ---------------------------------------------------------------- writing values

_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def csv_record(fields: list[str]) -> str:
    """One CSV record of the format: RFC 4180 quoting, "\n" ending.

    Written by hand because Python's csv module leaves a lone carriage return unquoted when
    the line terminator is "\n", and a reader would then split the record there.
    """
    return ",".join([quoted(f) for f in fields]) + "\n"


def format_timestamp(value: datetime) -> str:
    """UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # isoformat pads the year to four digits (strftime's %Y does not below 1000) and is faster.
    return value.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def quoted(text: str) -> str:
    """``text`` as one CSV field of the format (quoted only when it must be)."""
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encoder(column: ColumnSpec) -> Callable[[Any], str]:
    """The function writing one value of ``column`` as text (None → empty)."""
    kind = column.kind
    if kind == "decimal":
        pattern = f"{{:.{column.scale or 0}f}}"
        return lambda v: "" if v is None else pattern.format(Decimal(v))
    if kind == "timestamp":
        return lambda v: "" if v is None else format_timestamp(v)
    if kind == "boolean":
        return lambda v: "" if v is None else ("true" if v else "false")
    if kind == "json":
        return lambda v: "" if v is None else json_text(v)
    if kind == "date":
        return lambda v: "" if v is None else v.isoformat()
    return lambda v: "" if v is None else str(v)


def field_encoder(column: ColumnSpec) -> Callable[[Any], str]:
    """Like :func:`encoder`, the result ready to stand between commas (text is quoted when it
    holds a comma, a quote or a line break; other types never do)."""
    encode = encoder(column)
    if column.kind not in ("string", "json"):
        return encode
    return lambda v: "" if v is None else quoted(encode(v))


# ---------------------------------------------------------------- reading values


class BadValue(ValueError):
    """A value that cannot be read; the message is French and names the expected form."""


_UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _parse_uuid(text: str) -> str:
    """The canonical text of a uuid. Kept as text while importing: hashing and comparing
    strings is much cheaper than uuid.UUID objects on the national file."""
    lowered = text.lower()
    if _UUID_TEXT.fullmatch(lowered) is None:
        raise BadValue(f"« {text} » n'est pas un identifiant UUID (8-4-4-4-12 hexadécimal)")
    return lowered


def _parse_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"« {text} » n'est pas une date AAAA-MM-JJ valide") from None


def _parse_timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(f"« {text} » n'est pas un horodatage ISO 8601 valide") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _parse_boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise BadValue(f"« {text} » n'est pas un booléen (true ou false)")


def _parse_integer(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadValue(f"« {text} » n'est pas un nombre entier") from None
    if not -(2**31) <= value < 2**31:
        raise BadValue(f"« {text} » est hors des limites d'un entier")
    return value


def _decimal_parser(column: ColumnSpec) -> Callable[[str], Decimal]:
    scale = column.scale or 0
    whole_digits = (column.precision or 38) - scale
    limit = Decimal(10) ** whole_digits

    def parse(text: str) -> Decimal:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise BadValue(
                f"« {text} » n'est pas un nombre décimal (point comme séparateur)"
            ) from None
        if not value.is_finite() or "e" in text.lower():
            raise BadValue(f"« {text} » n'est pas un nombre décimal écrit en clair")
        if value < 0:
            raise BadValue(f"« {text} » est négatif : cette valeur ne peut pas l'être")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > scale:
            raise BadValue(f"« {text} » a plus de {scale} décimales")
        if value >= limit:
            raise BadValue(f"« {text} » est trop grand")
        return value

    return parse


def _json_parser(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise BadValue("ce texte JSON est mal formé") from None


def _string_parser(column: ColumnSpec) -> Callable[[str], str]:
    length = column.length

    def parse(text: str) -> str:
        if length is not None and len(text) > length:
            raise BadValue(f"texte trop long ({len(text)} caractères, au plus {length})")
        return text

    return parse


def decoder(column: ColumnSpec) -> Callable[[str], Any]:
    """The function reading one non-empty field of ``column``; raises :class:`BadValue`."""
    kind = column.kind
    simple: dict[str, Callable[[str], Any]] = {
        "uuid": _parse_uuid,
        "date": _parse_date,
        "timestamp": _parse_timestamp,
        "boolean": _parse_boolean,
        "integer": _parse_integer,
        "json": _json_parser,
    }
    if kind in simple:
        return simple[kind]
    if kind == "decimal":
        return _decimal_parser(column)
    return _string_parser(column)


def empty_value(column: ColumnSpec) -> Any:
    """What an empty field means: null, or the empty string for a required text column."""
    if column.kind == "string" and not column.nullable:
        return ""
    return None


def is_mandatory(column: ColumnSpec) -> bool:
    """Whether an empty field is an error (a required value that is not text)."""
    return column.kind != "string" and not column.nullable


# Distinct texts remembered per column by converter(); past that the memory starts afresh.
MEMO_LIMIT = 65_536
# Text columns this short hold codes and other repeated values worth sharing.
SHARED_TEXT_LENGTH = 60
_UNSEEN = object()


def converter(column: ColumnSpec) -> Callable[[str], Any]:
    """Read one field of ``column``, empty or not, on the bulk path.

    Returns what :func:`decoder` (or :func:`empty_value` for an empty field) gives, and raises
    :class:`BadValue` for every field that is a fault, an empty required value included; the
    caller then words the error with :func:`decoder`. Repeated texts (dates, hours, codes,
    parents' uuids, timestamps) are parsed once and the value object is shared between rows,
    which saves time and, on national files, hundreds of megabytes.
    """
    parse = decoder(column)
    mandatory = is_mandatory(column)
    empty = empty_value(column)
    unique_values = (
        column.kind == "json"  # mutable values are never shared
        or (column.kind == "uuid" and column.reference is None)  # the record's own uuid
        or (column.kind == "string" and (column.length or 10**9) > SHARED_TEXT_LENGTH)
    )
    if unique_values:
        if mandatory:
            return parse  # every non-text parser refuses an empty field

        def convert(text: str) -> Any:
            return parse(text) if text else empty

        return convert
    seed: dict[str, Any] = {} if mandatory else {"": empty}
    memo = dict(seed)

    def remembered(text: str) -> Any:
        value = memo.get(text, _UNSEEN)
        if value is _UNSEEN:
            value = parse(text)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
                memo.update(seed)
            memo[text] = value
        return value

    return remembered


TYPE_LABELS = {
    "uuid": "UUID",
    "string": "texte",
    "integer": "entier",
    "decimal": "décimal",
    "date": "date",
    "timestamp": "horodatage UTC",
    "boolean": "booléen",
    "json": "JSON",
}
