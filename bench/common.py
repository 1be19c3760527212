"""Measuring helpers shared by the benchmarks: wall time, peak memory of a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Results:
    """Figures of one bench run: name → value, with targets for the table."""

    values: dict[str, Any] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, name: str, value: Any, target: str = "", unit: str = "") -> None:
        self.values[name] = round(value, 4) if isinstance(value, float) else value
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        self.rows.append((name, f"{shown} {unit}".strip(), target))

    def ratio(self, name: str, measured: float, baseline: float, target: str = "") -> None:
        self.add(name, measured / baseline if baseline else float("inf"), target, "×")

    def print_table(self) -> None:
        width = max(len(r[0]) for r in self.rows) if self.rows else 10
        print(f"{'figure':<{width}}  {'value':>16}  target")
        for name, value, target in self.rows:
            print(f"{name:<{width}}  {value:>16}  {target}")
        print(json.dumps(self.values, sort_keys=True))


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """``with stopwatch() as elapsed: ...`` then ``elapsed()`` in seconds."""
    start = time.perf_counter()
    end: list[float] = []
    try:
        yield lambda: (end[0] if end else time.perf_counter()) - start
    finally:
        end.append(time.perf_counter())


def run_child(code: str, env: dict[str, str] | None = None, timeout: int = 600) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line.

    The child's peak resident memory (MB) is added as ``peak_rss_mb``.
    """
    wrapper = (
        "import json, resource, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "__result = {}\n"
        f"{code}\n"
        "__result['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(__result))\n"
    )
    full_env = dict(os.environ)
    full_env.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def read_through(path: Path, chunk: int = 1 << 20) -> None:
    """Read a file once so that the OS holds it in its cache: the figures' SQL baseline and
    service then start from the same warm cache (this VM's memory reclaim evicts idle files,
    and whichever side ran first paid for reading the database from disk)."""
    with path.open("rb") as file:
        while file.read(chunk):
            pass
