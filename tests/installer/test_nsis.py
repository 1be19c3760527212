"""The NSIS script: identity from pyproject.toml, per-user install, data kept, and it compiles."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import platformdirs.windows
import pytest

import clauses_app
from tests.installer.conftest import INSTALLER_DIR, ROOT, load_installer_module

versioninfo = load_installer_module("versioninfo")
build = load_installer_module("build")

NSIS = (INSTALLER_DIR / "clauses.nsi").read_text(encoding="utf-8")
# Pinned on purpose: a new identifier would make Windows install a second copy instead of
# upgrading the facilitator's installed one.
FIXED_APP_ID = "{063E3461-9A55-4525-AE32-838F345EA210}"


def _define(name: str) -> str:
    match = re.search(rf'^!define {name} "(.*)"$', NSIS, re.MULTILINE)
    assert match, name
    return match.group(1)


def test_nsis_defines_carry_the_pyproject_version_and_the_fixed_identifier() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    defines = versioninfo.nsis_defines()
    assert defines["VERSION"] == version
    assert defines["VERSION_NUMERIC"] == ".".join([*version.split(".")[:3], "0"])
    assert defines["APP_ID"] == FIXED_APP_ID
    assert defines["APP_NAME"] == clauses_app.APP_NAME
    assert defines["PUBLISHER"] == clauses_app.APP_AUTHOR


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("2.3", (2, 3, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)),
     ("10.0.7.dev4+g1a2b", (10, 0, 7, 0))],
)  # fmt: skip
def test_numeric_version_gives_the_four_windows_numbers(version: str, numbers: tuple) -> None:
    assert versioninfo.numeric_version(version) == numbers


def test_windows_version_resource_names_the_program_and_version() -> None:
    text = versioninfo.windows_version_resource("clauses-app", "Clauses")
    numbers = versioninfo.numeric_version(versioninfo.read_version())
    assert f"filevers={numbers}" in text
    assert "StringStruct('OriginalFilename', 'clauses-app.exe')" in text
    assert f"StringStruct('ProductVersion', '{versioninfo.read_version()}')" in text


def test_makensis_command_passes_the_identity_and_absolute_paths(tmp_path: Path) -> None:
    command = build.makensis_command("makensis", tmp_path / "dist", tmp_path / "s.exe", "off")
    assert f"-DVERSION={versioninfo.read_version()}" in command
    assert f"-DAPP_ID={FIXED_APP_ID}" in command
    assert f"-DDIST_DIR={(tmp_path / 'dist').resolve()}" in command
    assert "-DCOMPRESSION=off" in command
    assert command[-1] == str(INSTALLER_DIR / "clauses.nsi")


def test_installs_per_user_in_french_with_shortcuts_and_association() -> None:
    assert "RequestExecutionLevel user" in NSIS
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in NSIS
    assert '!insertmacro MUI_LANGUAGE "French"' in NSIS
    assert _define("UNINSTALL_KEY") == (
        "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${APP_ID}"
    )
    assert 'InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"' in NSIS
    assert 'CreateShortcut "$SMPROGRAMS\\${APP_NAME}.lnk"' in NSIS
    assert re.search(r'^Section "Raccourci sur le Bureau" SecDesktop$', NSIS, re.MULTILINE)
    assert _define("EXTENSION") == ".clause"
    assert 'WriteRegStr HKCU "Software\\Classes\\${EXTENSION}" "" "${PROGID}"' in NSIS
    assert "HKLM" not in NSIS  # nothing needs administrator rights
    assert 'VIProductVersion "${VERSION_NUMERIC}"' in NSIS


def test_data_folder_is_platformdirs_one_and_is_removed_only_on_request(monkeypatch) -> None:
    local = "C:\\Users\\facilitatrice\\AppData\\Local"
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda _csidl: local)
    dirs = platformdirs.windows.Windows(clauses_app.APP_NAME, clauses_app.APP_AUTHOR, roaming=False)
    nsis_data_dir = (
        _define("DATA_DIR")
        .replace("${DATA_PARENT}", _define("DATA_PARENT"))
        .replace("$LOCALAPPDATA", local)
        .replace("${PUBLISHER}", versioninfo.PUBLISHER)
        .replace("${APP_NAME}", versioninfo.APP_NAME)
    )
    # os.path.join uses "/" when this test runs on Linux, "\\" on Windows.
    assert nsis_data_dir == dirs.user_data_dir.replace("/", "\\")
    # The only section deleting the data is unselected by default (/o) or by /REMOVEDATA.
    data_sections = re.findall(r'^Section (/o )?"un\.[^"]*" (\w+)$', NSIS, re.MULTILINE)
    assert ("/o ", "SecUnData") in data_sections
    assert NSIS.count('RMDir /r "${DATA_DIR}"') == 1
    body = NSIS.split("SecUnData\n", 1)[1].split("SectionEnd", 1)[0]
    assert 'RMDir /r "${DATA_DIR}"' in body
    assert 'RMDir /r "$INSTDIR"' not in NSIS  # never wipe a folder the user may have chosen


def _compile(tmp_path: Path, *defines: str) -> subprocess.CompletedProcess[str]:
    makensis = shutil.which("makensis")
    assert makensis is not None
    return subprocess.run(
        [makensis, "-V2", *defines, str(INSTALLER_DIR / "clauses.nsi")],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS (makensis) not installed")
def test_script_compiles_around_a_tiny_fake_folder(tmp_path: Path) -> None:
    dist = tmp_path / "Clauses"
    (dist / "_internal").mkdir(parents=True)
    (dist / "clauses-app.exe").write_bytes(b"MZ fake gui")
    (dist / "clauses.exe").write_bytes(b"MZ fake cli")
    (dist / "_internal" / "library.dll").write_bytes(b"fake")
    out = tmp_path / "setup.exe"
    command = build.makensis_command("makensis", dist, out, "off")
    done = _compile(tmp_path, *command[2:-1])
    assert done.returncode == 0, done.stdout + done.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ"
    assert b"MZ fake gui" in data  # uncompressed: the payload is visible


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS (makensis) not installed")
def test_script_refuses_to_compile_without_the_identity(tmp_path: Path) -> None:
    done = _compile(tmp_path, f"-DOUTFILE={tmp_path / 'x.exe'}")
    assert done.returncode != 0
    assert "Missing -D defines" in done.stdout + done.stderr
    assert not (tmp_path / "x.exe").exists()


def test_windows_version_resource_is_one_pyinstaller_can_read(monkeypatch, tmp_path) -> None:
    import importlib
    import sys
    import types

    import PyInstaller.compat

    # The reader's module imports Windows-only helpers at load time; it needs none of them.
    if importlib.util.find_spec("pefile") is None:
        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    reader = importlib.import_module("PyInstaller.utils.win32.versioninfo")
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo")

    text_file = tmp_path / "clauses-app.version.txt"
    text_file.write_text(
        versioninfo.windows_version_resource("clauses-app", versioninfo.DESCRIPTION),
        encoding="utf-8",
    )
    info = reader.load_version_info_from_text_file(str(text_file))
    major, minor, patch, build_number = versioninfo.numeric_version(versioninfo.read_version())
    assert info.ffi.fileVersionMS == (major << 16) | minor
    assert info.ffi.fileVersionLS == (patch << 16) | build_number
    assert "'OriginalFilename', 'clauses-app.exe'" in str(info)
    assert len(info.toRaw()) > 500  # serialises into the binary resource Windows reads


def test_windows_workflow_runs_the_same_steps_as_linux() -> None:
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    for step in (
        "runs-on: windows-latest",
        'python-version: "3.11"',
        'pip install -e ".[test,build]"',
        "QT_QPA_PLATFORM: offscreen",
        "python -m pytest",
        "python installer/build.py --require-installer",
        "python installer/install_check.py --smoke",
        "actions/upload-artifact@v4",
        "*-setup.exe",
    ):
        assert step in workflow, step
