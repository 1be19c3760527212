"""Smoke test of a frozen or installed Clauses folder: start its programs and check their work.

Run by ``build.py`` on the freshly frozen folder, and by the Windows workflow on the installed
copy. Every program runs offscreen with a fresh, private data folder (``CLAUSES_HOME``):

- ``clauses init``: the database exists and is migrated to the head revision;
- ``clauses demo --size small`` then ``clauses stats --json``: demo data is there;
- ``clauses report balance ... --format pdf``: a PDF with text and only embedded fonts;
- the same report as DOCX, and ``clauses report clause`` (the wording templates): DOCX files
  with text;
- ``clauses connect`` to a closed port: refused in French (the PostgreSQL driver and the
  credential store are in the bundle);
- ``clauses-app --screenshot``: a PNG of the window that is not blank.

    python installer/smoke.py FOLDER [SCRATCH]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

TIMEOUT_S = 240
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
MIN_PDF_TEXT = 200  # non-blank characters a balance report has at the very least
MIN_SCREENSHOT = (640, 400)
MIN_SCREENSHOT_COLOURS = 16

Log = Callable[[str], None]


class SmokeFailure(Exception):
    """One check failed; the message is shown in the build's summary."""


def smoke_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CLAUSES_DB", "PYTHONPATH"}}
    env |= {"CLAUSES_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return env


def run_program(folder: Path, program: str, args: list[str], env: dict[str, str]) -> str:
    """Run one program of the folder; its stdout, or SmokeFailure with its stderr's end."""
    exe = folder / f"{program}{EXE_SUFFIX}"
    if not exe.is_file():
        raise SmokeFailure(f"{exe} is missing")
    try:
        done = subprocess.run(
            [str(exe), *args], env=env, capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise SmokeFailure(f"`{program} {' '.join(args)}` ran over {TIMEOUT_S} s") from None
    if done.returncode != 0:
        tail = "\n      ".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise SmokeFailure(
            f"`{program} {' '.join(args)}` exited with {done.returncode}:\n      {tail}"
        )
    return done.stdout


def expected_head() -> str | None:
    """Head revision of the source tree's migrations (None outside the build environment)."""
    try:
        from clauses_app.storage.migrate import head_revision
    except ImportError:
        return None
    return head_revision()


def check_database(database: Path) -> str:
    if not database.is_file():
        raise SmokeFailure(f"`clauses init` created no database at {database}")
    with sqlite3.connect(database) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type='table'")
        table_count = tables.fetchone()[0]
    head = expected_head()
    if revision is None or (head is not None and revision[0] != head):
        raise SmokeFailure(f"database at revision {revision}, expected {head}")
    return f"database migrated to {revision[0]} ({table_count} tables)"


def check_demo(stats_json: str) -> str:
    stats = json.loads(stats_json)
    if not stats.get("employments") or not stats.get("participants"):
        raise SmokeFailure(f"demo database is empty: {stats}")
    return f"demo data: {stats['participants']} participants, {stats['employments']} contracts"


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=False
        )
        return done.stdout
    from pypdf import PdfReader  # the test extra, when poppler is not installed

    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def unembedded_fonts(pdf: Path) -> list[str]:
    """Font lines that ``pdffonts`` reports as not embedded (empty without poppler)."""
    if not shutil.which("pdffonts"):
        return []
    done = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=False)
    rows = done.stdout.splitlines()[2:]
    # columns: name type encoding emb sub uni object ID; "emb" is the 4th from the end.
    return [row for row in rows if len(row.split()) >= 7 and row.split()[-5] != "yes"]


def check_pdf(pdf: Path) -> str:
    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        raise SmokeFailure(f"no PDF at {pdf}")
    text = pdf_text(pdf)
    if sum(not c.isspace() for c in text) < MIN_PDF_TEXT:
        raise SmokeFailure(f"the PDF has almost no text ({len(text.strip())} characters)")
    missing = unembedded_fonts(pdf)
    if missing:
        raise SmokeFailure("fonts not embedded in the PDF: " + "; ".join(missing))
    return f"PDF report: {pdf.stat().st_size} bytes, {len(text.split())} words"


def docx_text(docx: Path) -> str:
    """The text of a DOCX body, read straight from its XML (no python-docx needed)."""
    with zipfile.ZipFile(docx) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def check_docx(docx: Path, must_contain: str) -> str:
    if not docx.is_file() or not zipfile.is_zipfile(docx):
        raise SmokeFailure(f"no DOCX at {docx}")
    text = docx_text(docx)
    if sum(not c.isspace() for c in text) < MIN_PDF_TEXT or must_contain not in text:
        raise SmokeFailure(f"{docx.name} lacks text or « {must_contain} »: {text[:120]!r}")
    return f"{docx.name}: {docx.stat().st_size} bytes, {len(text.split())} words"


