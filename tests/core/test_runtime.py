"""The process-wide collector policy (clauses_app.runtime): no collection inside a pause, none
of its objects left young after, a freeze never undone; and no service touches the collector."""

from __future__ import annotations

import gc

import pytest

from clauses_app import runtime
from clauses_app.runtime import collector_paused, freeze_long_lived


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_no_collection_during_the_pause_and_it_resumes(collector_on):
    runs = []

    def seen(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        with collector_paused():
            assert not gc.isenabled()
            kept = [Node() for _ in range(20_000)]
        assert runs == []
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(seen)
    assert len(kept) == 20_000


def test_objects_made_during_the_pause_leave_the_youngest_generation(collector_on):
    with collector_paused():
        kept = [Node() for _ in range(20_000)]
    young = gc.get_count()[0]
    assert young < 1_000  # without the promotion: ~40,000 (the nodes and their dicts)
    assert len(kept) == 20_000


def test_cycles_made_during_the_pause_are_still_collected(collector_on):
    with collector_paused():
        for _ in range(1_000):
            Node()
    assert gc.collect() >= 1_000


def test_a_nested_pause_leaves_the_collector_to_the_outer_one(collector_on):
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_resume_when_the_last_ends(collector_on):
    """Start-up pauses on the window's thread while the figures pause on a worker: whichever
    ends first, the collector stays paused until the other ends."""
    import threading

    worker_in, main_out = threading.Event(), threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with collector_paused():
            worker_in.set()
            main_out.wait(5)
            seen.append(gc.isenabled())  # the main thread's pause has ended by now

    with collector_paused():
        thread = threading.Thread(target=worker)
        thread.start()
        worker_in.wait(5)
    main_out.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


@pytest.fixture
def unfrozen_after(monkeypatch):
    monkeypatch.setattr(runtime, "_frozen", False)
    yield
    gc.unfreeze()


def test_a_later_pause_never_undoes_a_freeze(collector_on, unfrozen_after):
    """The window freezes its alert book; the next figures' pause must leave it frozen (its
    survivors join it) instead of unfreezing everything."""
    book = [Node() for _ in range(1_000)]
    freeze_long_lived()
    frozen = gc.get_freeze_count()
    assert frozen >= 1_000
    with collector_paused():
        later = [Node() for _ in range(1_000)]
    assert gc.get_freeze_count() >= frozen + 1_000
    assert len(book) == len(later) == 1_000


def test_a_pause_without_an_earlier_freeze_leaves_nothing_frozen(collector_on):
    with collector_paused():
        kept = [Node() for _ in range(1_000)]
    assert gc.get_freeze_count() == 0
    assert len(kept) == 1_000


def test_no_service_touches_the_collector():
    """Only the entry points decide (through clauses_app.runtime): a service cannot know what
    else the process does."""
    import re
    from pathlib import Path

    import clauses_app

    root = Path(clauses_app.__file__).parent
    touching = re.compile(r"^\s*(import gc|from gc import)|\bgc\.\w+\(", re.MULTILINE)
    offenders = [
        str(module.relative_to(root))
        for package in ("services", "storage", "reports", "exchange", "models")
        for module in (root / package).rglob("*.py")
        if touching.search(module.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_end_of_the_last_pause_hands_free_memory_back(monkeypatch):
    trims = []
    monkeypatch.setattr(runtime, "_trim", trims.append)
    with collector_paused():
        with collector_paused():
            pass
        assert trims == []  # another pause still runs: its objects may still be freed
    assert trims == [0]
    with collector_paused(pause=False):
        pass
    assert trims == [0]


def test_free_memory_is_handed_back_through_glibc_on_linux():
    import sys

    if not sys.platform.startswith("linux"):
        assert runtime._malloc_trim() is None
        return
    trim = runtime._malloc_trim()
    if trim is None:  # a Linux whose C library has no malloc_trim (musl)
        pytest.skip("no malloc_trim in this C library")
    assert trim(0) in (0, 1)  # 1: memory was released
    runtime.give_back_free_memory()
