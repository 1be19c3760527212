"""Install, upgrade and uninstall the Windows installer silently, checking each result.

Runs natively on Windows (the workflow) or under wine on Linux (``installer/wine-check``):

1. ``setup.exe /S``: program files, Start-menu and desktop shortcuts, uninstall entry under the
   fixed identifier, ``.clause`` association (and, natively with ``--smoke``, the installed
   programs start and work: see smoke.py);
2. ``setup.exe /S`` again (upgrade in place): same folder, stale libraries removed;
3. the user's data is created (natively ``--smoke`` runs the installed ``clauses init``,
   otherwise placeholder files are written where platformdirs puts them);
4. ``uninstall.exe /S``: program, shortcuts, registry entries gone, data kept;
5. ``setup.exe /S /NODESKTOP /D=<another folder>``, an upgrade that must stay in that folder,
   then ``uninstall.exe /S /REMOVEDATA``: no desktop shortcut; the data removed on request.

    python installer/install_check.py [--wine] [--smoke] SETUP.exe
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PureWindowsPath

sys.path.insert(0, str(Path(__file__).resolve().parent))

import smoke
import versioninfo

UNINSTALL_KEY = rf"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{versioninfo.APP_ID}"
PROGID = "Clauses.FichierClause"
CLASSES = r"HKCU\Software\Classes"
WAIT_S = 120


class CheckFailure(Exception):
    """One expectation was not met."""


class Host:
    """Runs Windows programs and maps Windows paths: natively, or through wine."""

    def __init__(self, wine: str | None) -> None:
        self.wine = wine
        self.prefix = Path(os.environ.get("WINEPREFIX", Path.home() / ".wine"))

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        command = [self.wine, *argv] if self.wine else list(argv)
        return subprocess.run(
            command, capture_output=True, text=True, errors="replace", timeout=600
        )

    def env(self, name: str) -> str:
        if not self.wine:
            return os.environ[name]
        return self.run("cmd", "/c", f"echo %{name}%").stdout.strip()

    def path(self, windows_path: str) -> Path:
        """The host path of a Windows path (``C:\\x`` is ``$WINEPREFIX/drive_c/x`` in wine)."""
        if not self.wine:
            return Path(windows_path)
        pure = PureWindowsPath(windows_path)
        assert pure.drive.upper() == "C:", windows_path
        return self.prefix / "drive_c" / Path(*pure.parts[1:])

    def reg(self, key: str, value: str | None = None) -> str | None:
        """A registry value (the default one when ``value`` is None); None when absent."""
        done = self.run("reg", "query", key, *(("/v", value) if value else ("/ve",)))
        if done.returncode != 0:
            return None
        for line in done.stdout.splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) == 3 and parts[1].startswith("REG_"):
                return parts[2].strip()
        return None

    def key_exists(self, key: str) -> bool:
        return self.run("reg", "query", key).returncode == 0


class Check:
    def __init__(self, host: Host, setup: Path, run_smoke: bool) -> None:
        self.host, self.setup, self.run_smoke = host, setup, run_smoke
        local = host.env("LOCALAPPDATA")
        self.install_dir = host.path(rf"{local}\Programs\{versioninfo.APP_NAME}")
        self.data_dir = host.path(rf"{local}\{versioninfo.PUBLISHER}\{versioninfo.APP_NAME}")
        appdata = host.env("APPDATA")
        self.start_menu = host.path(
            rf"{appdata}\Microsoft\Windows\Start Menu\Programs\{versioninfo.APP_NAME}.lnk"
        )
        desktop = host.env("USERPROFILE") + r"\Desktop"
        self.desktop = host.path(rf"{desktop}\{versioninfo.APP_NAME}.lnk")
        self.results: list[str] = []

    def ok(self, message: str) -> None:
        self.results.append(message)
        print(f"  ok  {message}", flush=True)

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            raise CheckFailure(message)
        self.ok(message)

    def install(self, *options: str) -> None:
        started = time.monotonic()
        done = self.host.run(str(self.setup), "/S", *options)
        self.expect(done.returncode == 0, f"setup /S {' '.join(options)} exits with 0".strip())
        print(f"      ({time.monotonic() - started:.0f} s)", flush=True)

    def uninstall(self, *options: str) -> None:
        uninstaller = self.install_dir / "uninstall.exe"
        done = self.host.run(str(uninstaller), "/S", *options)
        self.expect(done.returncode == 0, f"uninstall.exe /S {' '.join(options)} exits with 0")
        # The uninstaller copies itself to a temporary folder and returns at once.
        deadline = time.monotonic() + WAIT_S
        while uninstaller.exists() and time.monotonic() < deadline:
            time.sleep(0.5)

    def gui_program(self) -> Path:
        icon = self.host.reg(UNINSTALL_KEY, "DisplayIcon") or ""
        return self.host.path(icon.rsplit(",", 1)[0])

    def installed_layout(self) -> None:
        gui = self.gui_program()
        self.expect(gui.is_file() and gui.parent == self.install_dir, f"program at {gui}")
        libraries = sum(1 for p in (self.install_dir / "_internal").rglob("*") if p.is_file())
        self.expect(libraries > 100, f"{libraries} library files in _internal")
        self.expect((self.install_dir / "uninstall.exe").is_file(), "uninstall.exe present")
        lnk = self.start_menu.read_bytes() if self.start_menu.is_file() else b""
        target = gui.name.encode()
        self.expect(
            target in lnk or target.decode().encode("utf-16-le") in lnk,
            f"Start-menu shortcut {self.start_menu.name} points to {gui.name}",
        )

    def registry(self) -> None:
        reg = self.host.reg
        version = versioninfo.read_version()
        self.expect(reg(UNINSTALL_KEY, "DisplayVersion") == version, f"uninstall entry {version}")
        location = reg(UNINSTALL_KEY, "InstallLocation") or ""
        self.expect(self.host.path(location) == self.install_dir, f"InstallLocation {location}")
        self.expect("uninstall.exe" in (reg(UNINSTALL_KEY, "UninstallString") or ""),
                    "UninstallString names uninstall.exe")  # fmt: skip
        self.expect(reg(rf"{CLASSES}\.clause") == PROGID, f".clause files open as {PROGID}")
        command = reg(rf"{CLASSES}\{PROGID}\shell\open\command") or ""
        self.expect(self.gui_program().name in command and '"%1"' in command,
                    f"open command: {command}")  # fmt: skip

    def smoke_installed(self) -> None:
        with tempfile.TemporaryDirectory(prefix="clauses-installed-") as scratch:
            failures = smoke.run_all(self.install_dir, Path(scratch), lambda m: print("     ", m))
        self.expect(not failures, "installed programs pass the smoke test")

    def upgrade_in_place(self) -> None:
        stale = self.install_dir / "_internal" / "stale-from-previous-version.dll"
        stale.write_bytes(b"old")
        self.install()
        self.expect(not stale.exists(), "upgrade removed the previous version's libraries")
        self.expect((self.install_dir / "uninstall.exe").is_file(), "uninstaller still in place")

    def create_user_data(self) -> None:
        database = self.data_dir / "clauses.sqlite3"
        if self.run_smoke:  # the real program decides where its data goes
            cli = self.install_dir / f"{versioninfo.CLI_EXE}.exe"
            env = {k: v for k, v in os.environ.items() if k not in {"CLAUSES_HOME", "CLAUSES_DB"}}
            subprocess.run([str(cli), "init"], check=True, env=env, timeout=120)
        else:  # wine cannot run a Linux-frozen program: stand-in files at the same place
            (self.data_dir / "backups").mkdir(parents=True, exist_ok=True)
            database.write_bytes(b"SQLite format 3\0 stand-in")
            (self.data_dir / "backups" / "clauses-avant-migration.sqlite3").write_bytes(b"x")
        self.expect(database.is_file(), f"user database at {database}")

    def removed(self, data_kept: bool) -> None:
        self.expect(not self.install_dir.exists(), "program folder removed")
        self.expect(not self.start_menu.exists() and not self.desktop.exists(), "shortcuts removed")
        self.expect(not self.host.key_exists(UNINSTALL_KEY), "uninstall entry removed")
        self.expect(not self.host.key_exists(rf"{CLASSES}\.clause"), ".clause association removed")
        self.expect(not self.host.key_exists(rf"{CLASSES}\{PROGID}"), f"{PROGID} removed")
        database = self.data_dir / "clauses.sqlite3"
        if data_kept:
            self.expect(database.is_file(), "user data kept by default")
        else:
            self.expect(not self.data_dir.exists(), "user data removed with /REMOVEDATA")
            self.expect(not self.data_dir.parent.exists(), "empty parent data folder removed")

    def run_all(self) -> None:
        print(f"1. install {self.setup.name}", flush=True)
        self.install()
        self.installed_layout()
        self.expect(self.desktop.is_file(), "desktop shortcut created")
        self.registry()
        if self.run_smoke:
            self.smoke_installed()
        print("2. upgrade in place", flush=True)
        self.upgrade_in_place()
        print("3. user data", flush=True)
        self.create_user_data()
        print("4. uninstall, keeping the data", flush=True)
        self.uninstall()
        self.removed(data_kept=True)
        print(
            "5. install elsewhere without desktop shortcut, upgrade there, remove data", flush=True
        )
        chosen = self.install_dir.with_name(f"{versioninfo.APP_NAME}-essai")  # /D= takes no quotes
        self.install("/NODESKTOP", f"/D={self.windows_path(chosen)}")  # /D= must come last
        self.install_dir = chosen
        self.expect(self.start_menu.is_file() and not self.desktop.exists(),
                    "Start-menu shortcut only")  # fmt: skip
        self.upgrade_in_place()
        self.expect(self.host.path(self.host.reg(UNINSTALL_KEY, "InstallLocation") or "") == chosen,
                    f"upgrade stayed in the folder the user chose: {chosen.name}")  # fmt: skip
        self.uninstall("/REMOVEDATA")
        self.removed(data_kept=False)

    def windows_path(self, path: Path) -> str:
        if not self.host.wine:
            return str(path)
        return "C:\\" + "\\".join(path.relative_to(self.host.prefix / "drive_c").parts)


def find_wine() -> str:
    for candidate in ("wine64", "wine", "/usr/lib/wine/wine64"):
        found = shutil.which(candidate)
        if found:
            return found
    raise SystemExit("wine64 not found (Debian: apt-get install wine64)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("setup", type=Path)
    parser.add_argument("--wine", action="store_true", help="run the installer under wine")
    parser.add_argument("--smoke", action="store_true", help="start the installed programs")
    args = parser.parse_args(argv)
    host = Host(find_wine() if args.wine else None)
    check = Check(host, args.setup.resolve(), args.smoke)
    try:
        check.run_all()
    except CheckFailure as exc:
        print(f"FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"all {len(check.results)} checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
