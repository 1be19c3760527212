"""Pausing Python's cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk work makes hundreds of thousands of small
    objects and no cycles: each full collection would walk the whole growing heap (a third of
    a national balance's time, most of the demo generator's). Reference counting still frees
    everything; the collector resumes afterwards if it was running (a pause nested in another
    thread's leaves it to the outer one).

    On resuming, the objects still alive go to the oldest generation (see
    :func:`promote_young_objects`): the youngest one would otherwise hold every object made
    during the pause, and the first collection after it would walk them all at once (0.07 s
    after a national balance, on the thread that happens to allocate next)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            promote_young_objects()
            gc.enable()


def promote_young_objects() -> None:
    """Move every object the collector tracks to its oldest generation, which it walks only
    in full collections (rare, and they walk everything anyway). Freezing moves them all to
    the permanent generation and unfreezing back to the oldest one; both only relink lists."""
    gc.freeze()
    gc.unfreeze()
