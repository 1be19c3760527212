"""Benchmarks at national-consolidation volume: ``python -m bench [--size national]``.

Each figure is printed beside a baseline measured in the same run, then every figure and
ratio as one JSON object on the last line. Targets (issue 7): load ≤ 3 × raw executemany,
export < 30 s, figures ≤ 2 × one hand-written SQL query and < 2 s, one report < 1 s per
format, window painted < 2 s and ≤ 2.5 × a bare PySide6 window, peak memory < 500 MB;
alerts (issue 17) < 1.5 s after the year's figures; the lists' figures (issue 16,
``progress``) within the dashboard's, and the employments list and its search with them
< 0.5 s and < 0.2 s.

``--backend postgresql`` runs the figures and the application on a team's PostgreSQL database
with the same targets (bench/postgres.py; the server from CLAUSES_BENCH_PG_URL).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench import postgres, stages
from bench.common import Results

STAGES = ("generate", "export", "load", "figures", "alerts", "documents", "application",
          "statements", "progress")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--size", default="national", choices=("small", "facilitator", "territory", "national")
    )
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--workdir", type=Path, help="keep the data here (default: temporary)")
    parser.add_argument("--only", help=f"comma-separated stages among {', '.join(STAGES)}")
    args = parser.parse_args(argv)  # fmt: skip
    names = postgres.STAGES if args.backend == "postgresql" else STAGES
    chosen = set(args.only.split(",")) if args.only else set(names)
    if chosen - set(names):
        parser.error(f"unknown stages for {args.backend}: {', '.join(sorted(chosen - set(names)))}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="clauses-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = Results()
    results.add("size", args.size)
    try:
        if args.backend == "postgresql":
            postgres.run(workdir, args.size, args.year, results, chosen, args.workdir is not None)
            results.print_table()
            return 0
        context = stages.Context(workdir, args.size, args.year, results)
        stages.generate(context)  # every other stage needs the data
        for name in STAGES[1:]:
            if name in chosen:
                getattr(stages, name)(context)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results.print_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
