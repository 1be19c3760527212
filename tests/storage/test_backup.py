"""Backups: taken whole or not at all, owner-only, listed, rotated, restored without bringing
back a purged person; the CLI's ``clauses backup``."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.services import erasure
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from clauses_app.storage import backup as bk
from tests.core.test_privacy import TODAY, Dataset, build


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _names(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT last_name, first_name FROM participant ORDER BY last_name"
        ).fetchall()


@pytest.fixture
def data(database: Database) -> Dataset:
    return build(database)


def test_a_backup_is_checked_listed_and_owner_only(
    database: Database, data: Dataset, db_path: Path
) -> None:
    taken = bk.take_backup(db_path, "manuelle")
    assert taken.parent == db_path.parent / "backups"
    assert _mode(taken) == 0o600 and _mode(taken.parent) == 0o700
    assert bk.check_database_file(taken) is None
    assert ("Dupont", "Jeanne") in _names(taken)
    (listed,) = bk.list_backups(db_path)
    assert listed.path == taken and listed.reason == "manuelle"
    assert listed.reason_label == "sauvegarde manuelle"
    assert listed.size == taken.stat().st_size > 0
    assert abs(listed.taken_at - datetime.now()) < timedelta(minutes=1)


def test_a_killed_backup_leaves_nothing_that_looks_like_one(
    database: Database, data: Dataset, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = db_path.parent / "backups"
    folder.mkdir()
    # What a kill during the copy leaves: a partial file under the temporary name.
    leftover = folder / ".test-20261204-101010-quotidienne.sqlite3.tmp"
    leftover.write_bytes(db_path.read_bytes()[:4096])
    assert bk.list_backups(db_path) == []
    assert not leftover.exists()  # cleaned when listing

    # A failure (or interruption) after the copy and before the rename leaves nothing either.
    def interrupted(path: Path) -> str | None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bk, "check_database_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bk.take_backup(db_path, "manuelle")
    assert list(folder.iterdir()) == []


def test_a_copy_that_fails_its_check_is_not_kept(
    database: Database, data: Dataset, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bk, "check_database_file", lambda path: "la vérification a échoué")
    with pytest.raises(bk.BackupError, match="La copie de sauvegarde est invalide"):
        bk.take_backup(db_path, "manuelle")
    assert list((db_path.parent / "backups").iterdir()) == []


def test_rotation_keeps_the_newest_and_drops_the_too_old(
    database: Database, data: Dataset, db_path: Path
) -> None:
    now = datetime(2026, 12, 4, 9, 0, 0)
    policy = bk.BackupPolicy(keep=3, max_age_years=2)
    ancient = bk.take_backup(db_path, "manuelle", policy=policy, now=now - timedelta(days=800))
    for hours in range(5):
        bk.take_backup(db_path, "import", policy=policy, now=now + timedelta(hours=hours))
    kept = bk.list_backups(db_path)
    assert [b.taken_at.hour for b in kept] == [13, 12, 11]
    assert not ancient.exists()
    # The policy is read from the database's settings when none is given.
    with sqlite3.connect(db_path) as connection:
        connection.execute("INSERT INTO setting (key, value) VALUES ('backup_keep', '2')")
    assert bk.read_policy(db_path) == bk.BackupPolicy(keep=2, max_age_years=2)
    bk.take_backup(db_path, "manuelle", now=now + timedelta(hours=6))
    assert len(bk.list_backups(db_path)) == 2


def test_refused_imports_never_push_out_the_other_backups(
    database: Database, data: Dataset, db_path: Path
) -> None:
    """Each try of a refused import takes a backup before it: ten tries once rotated out the
    day's backup and the user's own, leaving ten copies « avant un import »."""
    now = datetime(2026, 12, 4, 9, 0, 0)
    policy = bk.BackupPolicy(keep=3, max_age_years=2)
    bk.take_backup(db_path, "manuelle", policy=policy, now=now)
    bk.take_backup(db_path, "quotidienne", policy=policy, now=now + timedelta(minutes=1))
    for minutes in range(2, 12):
        bk.take_backup(db_path, "import", policy=policy, now=now + timedelta(minutes=minutes))
    kept = bk.list_backups(db_path)
    assert [(b.reason, b.taken_at.minute) for b in kept] == [
        ("import", 11), ("quotidienne", 1), ("manuelle", 0)
    ]


def test_daily_backup_once_a_day_and_never_for_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "jour.sqlite3"
    open_app_database(str(path)).dispose()
    assert bk.list_backups(path) == []  # a new database: nothing to save yet
    open_app_database(str(path)).dispose()
    open_app_database(str(path)).dispose()
    (daily,) = bk.list_backups(path)
    assert daily.reason == "quotidienne"
    assert _mode(path) == 0o600


def test_restore_brings_the_backup_back_and_keeps_the_current_database(
    database: Database, data: Dataset, db_path: Path
) -> None:
    taken = bk.take_backup(db_path, "manuelle")
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE participant SET last_name = 'Modifié'")
    database.dispose()
    kept = bk.restore_backup(db_path, taken)
    assert ("Dupont", "Jeanne") in _names(db_path)
    assert {name for name, _ in _names(kept)} == {"Modifié"}
    assert _mode(db_path) == 0o600
    reasons = {b.reason for b in bk.list_backups(db_path)}
    assert reasons == {"manuelle", "restauration"}


def test_a_corrupt_backup_is_refused_and_nothing_changes(
    database: Database, data: Dataset, db_path: Path
) -> None:
    taken = bk.take_backup(db_path, "manuelle")
    damaged = bytearray(taken.read_bytes())
    damaged[5000:9000] = b"\xff" * 4000  # inside the tables' pages
    taken.write_bytes(bytes(damaged))
    database.dispose()
    before = _digest(db_path)
    with pytest.raises(bk.BackupError, match="ne peut pas être restaurée") as error:
        bk.restore_backup(db_path, taken)
    assert "\n" not in str(error.value)
    assert _digest(db_path) == before
    assert [b.reason for b in bk.list_backups(db_path)] == ["manuelle"]
    not_clauses = db_path.parent / "autre.sqlite3"
    with sqlite3.connect(not_clauses) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(bk.BackupError, match="ce n'est pas une base Clauses"):
        bk.restore_backup(db_path, not_clauses)
    assert _digest(db_path) == before


def test_a_restore_never_brings_back_a_person_purged_since(
    database: Database, data: Dataset, db_path: Path, tmp_path: Path
) -> None:
    taken = bk.take_backup(db_path, "manuelle")
    elsewhere = tmp_path / "copie-hors-dossier.sqlite3"
    shutil.copy(taken, elsewhere)  # a copy the purge cannot reach
    outcome = erasure.purge_database(database, TODAY)
    assert outcome.result is not None and len(outcome.result.purged) == 2
    database.dispose()
    bk.restore_backup(db_path, elsewhere)
    names = dict(_names(db_path))
    assert "Dupont" not in names and "Martin" not in names
    assert "Durand" in names  # not purged: as in the backup
    content = db_path.read_bytes()
    assert b"Jeanne" not in content and b"3 rue des Lilas" not in content
    with sqlite3.connect(db_path) as connection:
        purges = connection.execute("SELECT reason, purged FROM privacy_purge").fetchall()
    assert purges == [("RETENTION", 2)]  # the log came along: a later restore keeps it


def test_cli_backup_take_list_restore_in_french(
    database: Database, data: Dataset, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database.dispose()
    assert main(["--db", str(db_path), "backup", "take"]) == 0
    assert "Sauvegarde faite" in capsys.readouterr().out
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    out = capsys.readouterr().out
    assert "Sauvegardes de la base" in out and "sauvegarde manuelle" in out and "ko" in out
    assert main(["--db", str(db_path), "backup", "restore", "1"]) == 0
    out = capsys.readouterr().out
    assert "restaurée depuis" in out and "La base remplacée est gardée" in out
    assert main(["--db", str(db_path), "backup", "restore", "9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clauses: Il n'y a pas de sauvegarde numéro 9")
    bogus = db_path.parent / "faux.sqlite3"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    before = _digest(db_path)
    assert main(["--db", str(db_path), "backup", "restore", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert "ne peut pas être restaurée" in err and err.count("\n") == 1
    assert _digest(db_path) == before


def test_imports_are_preceded_by_a_backup(
    database: Database, data: Dataset, db_path: Path, tmp_path: Path
) -> None:
    from clauses_app.exchange.sheets.service import import_sheet
    from tests.exchange.sheets_helpers import TRACKER

    report = import_sheet(database, TRACKER, "tracker")
    assert report.applied
    assert [b.reason for b in bk.list_backups(db_path)] == ["import"]
    assert bk.check_database_file(bk.list_backups(db_path)[0].path) is None
