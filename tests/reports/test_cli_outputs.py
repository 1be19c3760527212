"""Where the commands write: never over the database they read (``clauses export
base.sqlite3`` once turned the database into a ZIP), in the format the file name says, and
quietly when the reader of their output leaves (``| head``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.models import Employment
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.reports.dataset import Dataset

PARTICIPANT = "E1"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["export", "{db}"], "c'est une base de données, que l'export remplacerait"),
        (["report", "balance", "--first", "--year", "2025", "--out", "{db}"],
         "est une base de données : le document la remplacerait"),
        (["privacy", "export", "--participant", "{person}", "--out", "{db}"],
         "est une base de données : le document la remplacerait"),
    ],
)  # fmt: skip
def test_nothing_is_written_over_the_database(
    database: Database, dataset: Dataset, db_path: Path, capsys: pytest.CaptureFixture[str],
    command: list[str], message: str,
) -> None:  # fmt: skip
    with database.session() as s:
        employment = s.get(Employment, dataset.employments[PARTICIPANT])
        assert employment is not None
        person = str(employment.participant_uuid)
    before = fingerprint(database)
    database.dispose()
    argv = [a.format(db=db_path, person=person) for a in command]
    assert main(["--db", str(db_path), *argv]) == 2
    assert message in capsys.readouterr().err
    assert fingerprint(database) == before


def test_the_file_name_gives_the_format_and_never_contradicts_it(
    database: Database, dataset: Dataset, db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """« --out bilan.docx » wrote a PDF under a Word name (the format defaulted to PDF)."""
    database.dispose()
    balance = ["--db", str(db_path), "report", "balance", "--authority", str(dataset.authority),
               "--year", "2025"]  # fmt: skip
    word = tmp_path / "bilan.docx"
    assert main([*balance, "--out", str(word)]) == 0
    assert "word/document.xml" in zipfile.ZipFile(word).namelist()
    assert main([*balance, "--out", str(tmp_path / "b.docx"), "--format", "pdf"]) == 2
    assert "« b.docx » est un nom de fichier DOCX, mais --format demande PDF" in (
        capsys.readouterr().err
    )
    clause = ["--db", str(db_path), "report", "clause", "--lot", str(dataset.lot_a1)]
    assert main([*clause, "--out", str(tmp_path / "clause.pdf")]) == 2
    assert "La clause s'écrit en DOCX" in capsys.readouterr().err
    assert main([*clause, "--out", str(tmp_path / "c.docx"), "--penalty", "-5"]) == 2
    assert "La pénalité doit être comprise entre 0 et" in capsys.readouterr().err
    assert not (tmp_path / "b.docx").exists() and not (tmp_path / "c.docx").exists()


class _GoneReader(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError


def test_a_reader_that_leaves_is_no_traceback(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.dispose()
    monkeypatch.setattr("sys.stdout", _GoneReader())
    assert main(["--db", str(db_path), "stats"]) == 1
