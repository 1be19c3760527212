"""The streaming pieces of the exchange code behave like the whole-file code they replace.

- ``records.lines`` splits a text given in chunks exactly as ``io.StringIO(text, newline="")``;
- ``records.decoded`` decodes UTF-8 split anywhere, drops one leading byte-order mark;
- ``format.converter`` gives the values of ``format.decoder`` and shares repeated ones;
- ``stored.text_select``: the SQLite fast path and the portable path write the same text,
  also for stored values of shapes SQLAlchemy does not write itself.
"""

from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from clauses_app.exchange import Scope, export_clause_file, stored
from clauses_app.exchange.format import BadValue, converter, decoder
from clauses_app.exchange.records import Refused, decoded, lines
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, members, spec

PIECES = st.text(alphabet='ab,"\r\n\x0b\x1c\u2028é', max_size=40)


def _chunked(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


@settings(max_examples=300, deadline=None)
@given(PIECES, st.lists(st.integers(min_value=0), max_size=8))
def test_lines_split_like_stringio(text: str, cuts: list[int]) -> None:
    expected = list(io.StringIO(text, newline=""))
    assert list(lines(_chunked(text, cuts))) == expected


def test_lines_keep_a_crlf_cut_between_chunks_whole() -> None:
    assert list(lines(["a,b\r", "\nc,d\r", "e\n"])) == ["a,b\r\n", "c,d\r", "e\n"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30), st.booleans(), st.lists(st.integers(min_value=0), max_size=6))
def test_decoded_joins_characters_cut_between_chunks(
    value: str, bom: bool, cuts: list[int]
) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + value.encode("utf-8")
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    expected = value.removeprefix("\ufeff") if bom else value
    assert "".join(decoded(chunks, lambda: None)) == expected


def test_decoded_hands_an_encoding_fault_over() -> None:
    seen = []
    with pytest.raises(Refused):
        list(decoded([b"ok\n", b"caf\xe9\n"], lambda: seen.append("worded")))
    assert seen == ["worded"]


def test_converter_reads_like_the_decoder_and_shares_repeated_values() -> None:
    hours = spec("hours_record")
    start, worked, employment, source = (
        hours.column(n) for n in ("period_start", "worked_hours", "employment_uuid", "source")
    )
    read = converter(start)
    first, second = read("2025-03-01"), read("".join(["2025-03-", "01"]))
    assert first == date(2025, 3, 1) == decoder(start)("2025-03-01") and first is second
    assert converter(worked)("151.67") == Decimal("151.67")
    assert converter(source)("") is None  # an empty optional text is null
    uid = "5f0c3a52-2c1e-4d5e-8f00-123456789abc"
    assert converter(employment)(uid.upper()) == uid
    for column, bad in ((start, ""), (start, "01/03/2025"), (worked, "-1.00")):
        with pytest.raises(BadValue):
            converter(column)(bad)


def test_fast_and_portable_exports_write_the_same_bytes(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_dataset(database)
    with database.transaction() as s:  # shapes another tool could have stored
        s.execute(text("UPDATE company SET updated_at = '2025-03-01 10:00:00'"))
        s.execute(text("UPDATE contact SET uuid = upper(uuid)"))
    period = Scope(date_from=date(2025, 2, 1))
    fast = members(export_clause_file(database, tmp_path / "fast.clause").path)
    fast_period = members(export_clause_file(database, tmp_path / "fp.clause", period).path)
    monkeypatch.setattr(stored, "SQLITE_FAST_PATH", False)
    portable = members(export_clause_file(database, tmp_path / "portable.clause").path)
    portable_period = members(export_clause_file(database, tmp_path / "pp.clause", period).path)
    assert [n for n in fast if fast[n] != portable[n]] == ["manifest.json"]
    assert [n for n in fast if fast_period[n] != portable_period[n]] == ["manifest.json"]
    assert fast_period["hours_record.csv"].count(b"\n") == 1 + 3  # January's month left out
    assert b",2025-03-01T10:00:00.000000Z\n" in fast["company.csv"]
    contact = fast["contact.csv"].decode().splitlines()[1]
    assert contact[:36] == contact[:36].lower() and contact[8] == "-"
