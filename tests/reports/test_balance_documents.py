"""Balance reports written as PDF and DOCX, read back and compared with hand-computed values."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from clauses_app.reports import ReportError
from clauses_app.reports.balance import write_all_balance_reports, write_balance_report
from clauses_app.services.narratives import save_narrative
from clauses_app.services.periods import Period
from clauses_app.services.progress import Cancelled
from clauses_app.storage import Database
from tests.reports.dataset import PERSONAL, Dataset
from tests.reports.readers import STANDARD_14, docx_text, font_file, pdf_fonts, pdf_pages

NNBSP = "\u202f"
YEAR = Period.year(2025)
# Hand-computed in dataset.py, formatted in French: thousands separated by U+202F.
EXPECTED = (
    f"1{NNBSP}787,18",  # hours done
    f"1{NNBSP}700",  # hours required
    "105,1",  # completion rate, %
    "1,11",  # ETP
    "803,84",  # lot 1 done
    "687,18",  # lot 1 after pooling
    "76,7",  # lot 2 rate
    f"1{NNBSP}436,68",  # direct hire hours
    "80,4",  # direct hire share, %
    "PLIE de Testville",
    "Ville de Testville",
)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the documents (the database file lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both formats, anonymised and nominative, written once for the module's tests."""
    from clauses_app.services.bootstrap import open_app_database
    from tests.reports.dataset import build_dataset

    folder = tmp_path_factory.mktemp("reports")
    database = open_app_database(str(folder / "db.sqlite3"))
    with database.transaction() as s:
        dataset = build_dataset(s)
        save_narrative(s, dataset.authority, YEAR, "Une année de chantiers réussie.")
    paths = {}
    for fmt in ("pdf", "docx"):
        for nominative in (False, True):
            name = f"{fmt}-{'nominative' if nominative else 'anonymous'}"
            paths[name] = write_balance_report(
                database, dataset.authority, YEAR, fmt, folder / f"{name}.{fmt}",
                nominative=nominative,
            )  # fmt: skip
    paths["pdf-empty"] = write_balance_report(
        database, dataset.other_authority, YEAR, "pdf", folder / "empty.pdf"
    )
    paths["docx-empty"] = write_balance_report(
        database, dataset.other_authority, YEAR, "docx", folder / "empty.docx"
    )
    database.dispose()
    return paths


def test_pdf_figures_are_the_hand_computed_ones(written: dict[str, Path]) -> None:
    text = "\n".join(pdf_pages(written["pdf-anonymous"]))
    for value in EXPECTED:
        assert value in text, value
    assert "Une année de chantiers réussie." in text  # the stored narrative
    assert "Page 2 sur" in text


def test_docx_figures_are_the_hand_computed_ones(written: dict[str, Path]) -> None:
    text = docx_text(written["docx-anonymous"])
    for value in EXPECTED:
        assert value in text, value
    assert "Une année de chantiers réussie." in text
    import docx

    document = docx.Document(str(written["docx-anonymous"]))
    assert len(document.inline_shapes) == 2  # the two charts, as images
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_hours_of_pending_eligibility_are_said(written: dict[str, Path], fmt: str) -> None:
    # Karim's criterion (01/06/2024) expired at his start (01/03/2025): 120 + 130.50 + 100
    # = 350.50 h; Sophie's is undated (to document): 80 + 151.67 + 151.67 = 383.34 h;
    # 733.84 h of the 1,787.18 h done (counted provisionally, the default).
    path = written[f"{fmt}-anonymous"]
    text = "\n".join(pdf_pages(path)) if fmt == "pdf" else docx_text(path)
    flat = re.sub(r"\s+", " ", text)
    assert (
        "réaliser 1 787,18 h (dont 733,84 h en attente de justification d'éligibilité) "
        "d'insertion" in flat
    )


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_default_report_has_no_personal_data(written: dict[str, Path], fmt: str) -> None:
    path = written[f"{fmt}-anonymous"]
    text = "\n".join(pdf_pages(path)) if fmt == "pdf" else docx_text(path)
    for personal in PERSONAL:
        assert personal not in text, personal
    assert "Annexe nominative" not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_nominative_annex_is_marked_as_personal_data(written: dict[str, Path], fmt: str) -> None:
    path = written[f"{fmt}-nominative"]
    text = "\n".join(pdf_pages(path)) if fmt == "pdf" else docx_text(path)
    text = re.sub(r"[ \n]+", " ", text)  # table cells wrap their lines
    assert "Annexe nominative — données personnelles" in text
    assert "données personnelles (RGPD)" in text
    for personal in ("MARTIN Léa", "BENALI Karim", "10/05/1999", "Validation expirée"):
        assert personal in text, personal


