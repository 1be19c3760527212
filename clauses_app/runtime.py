"""Pausing Python's cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # pauses under way, in every thread
_resume = False  # whether the collector ran before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk work makes hundreds of thousands of small
    objects and no cycles: each full collection would walk the whole growing heap (a third of
    a national balance's time, most of the demo generator's). Reference counting still frees
    everything.

    Pauses may overlap, in one thread or several (start-up pauses while the dashboard's
    figures pause on a worker thread): the collector resumes when the last one ends, if it
    was running before the first. The objects still alive then go to the oldest generation
    (see :func:`promote_young_objects`): the youngest one would otherwise hold every object
    made during the pause, and the first collection after it would walk them all at once
    (0.07 s after a national balance, on the thread that happens to allocate next)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                promote_young_objects()
                gc.enable()


def promote_young_objects() -> None:
    """Move every object the collector tracks to its oldest generation, which it walks only
    in full collections (rare, and they walk everything anyway). Freezing moves them all to
    the permanent generation and unfreezing back to the oldest one; both only relink lists."""
    gc.freeze()
    gc.unfreeze()
