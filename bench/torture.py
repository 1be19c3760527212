"""Crash tests: kill a child process (SIGKILL) at random moments while it imports a tracker,
migrates a database, backs one up or writes a report, then check that nothing is half done.

    python -m bench.torture --kills 200            # the long run of docs/reliability.md
    python -m bench.torture --kills 8 --measure    # also the big files' time and peak memory

After each kill: the database opens, ``PRAGMA integrity_check`` says ``ok``, and
- *import*: every table holds either the rows it held before or those of a whole import;
- *migration*: reopening finishes the upgrade and every row is still there; a backup file
  left beside it is a complete copy;
- *backup*: the source is untouched and a backup file, when there is one, is complete;
- *report*: the PDF is either absent or whole (pypdf reads every page).
The suite runs a few kills of each (tests/exchange/test_crash.py); this script runs hundreds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("import", "migration", "backup", "report")
OLD_REVISION = "0001"

_PRELUDE = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
work = Path(sys.argv[1])
"""

# Each child prints GO once its imports are done, just before the work that may be killed.
_CHILDREN = {
    "import": """
from clauses_app.exchange import import_sheet
from clauses_app.storage import open_database
database = open_database(str(work / "db.sqlite3"))
print("GO", flush=True)
result = import_sheet(database, work / "tracker.csv", "tracker")
assert result.applied, [str(e) for e in result.errors[:3]]
""",
    "migration": """
from clauses_app.storage import open_database
import clauses_app.storage.migrate
print("GO", flush=True)
open_database(str(work / "db.sqlite3"))
""",
    "backup": """
from clauses_app.storage import backup
print("GO", flush=True)
if hasattr(backup, "take_backup"):  # the public function of issue 19's backups
    backup.take_backup(work / "db.sqlite3", "manuelle")
else:
    backup.backup_sqlite(work / "db.sqlite3", work / "backups", "torture")
""",
    "report": """
from clauses_app.reports.balance import write_balance_report
from clauses_app.storage import open_database
from clauses_app.models import ContractingAuthority
from sqlalchemy import select
database = open_database(str(work / "db.sqlite3"))
with database.session() as s:
    first = select(ContractingAuthority.uuid).order_by(ContractingAuthority.name)
    authority = s.scalars(first).first()
print("GO", flush=True)
write_balance_report(database, authority, None, "pdf", work / "out" / "bilan.pdf", nominative=True)
""",
}


# ------------------------------------------------------------------ the states killed


