"""The collector pause: no collection inside, none of the pause's objects left young after."""

from __future__ import annotations

import gc

import pytest

from clauses_app.runtime import collector_paused


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