def test_pdf_fonts_are_all_embedded_and_none_is_standard(written: dict[str, Path]) -> None:
    for name in ("pdf-anonymous", "pdf-nominative", "pdf-empty"):
        fonts = pdf_fonts(written[name])
        assert fonts
        for font in fonts:
            base = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            assert base not in STANDARD_14, (name, base)
            assert font_file(font) is not None, (name, base)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_empty_period_says_so_on_the_first_page(written: dict[str, Path], fmt: str) -> None:
    path = written[f"{fmt}-empty"]
    first = pdf_pages(path)[0] if fmt == "pdf" else docx_text(path)[:2000]
    assert "Aucune donnée pour cette période" in first
    assert "Département Vide" in first


def test_unknown_authority_is_a_report_error(database: Database, out: Path) -> None:
    with pytest.raises(ReportError, match="Donneur d'ordre inconnu"):
        write_balance_report(database, uuid.uuid4(), YEAR, "pdf", out / "x.pdf")
    assert list(out.iterdir()) == []


def test_missing_folder_is_a_clear_error(database: Database, dataset: Dataset, out: Path) -> None:
    with pytest.raises(ReportError, match="n'existe pas"):
        write_balance_report(database, dataset.authority, YEAR, "pdf", out / "no" / "x.pdf")
    (out / "file").write_text("")
    with pytest.raises(ReportError):
        write_balance_report(database, dataset.authority, YEAR, "pdf", out / "file" / "x.pdf")
    assert [p.name for p in out.iterdir()] == ["file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_a_clear_error(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ReportError, match="Impossible d'écrire"):
            write_balance_report(database, dataset.authority, YEAR, "pdf", folder / "x.pdf")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_failure_while_writing_leaves_no_file(
    database: Database, dataset: Dataset, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clauses_app.reports.pdf_writer as pdf_writer

    def disk_full(document: object, path: Path) -> None:
        path.write_bytes(b"%PDF-1.4 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_writer, "write_pdf", disk_full)
    target = out / "bilan.pdf"
    target.write_bytes(b"previous report")
    with pytest.raises(ReportError, match="No space left"):
        write_balance_report(database, dataset.authority, YEAR, "pdf", target)
    assert [p.name for p in out.iterdir()] == ["bilan.pdf"]
    assert target.read_bytes() == b"previous report"  # the old file is untouched


def test_batch_writes_one_file_per_authority_with_progress(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    paths = write_all_balance_reports(
        database, YEAR, "pdf", tmp_path / "out", progress=lambda d, t, m="": calls.append((d, t, m))
    )
    # The authority without any contract gets no report.
    assert [p.name for p in paths] == ["bilan-2025-ville-de-testville.pdf"]
    assert f"1{NNBSP}787,18" in "\n".join(pdf_pages(paths[0]))
    assert calls == [(0, 1, "Ville de Testville"), (1, 1, "Terminé")]


def test_batch_cancelled_before_the_first_report(
    database: Database, dataset: Dataset, out: Path
) -> None:
    def cancel(done: int, total: int, message: str = "") -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        write_all_balance_reports(database, YEAR, "pdf", out, progress=cancel)
    assert list(out.iterdir()) == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_docx(written: dict[str, Path], tmp_path: Path) -> None:
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(written["docx-anonymous"])],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    converted = tmp_path / "docx-anonymous.pdf"
    text = "\n".join(pdf_pages(converted))
    assert "1\u202f787,18" in text or "1 787,18" in text


def test_demo_report_shows_the_services_figures(database: Database, tmp_path: Path) -> None:
    from clauses_app.formatting import format_hours, format_percent
    from clauses_app.reports.balance import authorities_to_report
    from clauses_app.services.demo import generate_demo
    from clauses_app.services.figures import compute_figures

    generate_demo(database, size="small", seed=1)
    authority = authorities_to_report(database)[0][0]
    with database.session() as s:
        totals = compute_figures(s, YEAR, authority).total()
    path = write_balance_report(database, authority, YEAR, "pdf", tmp_path / "demo.pdf")
    text = "\n".join(pdf_pages(path))
    assert totals.hours_done > 0
    for value in (format_hours(totals.hours_done, fixed=True),
                  format_hours(totals.hours_required, fixed=True),
                  format_percent(totals.completion_rate, fixed=True)):  # fmt: skip
        assert value.replace("\u00a0", " ") in text.replace("\u00a0", " "), value
