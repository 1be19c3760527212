"""Parsing a member's records into rows, and the row-level faults.

Each field goes through its column's converter (``format.converter``: repeated texts parsed
once, their values shared); a record with a fault is parsed again value by value to word
every fault exactly (type, required value), then the row checks run (``rules.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from clauses_app.exchange.format import (
    TYPE_LABELS,
    BadValue,
    ColumnSpec,
    EntitySpec,
    converter,
    decoder,
    empty_value,
    is_mandatory,
)
from clauses_app.exchange.report import ErrorSink
from clauses_app.exchange.rules import row_checker

Row = tuple[Any, ...]


@dataclass
class MemberData:
    """The rows of one member, values parsed, aligned with ``columns`` (those of the header
    this version knows). ``rows[i]`` is record ``row_number(i)`` of the CSV (header = 1)."""

    spec: EntitySpec
    columns: list[ColumnSpec]
    rows: list[Row] = field(default_factory=list)
    invalid: set[int] = field(default_factory=set)

    def index(self, name: str) -> int | None:
        for i, column in enumerate(self.columns):
            if column.name == name:
                return i
        return None

    @staticmethod
    def row_number(i: int) -> int:
        return i + 2


def parse_rows(
    member: MemberData, header: list[str], body: Iterable[list[str]], sink: ErrorSink
) -> int:
    """Parse every record into ``member``; returns the number of records."""
    spec, rows, invalid, width = member.spec, member.rows, member.invalid, len(header)
    at = {name: i for i, name in enumerate(header)}
    positions = [at[c.name] for c in member.columns]
    converters = [converter(c) for c in member.columns]
    # The usual file has exactly our columns in our order: no reordering needed.
    pick = None if positions == list(range(width)) else itemgetter(*positions)
    check = row_checker(spec.name, [c.name for c in member.columns])
    blank = (None,) * len(member.columns)
    for record in body:
        index = len(rows)
        if len(record) != width:
            sink.error(
                f"{len(record)} champs au lieu de {width}",
                file=spec.member,
                row=member.row_number(index),
            )
            rows.append(blank)
            invalid.add(index)
            continue
        texts = record if pick is None else pick(record)
        try:
            values = tuple([f(t) for f, t in zip(converters, texts, strict=True)])
        except BadValue:
            rows.append(_careful_row(member, positions, record, sink))
            invalid.add(index)
            continue
        if check is not None and (problems := check(values)):
            for column_name, message in problems:
                sink.error(
                    message, file=spec.member, row=member.row_number(index), column=column_name
                )
            invalid.add(index)
        rows.append(values)
    return len(rows)


def _careful_row(
    member: MemberData, positions: list[int], record: list[str], sink: ErrorSink
) -> Row:
    """A row with at least one bad value, parsed value by value to word every fault."""
    line = member.row_number(len(member.rows))
    values: list[Any] = []
    for position, column in zip(positions, member.columns, strict=True):
        text = record[position]
        if text:
            try:
                values.append(decoder(column)(text))
            except BadValue as exc:
                sink.error(
                    f"{exc} (type attendu : {TYPE_LABELS[column.kind]})",
                    file=member.spec.member,
                    row=line,
                    column=column.name,
                )
                values.append(None)
        elif is_mandatory(column):
            sink.error(
                "valeur obligatoire manquante",
                file=member.spec.member,
                row=line,
                column=column.name,
            )
            values.append(None)
        else:
            values.append(empty_value(column))
    return tuple(values)


def mark_duplicates(member: MemberData, sink: ErrorSink) -> None:
    """Rows sharing a uuid are all invalid; each repeat is reported against the first."""
    key = member.index("uuid") or 0
    first: dict[Any, int] = {}
    repeats: dict[Any, list[int]] = {}
    for i, row in enumerate(member.rows):
        value = row[key]
        if value is not None and first.setdefault(value, i) != i:
            repeats.setdefault(value, []).append(i)
    for value in sorted(repeats, key=first.__getitem__):
        line = member.row_number(first[value])
        for i in repeats[value]:
            sink.error(
                f"UUID {value} en double (déjà ligne {line})",
                file=member.spec.member,
                row=member.row_number(i),
                column="uuid",
            )
        member.invalid.add(first[value])
        member.invalid.update(repeats[value])
