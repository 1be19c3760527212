"""``clauses report``: balance and clause commands, their messages and exit codes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.storage import Database
from tests.reports.dataset import Dataset
from tests.reports.readers import docx_text, pdf_pages


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), "report", *args])


def test_balance_for_one_authority(
    database: Database, dataset: Dataset, db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "bilan.docx"
    status = run(
        db_path,
        "balance",
        "--authority",
        str(dataset.authority),
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "docx",
        "--out",
        str(out),
    )
    assert status == 0
    assert f"Bilan écrit : {out}" in capsys.readouterr().out
    assert "1\u202f787,18" in docx_text(out)


def test_a_nominative_balance_says_so_in_its_file_name(
    database: Database, dataset: Dataset, db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Whatever --out says, a file holding the annex of personal data is named NOMINATIF."""
    out = tmp_path / "bilan.pdf"
    status = run(db_path, "balance", "--authority", str(dataset.authority), "--year", "2025",
                 "--nominative", "--out", str(out))  # fmt: skip
    assert status == 0
    written = tmp_path / "bilan-NOMINATIF.pdf"
    assert capsys.readouterr().out == f"Bilan écrit : {written}\n"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == [written.name]
    assert "annexe nominative" in "\n".join(pdf_pages(written))
    # a name that already says it is kept as typed
    said = tmp_path / "annexe-nominatif-2025.pdf"
    assert run(db_path, "balance", "--authority", str(dataset.authority), "--year", "2025",
               "--nominative", "--out", str(said)) == 0  # fmt: skip
    assert said.exists()


def test_unknown_authority_is_one_sentence_and_exit_2(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = uuid.uuid4()
    status = run(db_path, "balance", "--authority", str(missing), "--year", "2025",
                 "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert status == 2
    assert capsys.readouterr().err == f"clauses: Donneur d'ordre inconnu : {missing}.\n"
    assert not (tmp_path / "x.pdf").exists()


def test_first_and_all(database: Database, dataset: Dataset, db_path: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.pdf"
    assert run(db_path, "balance", "--first", "--year", "2025", "--out", str(first)) == 0
    assert "Ville de Testville" in pdf_pages(first)[0]
    folder = tmp_path / "all"
    assert run(db_path, "balance", "--all", "--year", "2025", "--out", str(folder)) == 0
    assert [p.name for p in folder.iterdir()] == ["bilan-2025-ville-de-testville.pdf"]


def test_clause_reports_fields_left_to_fill(
    database: Database, dataset: Dataset, db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "clause.docx"
    status = run(
        db_path,
        "clause",
        "--lot",
        str(dataset.lot_a1),
        "--basis",
        "L2152-7",
        "--out",
        str(out),
        "--penalty",
        "80",
        "--set",
        "penalite_releve=120 €",
        "--set",
        "ponderation_critere=",  # emptied on purpose: reported as left to fill
    )
    assert status == 0
    captured = capsys.readouterr()
    assert captured.err == "Champ à compléter dans le document : ponderation_critere\n"
    text = docx_text(out)
    assert "80,00\u00a0€" in text and "120 €" in text


def test_clause_bad_set_value(database: Database, db_path: Path, tmp_path: Path) -> None:
    status = run(db_path, "clause", "--lot", str(uuid.uuid4()), "--out",
                 str(tmp_path / "x.docx"), "--set", "oops")  # fmt: skip
    assert status == 2
