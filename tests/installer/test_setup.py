"""The README's two commands set up a fresh Debian machine: driven here with stub system tools.

``./run`` and ``./test`` are run for real with ``CLAUSES_SETUP_ONLY=1`` (they stop after the
system step) and a ``PATH`` that holds only stubs of ``id``, ``dpkg-query`` and ``apt-get``, the
tools the set-up checks afterwards, and the few real programs the scripts call. The packages
each entry point needs are written out here, apart from the scripts: a package dropped from a
script, or a list that never reaches ``apt-get`` again, fails these tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

QT_LIBS = {
    "libegl1",
    "libgl1",
    "libx11-6",
    "libdbus-1-3",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0",
    "libxkbcommon0",
}
RUN_PACKAGES = QT_LIBS | {"libcairo2-dev", "pkg-config"}
TEST_PACKAGES = RUN_PACKAGES | {"poppler-utils", "libreoffice-writer-nogui", "nsis"}
# Programs the set-up checks after installing, with the stub's behaviour.
CHECKED_TOOLS = ("pkg-config", "pdftotext", "pdftoppm", "soffice", "makensis")
REAL_PROGRAMS = ("bash", "dirname", "grep", "cat")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Debian set-up only")


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def _machine(
    tmp_path: Path, *, installed: bool, uid: int = 0, missing_tools: tuple[str, ...] = ()
) -> dict[str, str]:
    """A PATH of stubs; ``apt-get`` appends its arguments to ``apt.log``."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in REAL_PROGRAMS:
        real = shutil.which(name)
        assert real, name
        (stubs / name).symlink_to(real)
    (stubs / "python3").symlink_to(sys.executable)
    _stub(stubs, "id", f'[ "$1" = "-u" ] && echo {uid} || echo "uid={uid}"')
    status = "install ok installed" if installed else "unknown ok not-installed"
    _stub(stubs, "dpkg-query", f"printf '%s' '{status}'")
    _stub(stubs, "apt-get", f'echo "$@" >> "{tmp_path / "apt.log"}"')
    for tool in CHECKED_TOOLS:
        if tool not in missing_tools:
            _stub(stubs, tool, "exit 0")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHON", "CLAUSES_DB")}
    env.update(PATH=str(stubs), CLAUSES_SETUP_ONLY="1")
    return env


def _run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / script)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _requested(tmp_path: Path) -> set[str]:
    log = tmp_path / "apt.log"
    if not log.exists():
        return set()
    requested: set[str] = set()
    for line in log.read_text().splitlines():
        words = line.split()
        if "install" in words:
            requested |= {word for word in words[words.index("install") + 1 :] if word[0] != "-"}
    return requested


@pytest.mark.parametrize(("script", "needed"), [("run", RUN_PACKAGES), ("test", TEST_PACKAGES)])
def test_a_fresh_machine_gets_every_package_its_entry_point_needs(
    tmp_path: Path, script: str, needed: set[str]
) -> None:
    result = _run(script, _machine(tmp_path, installed=False))

    assert result.returncode == 0, result.stderr
    assert needed <= _requested(tmp_path)


@pytest.mark.parametrize("script", ["run", "test"])
def test_nothing_is_installed_when_everything_is_there(tmp_path: Path, script: str) -> None:
    result = _run(script, _machine(tmp_path, installed=True))

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_a_tool_still_missing_after_set_up_stops_with_one_french_sentence(
    tmp_path: Path,
) -> None:
    result = _run("test", _machine(tmp_path, installed=True, missing_tools=("pdftotext",)))

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Il manque le paquet Debian « poppler-utils » (« pdftotext -v » a échoué) : installez-le "
        "avec « sudo apt-get install poppler-utils », puis relancez la commande."
    ]


def test_without_root_the_missing_packages_are_named_and_nothing_is_installed(
    tmp_path: Path,
) -> None:
    result = _run(
        "run", _machine(tmp_path, installed=False, uid=1000, missing_tools=("pkg-config",))
    )

    assert result.returncode == 1
    assert "Paquets Debian manquants (à installer en root) :" in result.stderr
    assert "libcairo2-dev" in result.stderr
    assert "« libcairo2-dev »" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_without_a_display_run_writes_a_demo_database_and_its_balance_report(
    tmp_path: Path,
) -> None:
    """What ``./run`` executes when there is no screen (its last lines choose this path)."""
    assert 'exec .venv/bin/python -m clauses_app.headless "$PWD/out"' in (ROOT / "run").read_text()
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "CLAUSES_DB")}
    env["CLAUSES_HOME"] = str(tmp_path / "home")

    result = subprocess.run(
        [sys.executable, "-m", "clauses_app.headless", str(tmp_path / "out")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "out" / "bilan-demo.pdf").pages[0].extract_text()
    assert "Bilan" in text
    assert (tmp_path / "out" / "demo.sqlite3").stat().st_size > 0


@pytest.mark.parametrize("installs", [True, False])
def test_python_modules_install_quietly_and_a_failure_shows_what_pip_said(
    tmp_path: Path, installs: bool
) -> None:
    """ensure_venv with a stub of the virtual environment's python: pip's notices (a build
    prints hundreds of lines) stay in a log unless the install fails."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    outcome = "exit 0" if installs else 'case "$*" in *" -e "*) exit 1 ;; esac'
    _stub(venv / "bin", "python", f'echo "pip: a notice on $*"\n{outcome}')
    command = f'source "{ROOT}/scripts/setup-env.sh"; VENV="$1"; ensure_venv test'

    def ensure() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", command, "setup", str(venv)], capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip

    first = ensure()
    if installs:
        assert (first.returncode, first.stderr) == (0, "")
        assert first.stdout == "Installation des modules Python dans .venv…\n"
        again = ensure()  # installed: nothing to do, nothing said
        assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    else:
        assert first.returncode == 1
        assert "pip: a notice on -m pip install -q -e" in first.stderr
        log = venv / "pip-install.log"
        assert f"L'installation des modules Python a échoué (journal : {log})." in first.stderr
        assert not (venv / ".installed-test").exists()