@dataclass
class Fixtures:
    """Databases copied before each kill, and what a whole or no change looks like."""

    folder: Path
    empty: Path  # migrated, reference rows only: the import starts here
    imported: Path  # the tracker imported: backup and report read it
    old: Path  # the same data under an old schema: the migration starts here
    counts_empty: dict[str, int] = field(default_factory=dict)
    counts_imported: dict[str, int] = field(default_factory=dict)


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of an SQLite file (alembic's version table left out, and the record
    history: a downgrade below 0009 drops it, the upgrade starts it again empty)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('alembic_version', 'record_history')")]  # fmt: skip
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def integrity(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=rw", uri=True) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def prepare(folder: Path, rows: int) -> Fixtures:
    """Make the tracker and the three databases once (in this process)."""
    from clauses_app.exchange import import_sheet
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.storage import migrate
    from tests.exchange.sheet_makers import write_tracker_csv

    folder.mkdir(parents=True, exist_ok=True)
    write_tracker_csv(folder / "tracker.csv", rows=rows)
    fixtures = Fixtures(folder, folder / "empty.sqlite3", folder / "imported.sqlite3",
                        folder / "old.sqlite3")  # fmt: skip
    database = open_app_database(str(fixtures.empty))
    database.dispose()
    shutil.copy(fixtures.empty, fixtures.imported)
    database = open_app_database(str(fixtures.imported))
    result = import_sheet(database, folder / "tracker.csv", "tracker")
    assert result.applied, [str(e) for e in result.errors[:3]]
    database.dispose()
    shutil.copy(fixtures.imported, fixtures.old)
    database = open_app_database(str(fixtures.old))
    migrate.downgrade(database.engine, OLD_REVISION)
    database.dispose()
    fixtures.counts_empty = table_counts(fixtures.empty)
    fixtures.counts_imported = table_counts(fixtures.imported)
    return fixtures


def _state(fixtures: Fixtures, scenario: str, work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    (work / "out").mkdir(parents=True)
    source = {"import": fixtures.empty, "migration": fixtures.old}.get(scenario, fixtures.imported)
    shutil.copy(source, work / "db.sqlite3")
    shutil.copy(fixtures.folder / "tracker.csv", work / "tracker.csv")


# ------------------------------------------------------------------ checks after a kill


def _check_backups(work: Path, expected: dict[str, int]) -> list[str]:
    faults = []
    # Hidden temporary files (.name.tmp) are not backups: only *.sqlite3 files claim to be.
    for backup in sorted((work / "backups").glob("*.sqlite3")):
        try:
            whole = integrity(backup) == "ok" and table_counts(backup) == expected
        except sqlite3.Error:
            whole = False
        if not whole:
            faults.append(f"sauvegarde partielle laissée : {backup.name}")
    return faults


def check(scenario: str, fixtures: Fixtures, work: Path) -> tuple[list[str], str]:
    """The faults found after a kill (empty: all-or-nothing held) and what was left: 'none'
    or 'whole'."""
    db = work / "db.sqlite3"
    verdict = integrity(db)
    if verdict != "ok":
        return [f"integrity_check : {verdict}"], "broken"
    faults: list[str] = []
    state = "whole"
    if scenario == "import":
        counts = table_counts(db)
        if counts == fixtures.counts_empty:
            state = "none"
        elif counts != fixtures.counts_imported:
            faults.append(f"import partiel : {counts}")
    elif scenario == "migration":
        from clauses_app.storage import open_database

        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        state = "none" if revision == (OLD_REVISION,) else "whole"
        open_database(str(db)).dispose()  # must finish the upgrade from wherever it stopped
        if table_counts(db) != fixtures.counts_imported:
            faults.append("lignes perdues ou ajoutées par la migration")
        faults += _check_backups(work, table_counts(fixtures.old))
    elif scenario == "backup":
        if table_counts(db) != fixtures.counts_imported:
            faults.append("la base sauvegardée a changé")
        backups = list((work / "backups").glob("*")) if (work / "backups").exists() else []
        state = "whole" if backups else "none"
        faults += _check_backups(work, fixtures.counts_imported)
    else:
        faults, state = _check_report(work / "out" / "bilan.pdf")
    return faults, state


def _check_report(pdf: Path) -> tuple[list[str], str]:
    if not pdf.exists():
        return [], "none"
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(pdf).pages)
        text = PdfReader(pdf).pages[0].extract_text()
    except Exception as exc:
        return [f"rapport partiel : {type(exc).__name__} {exc}"], "broken"
    if pages < 1 or not text:
        return ["rapport vide"], "broken"
    return [], "whole"


# ------------------------------------------------------------------ running and killing


def _child(scenario: str, work: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, CLAUSES_HOME=str(work / "home"), PYTHONDONTWRITEBYTECODE="1")
    env.pop("CLAUSES_DB", None)
    return subprocess.Popen(
        [sys.executable, "-c", _PRELUDE + _CHILDREN[scenario], str(work)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _wait_go(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "GO":
        _out, err = child.communicate()
        raise RuntimeError(f"torture child failed before its work:\n{err[-2000:]}")


def calibrate(scenario: str, fixtures: Fixtures, work: Path) -> float:
    """Seconds the work takes after GO, measured once without a kill."""
    _state(fixtures, scenario, work)
    child = _child(scenario, work)
    _wait_go(child)
    started = time.perf_counter()
    _out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"torture child failed:\n{err[-2000:]}")
    return time.perf_counter() - started


@dataclass
class Tally:
    """What the kills of one scenario left behind."""

    scenario: str
    window_s: float = 0.0
    kills: int = 0
    none: int = 0
    whole: int = 0
    faults: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "window_s": round(self.window_s, 3),
                "kills": self.kills, "none": self.none, "whole": self.whole,
                "faults": self.faults}  # fmt: skip


def torture(scenario: str, fixtures: Fixtures, work: Path, kills: int, rng: random.Random,
            window: float | None = None) -> Tally:  # fmt: skip
    """``kills`` children killed after a random delay within the work's duration."""
    tally = Tally(scenario, window if window is not None else calibrate(scenario, fixtures, work))
    for _ in range(kills):
        _state(fixtures, scenario, work)
        child = _child(scenario, work)
        _wait_go(child)
        time.sleep(rng.uniform(0, tally.window_s))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        tally.kills += 1
        faults, state = check(scenario, fixtures, work)
        tally.faults += faults
        if state == "none":
            tally.none += 1
        elif state == "whole":
            tally.whole += 1
    return tally


def run(folder: Path, kills: int, rows: int = 300, seed: int = 1,
        scenarios: tuple[str, ...] = SCENARIOS,
        say: Callable[[str], None] = lambda _t: None) -> list[Tally]:  # fmt: skip
    """Spread ``kills`` over ``scenarios``; one Tally per scenario."""
    rng = random.Random(seed)
    fixtures = prepare(folder / "fixtures", rows)
    tallies = []
    for index, scenario in enumerate(scenarios):
        share = kills // len(scenarios) + (1 if index < kills % len(scenarios) else 0)
        tally = torture(scenario, fixtures, folder / "work", share, rng)
        say(json.dumps(tally.as_dict(), ensure_ascii=False))
        tallies.append(tally)
    return tallies


# ------------------------------------------------------------------ big files


_MEASURE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from clauses_app.exchange import import_sheet, preview_sheet
from clauses_app.services.bootstrap import open_app_database
database = open_app_database({db!r})
started = time.perf_counter()
result = ({call})(database, Path({path!r}), "tracker")
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"seconds": round(time.perf_counter() - started, 1),
    "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
    "peak_rss_mb": usage.ru_maxrss // 1024,
    "ok": result.ok, "applied": result.applied,
    "employments": result.count("employment").new,
    "first_error": result.errors[0].message if result.errors else None}}))
