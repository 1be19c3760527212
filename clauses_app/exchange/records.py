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
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any, NoReturn

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


# Where str.splitlines splits besides "\n" (and "\r", which ends a line here too).
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class _Lines:
    """Cuts chunks of text into lines (see :func:`lines`), keeping a line's start between
    chunks."""

    def __init__(self) -> None:
        self.parts: list[str] = []  # the line being read, in pieces

    def __call__(self, chunk: str) -> list[str]:
        if not chunk:
            return []
        if _OTHER_BREAKS.search(chunk) is None and not self._held_cr():
            return self._plain(chunk)
        return list(self._pieces(chunk))

    def _held_cr(self) -> bool:
        return bool(self.parts) and self.parts[-1][-1] == "\r"

    def _plain(self, chunk: str) -> list[str]:
        """Only "\n" ends lines here: every piece but the last is a whole line."""
        pieces = chunk.splitlines(keepends=True)
        if self.parts:
            self.parts.append(pieces[0])
            pieces[0] = "".join(self.parts)
            self.parts = []
        if not pieces[-1].endswith("\n"):
            self.parts = [pieces.pop()]
        return pieces

    def _pieces(self, chunk: str) -> Iterator[str]:
        pieces = chunk.splitlines(keepends=True)
        last = len(pieces) - 1
        for n, piece in enumerate(pieces):
            if self._held_cr():  # a "\r" ended the previous chunk
                if piece[0] == "\n":
                    yield "".join([*self.parts, "\n"])
                    self.parts = []
                    continue  # splitlines gives a leading "\n" alone
                yield "".join(self.parts)
                self.parts = []
            if piece.endswith(_LINE_ENDS) and not (n == last and piece[-1] == "\r"):
                if self.parts:
                    yield "".join([*self.parts, piece])
                    self.parts = []
                else:
                    yield piece
            else:
                self.parts.append(piece)

    def rest(self) -> Iterator[str]:
        if self.parts:
            yield "".join(self.parts)


def lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of the text made of ``chunks``, as ``io.StringIO(text, newline="")`` gives
    them. ``str.splitlines`` splits at more characters than that: pieces are joined back
    until one ends with a line end; a ``\r`` ending a chunk waits for a ``\n``. The usual
    chunk (no such character) is cut in C, without Python work per line."""
    cut = _Lines()
    return chain.from_iterable(chain(map(cut, chunks), _later(cut.rest)))


def _later(rest: Callable[[], Iterator[str]]) -> Iterator[list[str]]:
    yield list(rest())


def csv_records(chunks: Iterable[str]) -> Any:
    """A csv reader of the format's dialect over the text made of ``chunks``."""
    return csv.reader(lines(chunks), dialect=ClauseDialect)


def csv_fault(
    exc: csv.Error, line: int, chunks: Iterator[str], member: str, sink: ErrorSink
) -> NoReturn:
    """Report a CSV syntax fault at record ``line`` and refuse the member, unless an encoding
    fault further down (reported when ``chunks`` is read to its end) comes first, as in a
    whole-member reading."""
    for _rest in chunks:
        pass
    sink.error(f"CSV mal formé : {exc}", file=member, row=line)
    raise Refused from None
