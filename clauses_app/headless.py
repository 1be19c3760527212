"""What ``./run`` does on a machine with no display: the main job, without a window.

Creates a demo database under the output folder, prints its figures and, once the documents
are available, writes one balance report beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clauses_app.cli import main as cli_main


def run(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "demo.sqlite3"
    if db.exists():
        db.unlink()
    steps: list[list[str]] = [["--db", str(db), "demo", "--size", "facilitator"]]
    steps.append(["--db", str(db), "stats", "--year", "2025"])
    steps.extend(_report_steps(db, out_dir))
    for argv in steps:
        status = cli_main(argv)
        if status:
            return status
    print(f"Résultats dans {out_dir}")
    return 0


def _report_steps(db: Path, out_dir: Path) -> list[list[str]]:
    """One balance report of the first authority, when the reports module is installed."""
    import importlib.util

    if importlib.util.find_spec("clauses_app.reports.balance") is None:
        return []
    return [
        ["--db", str(db), "report", "balance", "--first", "--year", "2025", "--format", "pdf",
         "--out", str(out_dir / "bilan-demo.pdf")],
    ]  # fmt: skip


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd() / "out"))
