"""The CSV records of a member, read as a stream.

A national file's hour member is 58 MB of text; holding it whole (and ``io.StringIO``'s copy
of it at four bytes per character: 230 MB) was most of an import's memory. Here the entry is
decompressed and decoded one MiB at a time, split into lines exactly as
``io.StringIO(text, newline="")`` splits them (at ``\\n``, ``\\r\\n`` and a lone ``\\r``, ends
kept), and parsed by the csv module.

Faults keep the precedence of a whole-member reading: an encoding fault anywhere in the
member is reported rather than a CSV syntax fault before it.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator

from clauses_app.exchange.format import ClauseDialect
from clauses_app.exchange.report import ErrorSink

_LINE_ENDS = ("\n", "\r")
BOM = "\ufeff"


class Refused(Exception):
    """The file, or one member, is refused as a whole (its errors are already reported)."""


def decoded(chunks: Iterable[bytes], on_fault: Callable[[], None]) -> Iterator[str]:
    """UTF-8 text of the byte chunks, a leading byte-order mark dropped. On an encoding
    fault, ``on_fault`` words it (from the whole member) and raises :class:`Refused`."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    started = False
    try:
        for chunk in chunks:
            text = decoder.decode(chunk)
            if not started and text:
                started = True
                text = text.removeprefix(BOM)
            if text:
                yield text
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        on_fault()
        raise Refused from None
    if text:
        yield text if started else text.removeprefix(BOM)


def lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of the text made of ``chunks``, as ``io.StringIO(text, newline="")`` gives
    them. ``str.splitlines`` splits at more characters than that: pieces are joined back
    until one ends with a line end; a ``\\r`` ending a chunk waits for a ``\\n``."""
    parts: list[str] = []  # the line being read, in pieces
    for chunk in chunks:
        pieces = chunk.splitlines(keepends=True)
        last = len(pieces) - 1
        for n, piece in enumerate(pieces):
            if parts and parts[-1][-1] == "\r":  # held at the end of the previous chunk
                if piece[0] == "\n":
                    parts.append("\n")
                    yield "".join(parts)
                    parts = []
                    piece = piece[1:]
                    if not piece:
                        continue
                else:
                    yield "".join(parts)
                    parts = []
            if piece.endswith(_LINE_ENDS) and not (n == last and piece[-1] == "\r"):
                if parts:
                    parts.append(piece)
                    yield "".join(parts)
                    parts = []
                else:
                    yield piece
            else:
                parts.append(piece)
    if parts:
        yield "".join(parts)


def records(chunks: Iterator[str], member: str, sink: ErrorSink) -> Iterator[list[str]]:
    """The records of a member; a CSV syntax fault is reported and raises :class:`Refused`."""
    reader = csv.reader(lines(chunks), dialect=ClauseDialect)
    try:
        yield from reader
    except csv.Error as exc:
        line = reader.line_num
        for _rest in chunks:  # an encoding fault further down is reported instead
            pass
        sink.error(f"CSV mal formé : {exc}", file=member, row=line)
        raise Refused from None
