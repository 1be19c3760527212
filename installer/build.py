"""Build the one-folder program, prove it works, then compile the Windows installer around it.

The same steps on Linux (``installer/build``, run by ``./test``) and on the Windows runner
(``.github/workflows/windows.yml``):

1. PyInstaller builds ``installer/build-output/dist/Clauses`` from ``installer/clauses.spec``;
2. the frozen programs are started offscreen on a fresh data folder (``CLAUSES_HOME``):
   ``clauses init`` creates and migrates the database, ``clauses demo`` fills it, ``clauses
   report balance`` writes a PDF with text, ``clauses-app --screenshot`` renders the window:
   proof that migrations, fonts and templates are inside the bundle;
3. ``makensis`` compiles ``installer/clauses.nsi`` around that folder (skipped, with a message,
   when NSIS is missing and cannot be installed).

    python installer/build.py [--ci] [--no-freeze] [--no-installer]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import smoke
import versioninfo

INSTALLER_DIR = Path(__file__).resolve().parent
ROOT = INSTALLER_DIR.parent
OUTPUT = INSTALLER_DIR / "build-output"
DIST = OUTPUT / "dist"
WORK = OUTPUT / "work"
FROZEN = DIST / versioninfo.APP_NAME
SPEC = INSTALLER_DIR / "clauses.spec"
NSIS_SCRIPT = INSTALLER_DIR / "clauses.nsi"
IS_WINDOWS = sys.platform == "win32"
WINDOWS_MAKENSIS = (
    Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "NSIS" / "makensis.exe",
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "NSIS" / "makensis.exe",
)


class BuildError(Exception):
    """A step failed; the message says which and why."""


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def freeze() -> None:
    """Run PyInstaller on the spec (about 45 s on 2 cores)."""
    started = time.monotonic()
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC),
    ]  # fmt: skip
    log("PyInstaller: " + " ".join(command[3:]))
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise BuildError("PyInstaller failed (see its output above).")
    log(f"frozen folder built in {time.monotonic() - started:.0f} s: {FROZEN}")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def record_size() -> int:
    size = folder_size(FROZEN)
    files = sum(1 for p in FROZEN.rglob("*") if p.is_file())
    text = f"{size / 1e6:.0f} MB ({size} bytes, {files} files) on {sys.platform}\n"
    (OUTPUT / "frozen-size.txt").write_text(text, encoding="utf-8")
    log(f"frozen folder size: {text.strip()}")
    return size


def smoke_test() -> None:
    """Run the smoke checks; their database, PDF and screenshot stay in build-output/smoke."""
    scratch = OUTPUT / "smoke"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    failures = smoke.run_all(FROZEN, scratch, log)
    if failures:
        raise BuildError("smoke test of the frozen program failed:\n  - " + "\n  - ".join(failures))


def find_makensis(install: bool) -> str | None:
    """The makensis program; on Debian as root, install the ``nsis`` package when missing."""
    found = shutil.which("makensis")
    if found is None and IS_WINDOWS:
        found = next((str(p) for p in WINDOWS_MAKENSIS if p.is_file()), None)
    if found or not install or IS_WINDOWS:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing Debian's nsis package")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nsis"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
    return shutil.which("makensis")


def installer_path() -> Path:
    return OUTPUT / f"{versioninfo.APP_NAME}-{versioninfo.read_version()}-setup.exe"


def makensis_command(makensis: str, dist: Path, out: Path, compression: str) -> list[str]:
    """The makensis call: identity from pyproject.toml, absolute paths (makensis cds)."""
    defines = versioninfo.nsis_defines()
    defines |= {"DIST_DIR": str(dist.resolve()), "OUTFILE": str(out.resolve())}
    defines |= {"COMPRESSION": compression, "ICON": str(ROOT / "resources/icons/clauses.ico")}
    suffix = _exe_suffix(dist)
    defines |= {"GUI_EXE": versioninfo.GUI_EXE + suffix, "CLI_EXE": versioninfo.CLI_EXE + suffix}
    return [makensis, "-V2", *(f"-D{k}={v}" for k, v in defines.items()), str(NSIS_SCRIPT)]


def _exe_suffix(dist: Path) -> str:
    """Suffix of the programs: ".exe", or none for a folder frozen on Linux (wine check)."""
    return "" if (dist / versioninfo.GUI_EXE).is_file() else ".exe"


def build_installer(makensis: str, compression: str) -> Path:
    out = installer_path()
    out.unlink(missing_ok=True)
    started = time.monotonic()
    command = makensis_command(makensis, FROZEN, out, compression)
    log(f"makensis ({compression}): {out.name}")
    if subprocess.run(command).returncode != 0:
        raise BuildError("makensis failed (see its output above).")
    if not out.is_file() or out.read_bytes()[:2] != b"MZ":
        raise BuildError(f"makensis reported success but {out} is not a Windows program.")
    log(f"installer built in {time.monotonic() - started:.0f} s: {out} "
        f"({out.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ci", action="store_true", help="fast: installer without compression")
    parser.add_argument("--no-freeze", action="store_true", help="reuse the last frozen folder")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke test")
    parser.add_argument("--no-installer", action="store_true", help="skip makensis")
    parser.add_argument(
        "--require-installer", action="store_true", help="fail when makensis is missing"
    )
    parser.add_argument(
        "--compression", choices=("lzma", "zlib", "off"), help="NSIS compression (default lzma)"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        if not args.no_freeze:
            freeze()
        if not FROZEN.is_dir():
            raise BuildError(f"no frozen folder at {FROZEN}: run without --no-freeze.")
        record_size()
        if not args.no_smoke:
            smoke_test()
        if args.no_installer:
            return 0
        makensis = find_makensis(install=True)
        if makensis is None and args.require_installer:
            raise BuildError("makensis not found (install NSIS).")
        if makensis is None:
            log("SKIPPED: makensis not found (install NSIS, or run as root on Debian).")
            return 0
        build_installer(makensis, args.compression or ("off" if args.ci else "lzma"))
    except BuildError as exc:
        print(f"[build] FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
