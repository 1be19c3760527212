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
    thread's leaves it to the outer one)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
