"""Check that every dependency of the Windows build resolves to a Windows wheel for Python 3.11.

The Windows installer is built on a Windows runner that this project's Linux machines cannot
run; a dependency with no ``win_amd64`` wheel (or a version range that only an sdist satisfies)
would fail that build long after the change that caused it. ``pip install --dry-run --report``
resolves the runtime dependencies and the build extra for that platform from the package
index's metadata and installs nothing. ``./test`` runs this after the lint.

Exit status: 0 when every requirement resolves to a wheel, 1 when one does not (one French
sentence names it), 0 with a message when the package index cannot be reached (nothing can be
concluded offline, and the rest of the suite still runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = "win_amd64"
PYTHON_VERSION = "3.11"
# The extras the Windows build installs beside the runtime dependencies.
EXTRAS = ("build", "postgres")
OFFLINE_SIGNS = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


def requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The runtime dependencies and the Windows build's extras, as written in pyproject.toml."""
    with pyproject.open("rb") as handle:
        project = tomllib.load(handle)["project"]
    found = list(project["dependencies"])
    for extra in EXTRAS:
        found += project.get("optional-dependencies", {}).get(extra, [])
    return found


def pip_command(wanted: list[str], report: Path) -> list[str]:
    return [
        sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
        "--no-cache-dir", "--report", str(report), "--platform", PLATFORM,
        "--python-version", PYTHON_VERSION, "--only-binary=:all:", *wanted,
    ]  # fmt: skip


def not_wheels(report: dict) -> list[str]:
    """Names of the resolved distributions that are not wheels for the platform (or pure)."""
    wrong = []
    for item in report.get("install", []):
        filename = item["download_info"]["url"].rsplit("/", 1)[-1]
        if not filename.endswith(".whl") or not (
            filename.endswith("-any.whl") or PLATFORM in filename
        ):
            wrong.append(item["metadata"]["name"])
    return wrong


def unresolved_name(stderr: str) -> str | None:
    """The requirement pip could not satisfy, from its error message."""
    marker = "satisfies the requirement "
    for line in stderr.splitlines():
        if marker in line:
            return line.split(marker, 1)[1].split(" (", 1)[0].strip()
    return None


def main(pyproject: Path = ROOT / "pyproject.toml") -> int:
    wanted = requirements(pyproject)
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        result = subprocess.run(
            pip_command(wanted, report_path), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            if any(sign in result.stderr for sign in OFFLINE_SIGNS):
                print("Index des paquets injoignable : roues Windows non vérifiées.")
                return 0
            name = unresolved_name(result.stderr) or "une dépendance"
            print(
                f"Pas de roue Windows ({PLATFORM}, Python {PYTHON_VERSION}) pour {name} : "
                "la construction Windows échouerait.",
                file=sys.stderr,
            )
            print(result.stderr.strip()[-2000:], file=sys.stderr)
            return 1
        report = json.loads(report_path.read_text(encoding="utf-8"))
    wrong = not_wheels(report)
    if wrong:
        print(f"Pas de roue Windows ({PLATFORM}) pour : {', '.join(wrong)}.", file=sys.stderr)
        return 1
    count = len(report.get("install", []))
    print(f"{count} paquets résolus en roues {PLATFORM} (Python {PYTHON_VERSION}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "pyproject.toml"))
