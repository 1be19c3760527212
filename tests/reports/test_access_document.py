"""The right of access as a document a person reads: French PDF and DOCX, French JSON keys."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.reports.access import write_access_file
from clauses_app.reports.errors import ReportError
from clauses_app.storage import Database
from tests.core.test_privacy import Dataset, build
from tests.reports.readers import docx_text, pdf_fonts, pdf_pages


@pytest.fixture
def data(database: Database) -> Dataset:
    return build(database)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_pdf_reads_in_french_and_holds_everything(
    database: Database, data: Dataset, tmp_path: Path
) -> None:
    path = write_access_file(database, data.dupont, "pdf", tmp_path / "acces.pdf")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = _flat("\n".join(pdf_pages(path)))
    for expected in (
        "Vos données personnelles", "article 15 du RGPD", "Identité", "Dupont", "Jeanne",
        "20/06/1997", "femme", "3 rue des Lilas", "44210 Pornic", "FT-12345",
        "Critères d'éligibilité", "Attestation CAF 01/2022", "validé",
        "Contrats et missions", "Manœuvre", "Ville de Pornic", "BTP Ouest",
        "du 01/03/2022 au 31/03/2022", "151,67 h", "7 h", "releve_DUPONT_2022.xlsx",
        "Durée de conservation", "conservé 2 ans après", "jusqu'au 30/06/2025 inclus",
    ):  # fmt: skip
        assert expected in text, expected
    for english in ("last_name", "worked_hours", "employments", "MONTH", "True", "None"):
        assert english not in text, english
    assert all(font.get("/FontFile2") or "/FontDescriptor" in font for font in pdf_fonts(path))


def test_the_docx_says_the_same(database: Database, data: Dataset, tmp_path: Path) -> None:
    path = write_access_file(database, data.dupont, "docx", tmp_path / "acces.docx")
    text = _flat(docx_text(path))
    for expected in ("Vos données personnelles", "Dupont", "3 rue des Lilas",
                     "Attestation CAF 01/2022", "151,67 h", "30/06/2025"):  # fmt: skip
        assert expected in text, expected


def test_cli_writes_pdf_docx_and_french_json(
    database: Database, data: Dataset, db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    database.dispose()
    base = ["--db", str(db_path), "privacy", "export", "--participant", str(data.dupont)]
    assert main([*base, "--format", "pdf", "--out", str(tmp_path / "a.pdf")]) == 0
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert main([*base, "--out", str(tmp_path / "a.docx")]) == 0  # format from the suffix
    assert "Dupont" in docx_text(tmp_path / "a.docx")
    assert main([*base, "--format", "json", "--out", str(tmp_path / "a.json")]) == 0
    written = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert written["participant"]["prenom"] == "Jeanne"
    assert written["contrats"][0]["heures"][0]["heures_travaillees"] == 151.67
    capsys.readouterr()
    assert main([*base, "--format", "pdf"]) == 2
    assert "Indiquez --out FICHIER" in capsys.readouterr().err


def test_unknown_format_is_a_french_sentence(database: Database, data: Dataset) -> None:
    with pytest.raises(ReportError, match="Format inconnu"):
        write_access_file(database, data.dupont, "odt", Path("x.odt"))
