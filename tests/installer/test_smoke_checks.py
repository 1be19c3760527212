"""The frozen-program smoke checks tell a working result from a broken one."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from clauses_app.storage.migrate import head_revision
from tests.installer.conftest import ROOT, load_installer_module

smoke = load_installer_module("smoke")

SENTENCE = "Bilan des heures d'insertion réalisées en 2025 pour le donneur d'ordre. "


def _database(path: Path, revision: str) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    return path


def test_database_check_wants_the_head_revision(tmp_path: Path) -> None:
    message = smoke.check_database(_database(tmp_path / "ok.sqlite3", head_revision()))
    assert head_revision() in message
    with pytest.raises(smoke.SmokeFailure, match="expected"):
        smoke.check_database(_database(tmp_path / "old.sqlite3", "0000"))
    with pytest.raises(smoke.SmokeFailure, match="no database"):
        smoke.check_database(tmp_path / "missing.sqlite3")


def test_demo_check_wants_participants_and_contracts() -> None:
    assert "3 participants" in smoke.check_demo('{"participants": 3, "employments": 5}')
    with pytest.raises(smoke.SmokeFailure, match="empty"):
        smoke.check_demo('{"participants": 0, "employments": 0}')


def _pdf(path: Path, font: str, lines: int) -> Path:
    canvas = Canvas(str(path), initialFontName=font)
    canvas.setFont(font, 9)
    for index in range(lines):
        canvas.drawString(40, 800 - 14 * index, SENTENCE)
    canvas.save()
    return path


def _register_dejavu() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
    if not font.is_file():
        pytest.skip("DejaVu font not shipped yet")
    pdfmetrics.registerFont(TTFont("SmokeDejaVu", str(font)))
    return "SmokeDejaVu"


def test_pdf_check_reads_text_and_wants_embedded_fonts(tmp_path: Path) -> None:
    font = _register_dejavu()
    assert "words" in smoke.check_pdf(_pdf(tmp_path / "ok.pdf", font, 6))
    with pytest.raises(smoke.SmokeFailure, match="almost no text"):
        smoke.check_pdf(_pdf(tmp_path / "empty.pdf", font, 0))
    with pytest.raises(smoke.SmokeFailure, match="no PDF"):
        smoke.check_pdf(tmp_path / "absent.pdf")


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_check_refuses_a_standard_font_that_is_not_embedded(tmp_path: Path) -> None:
    with pytest.raises(smoke.SmokeFailure, match="not embedded"):
        smoke.check_pdf(_pdf(tmp_path / "helvetica.pdf", "Helvetica", 6))


def test_screenshot_check_refuses_a_blank_or_tiny_image(tmp_path: Path) -> None:
    busy = Image.new("RGB", (800, 600))
    busy.putdata([(x % 256, (x // 256) % 256, 90) for x in range(800 * 600)])
    busy.save(tmp_path / "busy.png")
    assert "800×600" in smoke.check_png(tmp_path / "busy.png")
    Image.new("RGB", (800, 600), "white").save(tmp_path / "blank.png")
    with pytest.raises(smoke.SmokeFailure, match="blank"):
        smoke.check_png(tmp_path / "blank.png")
    busy.resize((200, 100)).save(tmp_path / "tiny.png")
    with pytest.raises(smoke.SmokeFailure, match="only 200×100"):
        smoke.check_png(tmp_path / "tiny.png")


def test_a_failing_program_is_reported_with_its_error(tmp_path: Path) -> None:
    name = "clauses.exe" if sys.platform == "win32" else "clauses"
    if sys.platform == "win32":
        pytest.skip("a shell script stands for the program on POSIX only")
    program = tmp_path / name
    program.write_text("#!/bin/sh\necho 'clauses: base introuvable' >&2\nexit 3\n")
    program.chmod(0o755)
    env = smoke.smoke_env(tmp_path / "home")
    assert env["CLAUSES_HOME"] == str(tmp_path / "home")
    assert "CLAUSES_DB" not in env
    with pytest.raises(smoke.SmokeFailure, match="exited with 3") as failure:
        smoke.run_program(tmp_path, "clauses", ["init"], env)
    assert "base introuvable" in str(failure.value)
    with pytest.raises(smoke.SmokeFailure, match="missing"):
        smoke.run_program(tmp_path, "clauses-app", [], env)


def test_team_check_wants_the_french_refusal_of_a_closed_port() -> None:
    said = "clauses: Le serveur « 127.0.0.1 » (port 9) ne répond pas : vérifiez son nom…"
    assert "PostgreSQL driver" in smoke.check_team_refusal(3, said)
    with pytest.raises(smoke.SmokeFailure, match="exited with 1"):
        smoke.check_team_refusal(1, "ModuleNotFoundError: No module named 'psycopg'")
