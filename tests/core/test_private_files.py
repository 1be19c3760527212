"""Owner-only files: everything the application creates is 0600 in 0700 folders (POSIX).

The suite runs as root, which reads any file whatever its mode: modes are checked with
os.stat, never by trying to read as another user.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from clauses_app import paths
from clauses_app.cli import main
from clauses_app.exchange import export_clause_file
from clauses_app.reports.atomic import write_atomically
from clauses_app.reports.errors import ReportError
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from clauses_app.storage.backup import take_backup

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_default_database_and_its_folders_are_owner_only(clauses_home: Path) -> None:
    database = open_app_database()
    path = paths.default_database_path()
    with database.transaction():
        pass
    # A journal made while a write is under way has the database's mode.
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE setting SET value = value")
    connection.execute("CREATE TABLE scratch (x)")
    journal = Path(f"{path}-journal")
    assert journal.exists() and _mode(journal) == 0o600
    connection.execute("ROLLBACK")
    connection.close()
    database.dispose()
    assert _mode(path) == 0o600
    assert _mode(paths.data_dir()) == 0o700
    backup = take_backup(path, "manuelle")
    assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700
    for folder in (paths.log_dir(), paths.config_dir(), paths.cache_dir()):
        assert _mode(folder) == 0o700


def test_a_database_in_a_chosen_folder_is_owner_only_but_the_folder_is_left_alone(
    tmp_path: Path,
) -> None:
    chosen = tmp_path / "Documents"
    chosen.mkdir(mode=0o755)
    os.chmod(chosen, 0o755)
    open_app_database(str(chosen / "base.sqlite3")).dispose()
    assert _mode(chosen / "base.sqlite3") == 0o600
    assert _mode(chosen) == 0o755  # the user's folder: not ours to change
    open_app_database(str(tmp_path / "nouveau" / "base.sqlite3")).dispose()
    assert _mode(tmp_path / "nouveau") == 0o700  # made by the application


def test_files_an_earlier_version_made_readable_are_tightened_at_start(
    clauses_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = clauses_home / "data"
    (data / "backups").mkdir(parents=True)
    (clauses_home / "logs").mkdir()
    made = {
        data / "clauses.sqlite3": b"",
        data / "clauses.sqlite3-journal": b"x",
        data / "backups" / "clauses-20250101-000000-avant-0003.sqlite3": b"x",
        clauses_home / "logs" / "clauses.log": b"x",
    }
    for path, content in made.items():
        path.write_bytes(content)
        os.chmod(path, 0o644)
    for folder in (clauses_home / "logs", data, data / "backups"):
        os.chmod(folder, 0o755)
    assert main(["backup", "list"]) == 0
    capsys.readouterr()
    for path in made:
        assert _mode(path) == 0o600, path
    for folder in (clauses_home / "logs", data, data / "backups"):
        assert _mode(folder) == 0o700, folder


def test_exports_and_reports_are_owner_only(database: Database, tmp_path: Path) -> None:
    clause = export_clause_file(database, tmp_path / "export.clause").path
    assert _mode(clause) == 0o600
    anonymous = export_clause_file(database, tmp_path / "anonyme.clause", anonymize=True).path
    assert _mode(anonymous) == 0o600
    report = write_atomically(tmp_path / "bilan.pdf", lambda p: p.write_bytes(b"%PDF-1.4"))
    assert _mode(report) == 0o600
    existing = tmp_path / "ancien.pdf"
    existing.write_bytes(b"old")
    os.chmod(existing, 0o644)
    write_atomically(existing, lambda p: p.write_bytes(b"%PDF-1.4"))
    assert _mode(existing) == 0o600


def test_a_report_write_killed_midway_leaves_no_temporary_file(tmp_path: Path) -> None:
    # What a kill during a write leaves: the hidden temporary file of mkstemp.
    stale = tmp_path / ".bilan-a1b2c3d4.pdf.tmp"
    stale.write_bytes(b"%PDF-1.4 partial")
    other = tmp_path / ".autre-a1b2c3d4.pdf.tmp"  # another document's: not ours to remove
    other.write_bytes(b"x")

    def killed(path: Path) -> None:
        path.write_bytes(b"%PDF")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "bilan.pdf", killed)
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".autre-a1b2c3d4.pdf.tmp"]
    write_atomically(tmp_path / "bilan.pdf", lambda p: p.write_bytes(b"%PDF-1.4"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".autre-a1b2c3d4.pdf.tmp", "bilan.pdf"]


def test_the_log_file_is_owner_only(clauses_home: Path) -> None:
    import logging

    pytest.importorskip("PySide6")
    from clauses_app.ui.errors import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    path = setup_logging()
    try:
        logging.getLogger("test").warning("une ligne")
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()


def test_statement_workbooks_are_owner_only(database: Database, tmp_path: Path) -> None:
    from clauses_app.exchange.sheets.statements import prepare_statements
    from tests.exchange.test_statements import MARCH, build_case

    build_case(database)
    prepare_statements(database, MARCH, tmp_path / "releves")
    written = list((tmp_path / "releves").glob("*.xlsx"))
    assert written and all(_mode(p) == 0o600 for p in written)


def test_a_device_or_a_pipe_is_never_made_private_nor_replaced(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``clauses --db /dev/null init``, run as root, once left /dev/null readable by root
    only, and every other user's programs failed. A pipe stands for the device here."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe, 0o666)
    os.chmod(pipe, 0o666)  # whatever the umask
    paths.make_private(pipe)
    assert stat.S_IMODE(pipe.stat().st_mode) == 0o666
    assert main(["--db", str(pipe), "init"]) != 0
    assert stat.S_IMODE(pipe.stat().st_mode) == 0o666
    for write in (
        lambda: write_atomically(pipe, lambda temporary: temporary.write_text("x")),
        lambda: export_clause_file(database, pipe),
    ):
        with pytest.raises((ReportError, OSError)) as refused:
            write()
        assert "n'est pas un fichier ordinaire" in str(refused.value)
        assert stat.S_ISFIFO(pipe.stat().st_mode)  # still the pipe, not a file renamed over it
    capsys.readouterr()
