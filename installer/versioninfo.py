"""Version and identity of the packaged application, read from ``pyproject.toml``.

One source of truth for the PyInstaller spec (Windows version resource of both programs),
the NSIS installer (``-D`` defines) and the build script. Runs on the build machine's plain
Python (3.11+, ``tomllib``); it never imports the application.

    python installer/versioninfo.py nsis-defines   # one ``-DNAME=value`` per line
    python installer/versioninfo.py version        # the version string
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

# Never change these two: Windows recognises an installed copy (upgrade in place, uninstall
# entry) by APP_ID, and the user's data folder (platformdirs) by the company/app names.
APP_ID = "{063E3461-9A55-4525-AE32-838F345EA210}"
APP_NAME = "Clauses"
PUBLISHER = "Clauses"
DESCRIPTION = "Clauses sociales d'insertion : suivi des heures, bilans, rédaction des clauses"
GUI_EXE = "clauses-app"
CLI_EXE = "clauses"
CLAUSE_EXTENSION = ".clause"


def read_version(pyproject: Path = PYPROJECT) -> str:
    """The ``[project] version`` of pyproject.toml, e.g. ``"0.1.0"``."""
    with pyproject.open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows resources: ``"1.2.3rc1"`` → ``(1, 2, 3, 0)``.

    Windows version fields are integers; pre-release or local suffixes are dropped.
    """
    match = re.match(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        raise ValueError(f"not a release version: {version!r}")
    numbers = [int(group or 0) for group in match.groups()]
    return (numbers[0], numbers[1], numbers[2], 0)


def nsis_defines(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """The identity defines the NSIS script expects (``clauses.nsi`` refuses to build without)."""
    version = read_version(pyproject)
    return {
        "APP_ID": APP_ID,
        "APP_NAME": APP_NAME,
        "PUBLISHER": PUBLISHER,
        "VERSION": version,
        "VERSION_NUMERIC": ".".join(str(n) for n in numeric_version(version)),
    }


def windows_version_resource(program: str, description: str, pyproject: Path = PYPROJECT) -> str:
    """PyInstaller's text form of a Windows ``VS_VERSIONINFO`` resource for one program."""
    version = read_version(pyproject)
    numbers = numeric_version(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": program,
        "LegalCopyright": f"© {PUBLISHER} — licence MIT",
        "OriginalFilename": f"{program}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    entries = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    # 040C = French (France), 04B0 = code page 1200 (Unicode).
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('040C04B0', [
{entries}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x040C, 1200])])
  ]
)
"""


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "version"
    if command == "version":
        print(read_version())
    elif command == "nsis-defines":
        for name, value in nsis_defines().items():
            print(f"-D{name}={value}")
    else:
        print(f"usage: versioninfo.py [version|nsis-defines], not {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
