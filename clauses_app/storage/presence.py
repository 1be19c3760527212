"""Who has a database file open: a small lock file beside it, and where the file lives.

A window that opens an SQLite file writes ``<file>.lock`` (JSON: user, machine, process,
since) and removes it when it closes. A second window reads it to tell the user who has the
base open, where and since when, and offers to open it read-only. The lock file informs, it
does not lock: SQLite's own locking keeps the file consistent, and a writer waits for
another (storage/engine.py). A lock file left by a program that ended without removing it
(same machine, process gone) is ignored and replaced.

A database on a network share (a UNC path, a mapped network drive, an NFS/SMB mount) is
detected so that the user can be warned: SQLite's locking over the network is unreliable.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PureWindowsPath

log = logging.getLogger(__name__)
LOCK_SUFFIX = ".lock"
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs",
                                 "afs", "ncpfs", "9p", "davfs", "fuse.davfs2"})  # fmt: skip
DRIVE_REMOTE = 4  # GetDriveTypeW


@dataclass(frozen=True)
class Presence:
    """A program that has the database open."""

    user: str
    machine: str
    pid: int
    since: datetime

    def describe(self) -> str:
        """« Camille sur PC-ACCUEIL depuis le 04/12/2026 à 09:12 » (local time)."""
        from clauses_app.formatting import format_date

        local = self.since.astimezone()
        return (
            f"{self.user} sur {self.machine} depuis le {format_date(local.date())} à {local:%H:%M}"
        )

    def to_json(self) -> str:
        return json.dumps({"user": self.user, "machine": self.machine, "pid": self.pid,
                           "since": self.since.isoformat()})  # fmt: skip


def lock_path(database_file: Path) -> Path:
    return database_file.with_name(database_file.name + LOCK_SUFFIX)


def this_program() -> Presence:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (a service)
        user = "un utilisateur inconnu"
    return Presence(user, socket.gethostname() or "un ordinateur inconnu", os.getpid(),
                    datetime.now(UTC))  # fmt: skip


def read_presence(database_file: Path) -> Presence | None:
    """The program named in the lock file, if there is a readable one."""
    try:
        data = json.loads(lock_path(database_file).read_text(encoding="utf-8"))
        since = datetime.fromisoformat(data["since"])
        return Presence(str(data["user"]), str(data["machine"]), int(data["pid"]),
                        since if since.tzinfo else since.replace(tzinfo=UTC))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None


def other_presence(database_file: Path) -> Presence | None:
    """Another program that has the file open now (not this process, not a dead one)."""
    found = read_presence(database_file)
    if found is None:
        return None
    me = this_program()
    if found.machine == me.machine and (found.pid == me.pid or not _alive(found.pid)):
        return None
    return found


class PresenceLock:
    """This program's lock file beside a database; :meth:`release` removes it if still ours."""

    def __init__(self, database_file: Path) -> None:
        self.path = lock_path(database_file)
        self.mine = this_program()
        self.held = False

    def claim(self) -> bool:
        """Write the lock file (over any other); False when the folder cannot be written."""
        try:
            self.path.write_text(self.mine.to_json(), encoding="utf-8")
        except OSError as exc:
            log.warning("Cannot write the lock file %s: %s", self.path, exc)
            return False
        self.held = True
        return True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        current = read_presence(self.path.with_name(self.path.name[: -len(LOCK_SUFFIX)]))
        if current is not None and (current.machine, current.pid) != (
            self.mine.machine, self.mine.pid,
        ):  # fmt: skip
            return  # another window took it over ("open anyway"): its lock now
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("Cannot remove the lock file %s: %s", self.path, exc)


@contextmanager
def announced(database_file: Path | None) -> Iterator[Presence | None]:
    """This program's lock file beside ``database_file`` for the block (a command's run),
    removed after it; when another program has the file open, its lock file is left alone
    and that program is yielded (this one then waits its turn like any writer)."""
    holder = other_presence(database_file) if database_file is not None else None
    lock = PresenceLock(database_file) if database_file is not None and holder is None else None
    if lock is not None:
        lock.claim()
    try:
        yield holder
    finally:
        if lock is not None:
            lock.release()


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFO
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_network_path(path: Path | str, mounts: str | None = None) -> bool:
    """Whether ``path`` is on a network share: a UNC path (``\\\\serveur\\partage``), a mapped
    network drive (Windows), or a network file system mount (``mounts``: the text of
    /proc/mounts, read when not given)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    windows = PureWindowsPath(text)
    if windows.drive and len(windows.drive) == 2 and sys.platform == "win32":  # pragma: no cover
        import ctypes

        return bool(ctypes.windll.kernel32.GetDriveTypeW(windows.drive + "\\") == DRIVE_REMOTE)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return _mount_type(Path(text), mounts) in NETWORK_FILESYSTEMS


def _mount_type(path: Path, mounts: str) -> str | None:
    """The file system type of the longest mount point containing ``path``."""
    best, kind = "", None
    target = str(path if path.is_absolute() else path.resolve())
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, parts[2]
    return kind


def network_warning(path: Path) -> str:
    return (
        f"La base « {path} » est sur un partage réseau. Plusieurs personnes ne doivent pas "
        "l'ouvrir en même temps, et une coupure du réseau pendant un enregistrement peut "
        "l'endommager : copiez-la sur cet ordinateur, ou utilisez une base d'équipe "
        "(PostgreSQL)."
    )
