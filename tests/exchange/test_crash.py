"""Kill tests: a child process importing a tracker, migrating a database, backing one up or
writing a report is SIGKILLed at random moments; the database must open with integrity_check
ok and hold all of the work or none of it, and no partial backup or report may be left.

A few kills each, to keep the suite short; `python -m bench.torture --kills 200` runs the long
version (docs/reliability.md).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from bench import torture
from clauses_app.storage import backup as backup_module

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

# Seconds after the child's GO within which a kill lands: about the work's own length on this
# data (100 tracker rows), so that kills fall before, during and after the commit or rename.
WINDOWS = {"import": 1.0, "migration": 1.0, "backup": 0.05, "report": 1.2}
KILLS = dict.fromkeys(torture.SCENARIOS, 2)

# backup_sqlite wrote the copy in place: a kill left a file that looks like a backup and holds
# nothing (found by this test). take_backup (issue 19) writes a temporary file, checks it and
# renames it; with it the backup case must pass.
_IN_PLACE_BACKUPS = not hasattr(backup_module, "take_backup")


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> torture.Fixtures:
    return torture.prepare(tmp_path_factory.mktemp("torture"), rows=100)


@pytest.mark.parametrize(
    "scenario",
    [
        "import",
        "migration",
        pytest.param("backup", marks=pytest.mark.xfail(
            _IN_PLACE_BACKUPS, reason="backups written in place until issue 19 lands")),
        "report",
    ],
)  # fmt: skip
def test_kills_leave_all_or_nothing(
    fixtures: torture.Fixtures, tmp_path: Path, scenario: str
) -> None:
    rng = random.Random(scenario)
    tally = torture.torture(
        scenario, fixtures, tmp_path / "work", KILLS[scenario], rng, WINDOWS[scenario]
    )
    assert tally.kills == KILLS[scenario]
    assert tally.faults == []
    assert tally.none + tally.whole == tally.kills  # nothing "broken"


def test_a_partial_import_would_be_caught(fixtures: torture.Fixtures, tmp_path: Path) -> None:
    """The check itself: a database holding part of an import is reported."""
    import shutil
    import sqlite3

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(fixtures.imported, work / "db.sqlite3")
    with sqlite3.connect(work / "db.sqlite3") as connection:
        connection.execute("DELETE FROM hours_record WHERE rowid IN "
                           "(SELECT rowid FROM hours_record LIMIT 3)")  # fmt: skip
    faults, _state = torture.check("import", fixtures, work)
    assert faults and "import partiel" in faults[0]


def test_a_partial_report_would_be_caught(tmp_path: Path) -> None:
    pdf = tmp_path / "bilan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    faults, state = torture._check_report(pdf)
    assert faults and state == "broken"