def first_contract(database: Path) -> str:
    if not database.is_file():
        raise SmokeFailure(f"no database at {database}")
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT uuid FROM public_contract ORDER BY uuid").fetchone()
    if row is None:
        raise SmokeFailure("no contract in the demo database")
    return str(uuid.UUID(hex=str(row[0]).replace("-", "")))


def check_png(png: Path) -> str:
    if not png.is_file():
        raise SmokeFailure(f"no screenshot at {png}")
    data = png.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SmokeFailure(f"{png} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    if width < MIN_SCREENSHOT[0] or height < MIN_SCREENSHOT[1]:
        raise SmokeFailure(f"screenshot is only {width}×{height}")
    colours = png_colour_count(png)
    if colours is not None and colours < MIN_SCREENSHOT_COLOURS:
        raise SmokeFailure(f"screenshot looks blank ({colours} colours)")
    return f"screenshot {width}×{height}, {colours if colours is not None else '?'} colours"


def png_colour_count(png: Path) -> int | None:
    try:
        from PIL import Image
    except ImportError:
        return None
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    return len(colours) if colours is not None else 1 << 16


def check_team_refusal(status: int, stderr: str) -> str:
    """``clauses connect`` to a closed port: exit 3 and the French sentence, so the PostgreSQL
    driver and the credential store were found in the bundle and ran."""
    if status == 3 and "ne répond pas" in stderr:
        return "PostgreSQL driver and credential store loaded (a closed port refused in French)"
    raise SmokeFailure(f"`clauses connect` to a closed port exited with {status}: "
                       f"{stderr.strip()[-300:]}")  # fmt: skip


class Smoke:
    """The checks against one folder, sharing one private data folder."""

    def __init__(self, folder: Path, scratch: Path) -> None:
        self.folder = folder
        self.home = scratch / "home"
        self.env = smoke_env(self.home)
        self.pdf = scratch / "bilan-2025.pdf"
        self.png = scratch / "fenetre.png"
        self.scratch = scratch

    def clauses(self, *args: str) -> str:
        return run_program(self.folder, "clauses", list(args), self.env)

    def init(self) -> str:
        self.clauses("init")
        return check_database(self.home / "data" / "clauses.sqlite3")

    def demo(self) -> str:
        self.clauses("demo", "--size", "small")
        return check_demo(self.clauses("stats", "--json"))

    def report(self) -> str:
        self.clauses("report", "balance", "--first", "--year", "2025", "--format", "pdf",
                     "--out", str(self.pdf))  # fmt: skip
        return check_pdf(self.pdf)

    def report_docx(self) -> str:
        docx = self.scratch / "bilan-2025.docx"
        self.clauses("report", "balance", "--first", "--year", "2025", "--format", "docx",
                     "--out", str(docx))  # fmt: skip
        return check_docx(docx, "2025")

    def clause_wording(self) -> str:
        docx = self.scratch / "clause-L2112-2.docx"
        contract = first_contract(self.home / "data" / "clauses.sqlite3")
        self.clauses("report", "clause", "--contract", contract, "--basis", "L2112-2",
                     "--out", str(docx))  # fmt: skip
        return check_docx(docx, "L2112-2")

    def team_driver(self) -> str:
        with socket.socket() as probe:  # a port nobody listens on once the probe is closed
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        done = subprocess.run(
            [str(self.folder / f"clauses{EXE_SUFFIX}"), "connect", "--host", "127.0.0.1",
             "--port", str(port), "--database", "clauses", "--user", "smoke",
             "--sslmode", "disable"],
            env=self.env, capture_output=True, text=True, timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        return check_team_refusal(done.returncode, done.stderr)

    def screenshot(self) -> str:
        run_program(self.folder, "clauses-app", ["--screenshot", str(self.png)], self.env)
        return check_png(self.png)


def run_all(folder: Path, scratch: Path, log: Log) -> list[str]:
    """Every check, in order; the list of failures (empty when the folder works)."""
    smoke = Smoke(folder, scratch)
    steps = (smoke.init, smoke.demo, smoke.report, smoke.report_docx, smoke.clause_wording,
             smoke.team_driver, smoke.screenshot)  # fmt: skip
    failures = []
    for step in steps:
        try:
            log(f"smoke {step.__name__}: OK, {step()}")
        except (SmokeFailure, OSError, sqlite3.Error, ValueError, zipfile.BadZipFile) as exc:
            log(f"smoke {step.__name__}: FAILED, {exc}")
            failures.append(f"{step.__name__}: {exc}")
    return failures


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0]).resolve()
    with tempfile.TemporaryDirectory(prefix="clauses-smoke-") as tmp:
        scratch = Path(argv[1]).resolve() if len(argv) > 1 else Path(tmp)
        scratch.mkdir(parents=True, exist_ok=True)
        failures = run_all(folder, scratch, lambda m: print(f"[smoke] {m}", flush=True))
    if failures:
        print(f"[smoke] {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("[smoke] all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