"""


def measure(folder: Path, name: str, path: Path, dry_run: bool) -> dict[str, Any]:
    """Time and peak memory of one import (or preview) of ``path``, in a fresh interpreter."""
    db = folder / f"measure-{name}.sqlite3"
    db.unlink(missing_ok=True)
    code = _MEASURE.format(root=str(ROOT), db=str(db), path=str(path),
                           call="preview_sheet" if dry_run else "import_sheet")  # fmt: skip
    env = dict(os.environ, CLAUSES_HOME=str(folder / "home"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=False, timeout=1800, cwd=ROOT)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return {"file": name, "bytes": path.stat().st_size, "dry_run": dry_run,
            **json.loads(done.stdout.strip().splitlines()[-1])}  # fmt: skip


def measure_big_files(folder: Path, say: Callable[[str], None]) -> list[dict[str, Any]]:
    from tests.exchange.sheet_makers import write_far_cell_xlsx, write_tracker_csv

    folder.mkdir(parents=True, exist_ok=True)
    cases = [
        ("far-cell.xlsx", write_far_cell_xlsx(folder / "far-cell.xlsx"), (True,)),
        ("tracker-20MB.csv", write_tracker_csv(folder / "t20.csv", size_bytes=20 * 2**20),
         (True, False)),
        ("tracker-200MB.csv", write_tracker_csv(folder / "t200.csv", size_bytes=200 * 2**20),
         (True,)),
    ]  # fmt: skip
    figures = []
    for name, path, modes in cases:
        for dry_run in modes:
            figure = measure(folder, name, path, dry_run)
            say(json.dumps(figure, ensure_ascii=False))
            figures.append(figure)
        path.unlink()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.torture", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=200, help="kills in all (default 200)")
    parser.add_argument("--rows", type=int, default=2000, help="rows of the tracker imported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help=f"comma-separated scenarios among {', '.join(SCENARIOS)}")
    parser.add_argument("--measure", action="store_true",
                        help="also time the 20 MB and 200 MB CSV and the far-cell workbook")
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: temporary)")
    args = parser.parse_args(argv)  # fmt: skip
    scenarios = tuple(args.only.split(",")) if args.only else SCENARIOS
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="clauses-torture-"))
    started = time.perf_counter()
    try:
        tallies = run(folder, args.kills, args.rows, args.seed, scenarios, say=print)
        figures = measure_big_files(folder / "big", print) if args.measure else []
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    faults = [f for t in tallies for f in t.faults]
    summary = {"kills": sum(t.kills for t in tallies), "faults": len(faults),
               "seconds": round(time.perf_counter() - started), "scenarios":
               [t.as_dict() for t in tallies], "big_files": figures}  # fmt: skip
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
