"""Erasure that erases: after a purge no file of the data folder (database, journals,
backups) holds a purged person; a purge that committed succeeds even when VACUUM cannot run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.models import Setting
from clauses_app.services import erasure
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from clauses_app.storage import backup as bk
from tests.core.test_privacy import Dataset, build

# What identified the two expired people of the dataset (Dupont and Martin).
PURGED_BYTES = (
    b"Dupont", b"Jeanne", b"3 rue des Lilas", b"FT-12345", b"releve_DUPONT",
    b"Attestation CAF", b"Suivie par", b"8 quai Leray", b"Paul",
)  # fmt: skip


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _holding(folder: Path, needles: tuple[bytes, ...]) -> dict[str, list[bytes]]:
    found = {}
    for path in _files(folder):
        content = path.read_bytes()
        hits = [n for n in needles if n in content]
        if hits:
            found[path.name] = hits
    return found


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "donnees"
    folder.mkdir()
    return folder


def test_a_purge_leaves_no_purged_person_in_the_data_folder(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = data_folder / "clauses.sqlite3"
    database = open_app_database(str(db_path))
    build(database)
    database.dispose()
    # Backups of every kind hold them before the purge: the day's, a manual one.
    open_app_database(str(db_path)).dispose()
    bk.take_backup(db_path, "manuelle")
    assert len(bk.list_backups(db_path)) == 2
    assert set(_holding(data_folder, (b"3 rue des Lilas",))) >= {
        b.path.name for b in bk.list_backups(db_path)
    }

    args = ["--db", str(db_path), "privacy", "purge", "--today", "2025-07-01", "--json"]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["purged"] == 2 and summary["compacted"] is True
    assert summary["backups_rewritten"] == 3  # the day's, the manual one, the one before it

    assert _holding(data_folder, PURGED_BYTES) == {}
    assert b"Durand" in db_path.read_bytes()  # still active, untouched
    backups = bk.list_backups(db_path)
    assert {b.reason for b in backups} == {"quotidienne", "manuelle", "purge"}
    for backup in backups:
        assert bk.check_database_file(backup.path) is None
        assert b"Durand" in backup.path.read_bytes()  # the rest of each backup is intact


def test_a_committed_purge_succeeds_when_vacuum_cannot_run_now(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = data_folder / "clauses.sqlite3"
    database = open_app_database(str(db_path))
    build(database)
    database.dispose()

    def busy(self: Database) -> None:
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(Database, "compact", busy)
        args = ["--db", str(db_path), "privacy", "purge", "--today", "2025-07-01"]
        assert main(args) == 0
        captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err == ""
    assert "sera compacté à la prochaine ouverture" in captured.out
    with sqlite3.connect(db_path) as connection:
        pending = connection.execute(
            "SELECT value FROM setting WHERE key = ?", (erasure.PENDING_COMPACTION,)
        ).fetchone()
        names = [r[0] for r in connection.execute("SELECT last_name FROM participant")]
    assert pending is not None  # the purge committed; the rewrite waits
    assert "Dupont" not in names

    reopened = open_app_database(str(db_path))  # the next opening compacts
    with reopened.session() as session:
        assert session.get(Setting, erasure.PENDING_COMPACTION) is None
    reopened.dispose()
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_anonymize_on_request_rewrites_the_backups_too(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = data_folder / "clauses.sqlite3"
    database = open_app_database(str(db_path))
    data: Dataset = build(database)
    database.dispose()
    bk.take_backup(db_path, "manuelle")
    assert main(["--db", str(db_path), "privacy", "anonymize", "--participant",
                 str(data.durand)]) == 0  # fmt: skip
    assert "anonymisé" in capsys.readouterr().out
    assert _holding(data_folder, (b"Durand",)) == {}
