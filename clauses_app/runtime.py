"""Process-wide policy that the entry points apply: when Python's cyclic garbage collector runs.

The window (``ui/app.py``, ``ui/tasks.py``), the command line (``cli``) and the bench decide
it here, and only they do: services, storage and reports never touch the collector, because a
service cannot know what else the process is doing (another thread's pause, a frozen heap).

The policy:

- Bulk reads (the figures, the alerts, documents, exports) make hundreds of thousands of
  small objects and no reference cycles; each full collection would walk the whole growing
  heap, again and again. The entry point runs such work inside :func:`collector_paused`:
  reference counting still frees everything, and the collector resumes when the last pause
  ends (pauses overlap across threads: the start-up's and a background task's).
- When a pause ends, the objects still alive leave the youngest generation (otherwise the
  next young collection would walk all of them at once, on whichever thread allocates next).
- When the last pause ends, the pages the C allocator keeps free are handed back to the
  operating system (:func:`give_back_free_memory`): glibc's allocator keeps most of what a
  bulk read frees (tens to hundreds of MB on national data), and the next bulk read's peak
  would come on top of it.
- Objects that live as long as the process (the window's alert book) can be taken out of
  every collection with :func:`freeze_long_lived`. Once asked, it stays: the end of a later
  pause freezes its survivors too rather than unfreezing anything.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_pauses = 0  # pauses under way, in every thread
_resume = False  # whether the collector ran before the first of them
_frozen = False  # whether freeze_long_lived was called: nothing is unfrozen after it


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """Run the block with the cyclic collector paused (``pause=False``: as it is).

    Pauses may overlap, in one thread or several: the collector resumes when the last one
    ends, if it was running before the first."""
    if not pause:
        yield
        return
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
            if _pauses == 0:
                give_back_free_memory()
                if _resume:
                    _settle_survivors()
                    gc.enable()


def freeze_long_lived() -> None:
    """Take every object alive now out of future collections (for what lives as long as the
    process and holds no reference cycle); later pauses keep it so."""
    global _frozen
    with _lock:
        _frozen = True
        gc.freeze()


def _settle_survivors() -> None:
    """Move what a pause left alive out of the youngest generation: to the frozen ones when
    the process froze its long-lived objects, else to the oldest generation (freezing then
    unfreezing moves every tracked object there; both only relink lists)."""
    gc.freeze()
    if not _frozen:
        gc.unfreeze()


def give_back_free_memory() -> None:
    """Return the free pages of the C allocator's heap to the operating system, where it
    has a call for that (glibc's ``malloc_trim``; elsewhere nothing is done)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_trim: Any = False  # not looked up yet


def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    global _trim
    if _trim is False:
        _trim = None
        if sys.platform.startswith("linux"):
            try:
                _trim = ctypes.CDLL(None).malloc_trim
            except (AttributeError, OSError):  # musl has no malloc_trim
                _trim = None
    return _trim
