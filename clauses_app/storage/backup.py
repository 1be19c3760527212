"""Backups of an SQLite database: taken whole or not at all, listed, rotated, restored.

A backup is ``backups/<stem>-<YYYYmmdd-HHMMSS>-<reason>.sqlite3`` beside the database. It is
written under a hidden temporary name (``.<name>.tmp``), checked (``PRAGMA quick_check`` and
the Clauses schema table), then renamed: a process killed midway leaves only a temporary
file, which is never listed and is removed the next time a backup is taken or listed. Files
are the owner's only (0600, folder 0700): they hold personal data.

Backups are taken before a migration, an import, a purge, a restore and at the first start
of each day; each new one rotates the others (``backup_keep`` are kept, the newest of each
reason first, none older than ``retention_years``, both read from the database's settings).
A restore never brings back a participant purged since the backup: the purges recorded in
the current database are applied again to the restored copy before it replaces the file
(docs/privacy.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from clauses_app import paths

log = logging.getLogger(__name__)

FOLDER = "backups"
SUFFIX = ".sqlite3"
TEMP_SUFFIX = ".tmp"
DEFAULT_KEEP = 10
DEFAULT_MAX_AGE_YEARS = 2

# Reason codes (in the file name) and what a person reads.
REASONS = {
    "migration": "avant une mise à jour du schéma",
    "import": "avant un import",
    "purge": "avant une purge",
    "quotidienne": "sauvegarde du jour",
    "manuelle": "sauvegarde manuelle",
    "restauration": "avant une restauration",
}
_LABEL = re.compile(r"^avant-(?P<revision>\d{4})$")  # migration backups: avant-0007


class BackupError(Exception):
    """A backup cannot be taken or restored; the message is one French sentence."""


@dataclass(frozen=True)
class Backup:
    """One backup file of a database."""

    path: Path
    taken_at: datetime  # local time, from the file name
    size: int  # bytes
    reason: str  # a key of REASONS

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class BackupPolicy:
    """How many backups are kept and for how long (settings ``backup_keep`` and
    ``retention_years``)."""

    keep: int = DEFAULT_KEEP
    max_age_years: int = DEFAULT_MAX_AGE_YEARS


def backup_folder(db_path: Path) -> Path:
    return Path(db_path).parent / FOLDER


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(Path(db_path).stem)
        + r"-(?P<day>\d{8})-(?P<time>\d{6})-(?P<label>[a-z0-9-]+?)(?:-(?P<n>\d{1,3}))?"
        + re.escape(SUFFIX)
        + "$"
    )


def _reason(label: str) -> str | None:
    if label in REASONS:
        return label
    if _LABEL.match(label):
        return "migration"
    return None


def list_backups(db_path: Path) -> list[Backup]:
    """The finished backups of ``db_path``, newest first (temporary files are not backups)."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    clean_stale_temporaries(db_path)
    pattern = _pattern(db_path)
    found = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if not match or not entry.is_file():
            continue
        label = match["label"]
        if match["n"] and _reason(label) is None:  # "avant-0005" read as label "avant", n 0005
            label = f"{label}-{match['n']}"
        reason = _reason(label)
        if reason is None:
            continue
        try:
            taken_at = datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(Backup(entry, taken_at, size, reason))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def clean_stale_temporaries(db_path: Path) -> int:
    """Remove the temporary files left by backups that were interrupted; how many."""
    folder = backup_folder(db_path)
    removed = 0
    if not folder.is_dir():
        return 0
    prefix = f".{Path(db_path).stem}-"
    for entry in folder.iterdir():
        if entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX):
            if _in_progress(entry):
                continue  # another program's backup, being written now
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
    return removed


def _in_progress(entry: Path) -> bool:
    """A temporary file written by a backup still running in another live process of this
    machine (its name carries the process id): two imports may back up at once."""
    parts = entry.name[: -len(TEMP_SUFFIX)].rsplit(".", 1)
    if len(parts) != 2 or not parts[1].startswith("p") or not parts[1][1:].isdigit():
        return False
    pid = int(parts[1][1:])
    from clauses_app.storage.presence import _alive

    return pid == os.getpid() or _alive(pid)


def take_backup(
    db_path: Path,
    reason: str,
    *,
    policy: BackupPolicy | None = None,
    now: datetime | None = None,
) -> Path:
    """Copy the live database ``db_path`` into its backups folder and rotate the others.

    The copy uses SQLite's online backup API (consistent even while the file is in use), is
    written under a temporary name, checked, then renamed. ``reason`` is a key of
    :data:`REASONS` or ``avant-NNNN`` (before migration NNNN). ``policy`` defaults to the
    database's own settings. Raises :class:`BackupError` (French) when it cannot be done.
    """
    db_path = Path(db_path)
    if _reason(reason) is None:
        raise ValueError(f"unknown backup reason {reason!r}")
    folder = backup_folder(db_path)
    paths.private_folder(folder)
    clean_stale_temporaries(db_path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}-{reason}{SUFFIX}"
    counter = 2
    while target.exists():
        target = folder / f"{db_path.stem}-{stamp}-{reason}-{counter}{SUFFIX}"
        counter += 1
    # Named after this process and unique in it: concurrent backups never share one.
    temp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.p{os.getpid()}{TEMP_SUFFIX}"
    try:
        paths.create_private_file(temp)
        copy_sqlite(db_path, temp)
        problem = check_database_file(temp)
        if problem:
            raise BackupError(f"La copie de sauvegarde est invalide : {problem}")
        _fsync(temp)
        os.replace(temp, target)
        _fsync(folder)
    except (OSError, sqlite3.Error) as exc:
        _remove(temp)
        raise BackupError(
            f"Impossible de sauvegarder la base « {db_path} » : {_why(exc)}."
        ) from exc
    except BaseException:
        _remove(temp)
        raise
    log.info("Database backed up to %s (%s)", target, reason)
    rotate_backups(db_path, policy or read_policy(db_path), now=now)
    return target


def backup_before_change(db_path: Path | None, reason: str) -> Path | None:
    """Back up an SQLite file before a change (``import``, ``purge``…); None when there is
    no file (PostgreSQL, memory) or it is still empty. Raises :class:`BackupError`."""
    if db_path is None or not Path(db_path).is_file() or Path(db_path).stat().st_size == 0:
        return None
    return take_backup(Path(db_path), reason)


def took_backup_on(db_path: Path, day: date) -> bool:
    """Whether a backup of ``db_path`` was taken on ``day`` (for the first start of a day)."""
    return any(b.taken_at.date() == day for b in list_backups(db_path))


def daily_backup(db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Take the day's backup unless one was already taken today (any reason)."""
    now = now or datetime.now()
    db_path = Path(db_path)
    if not db_path.is_file() or db_path.stat().st_size == 0 or took_backup_on(db_path, now.date()):
        return None
    return take_backup(db_path, "quotidienne", now=now)


def rotate_backups(
    db_path: Path, policy: BackupPolicy, *, now: datetime | None = None
) -> list[Path]:
    """Keep ``keep`` backups at most, none older than ``max_age_years``: the newest of each
    reason first, then the newest of the others. Ten tries of a refused import, each backed up
    before, once left only « avant un import » copies: the day's and the user's own were gone."""
    now = now or datetime.now()
    oldest = _years_before(now, policy.max_age_years)
    backups = list_backups(db_path)  # the newest first
    fresh = [b for b in backups if b.taken_at >= oldest]
    newest_of_reason: dict[str, Backup] = {}
    for backup in fresh:
        newest_of_reason.setdefault(backup.reason, backup)
    room = max(policy.keep, 1)
    kept = list(newest_of_reason.values())[:room]
    kept += [b for b in fresh if b not in kept][: room - len(kept)]
    removed = []
    for backup in backups:
        if backup not in kept:
            _remove(backup.path)
            removed.append(backup.path)
    return removed


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def read_policy(db_path: Path) -> BackupPolicy:
    """The rotation settings stored in the database (defaults when absent or unreadable)."""
    values: dict[str, object] = {}
    with contextlib.suppress(sqlite3.Error, OSError, ValueError, TypeError):
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                "SELECT key, value FROM setting WHERE key IN ('backup_keep', 'retention_years')"
            ).fetchall()
        finally:
            connection.close()
        values = {key: json.loads(v) if isinstance(v, str) else v for key, v in rows}
    policy = BackupPolicy()
    try:
        keep = int(values.get("backup_keep", policy.keep))  # type: ignore[call-overload]
        years = int(values.get("retention_years", policy.max_age_years))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return policy
    return BackupPolicy(keep=max(keep, 1), max_age_years=max(years, 0))


def check_database_file(path: Path) -> str | None:
    """Why ``path`` is not a sound Clauses database (French), or None when it is.

    Checks the SQLite header, ``PRAGMA quick_check`` and the schema version table.
    """
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        return f"fichier illisible ({_why(exc)})"
    if header != b"SQLite format 3\x00":
        return "ce n'est pas une base SQLite"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()
            if not result or result[0] != "ok":
                return "la vérification d'intégrité a échoué"
            version = None
            if _has_table(connection, "alembic_version"):
                version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return "la vérification d'intégrité a échoué"
    if not version:
        return "ce n'est pas une base Clauses"
    return None


def restore_backup(db_path: Path, backup: Backup | Path) -> Path:
    """Replace the database ``db_path`` by a backup; the path of the copy of the old one.

    The backup must pass its integrity check and be a Clauses database, or nothing changes
    (:class:`BackupError`, French). The current database is first backed up (reason
    ``restauration``); the purges it recorded are applied again to the restored copy, so a
    participant purged since the backup is not brought back. The database must be closed
    (no open connection) while it is replaced; its schema is upgraded when next opened.
    """
    db_path = Path(db_path)
    source = backup.path if isinstance(backup, Backup) else Path(backup)
    if not source.is_file():
        raise BackupError(f"La sauvegarde « {source} » n'existe pas.")
    problem = check_database_file(source)
    if problem:
        raise BackupError(
            f"La sauvegarde « {source.name} » ne peut pas être restaurée : {problem} ; "
            "la base actuelle n'a pas été modifiée."
        )
    folder = db_path.parent
    temp = folder / f".{db_path.name}-restauration{TEMP_SUFFIX}"
    _remove(temp)
    try:
        paths.create_private_file(temp)
        copy_sqlite(source, temp)
        if db_path.is_file() and db_path.stat().st_size > 0:
            purges = purge_entries(db_path)
            reapply_purges(temp, purges, reference=db_path)
            kept = take_backup(db_path, "restauration")
        else:
            kept = None
        problem = check_database_file(temp)
        if problem:
            raise BackupError(f"La copie restaurée est invalide : {problem}.")
        for journal in ("-journal", "-wal", "-shm"):
            _remove(Path(f"{db_path}{journal}"))
        os.replace(temp, db_path)
        _fsync(folder)
    except (OSError, sqlite3.Error) as exc:
        _remove(temp)
        raise BackupError(
            f"Impossible de restaurer « {source.name} » : {_why(exc)} ; "
            "la base actuelle n'a pas été modifiée."
        ) from exc
    except BaseException:
        _remove(temp)
        raise
    log.info("Database %s restored from %s (previous copy: %s)", db_path, source, kept)
    return kept or db_path


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (the online backup API), read-only on the source."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


# --- Purges applied to copies ----------------------------------------------------------------

_PURGE_COLUMNS = (
    "uuid", "created_at", "updated_at", "run_at", "reference_date", "reason",
    "retention_years", "purged", "participants",
)  # fmt: skip


def purge_entries(db_path: Path) -> list[dict[str, object]]:
    """The rows of the purge log (``privacy_purge``) of a database file, as stored."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        if not _has_table(connection, "privacy_purge"):
            return []
        rows = connection.execute(f"SELECT {', '.join(_PURGE_COLUMNS)} FROM privacy_purge")
        return [dict(zip(_PURGE_COLUMNS, row, strict=True)) for row in rows]
    finally:
        connection.close()


def purged_uuids(entries: Iterable[dict[str, object]]) -> set[str]:
    """The participants' UUIDs (32 hex digits, as SQLite stores them) named by purge entries."""
    found: set[str] = set()
    for entry in entries:
        with contextlib.suppress(TypeError, ValueError):
            named = json.loads(str(entry["participants"]))
            found.update(str(u).replace("-", "").lower() for u in named)
    return found


_PERSON_COLUMNS = (
    "last_name", "first_name", "birth_date", "external_id", "address", "postal_code", "city",
    "notes", "archived",
)  # fmt: skip


def reapply_purges(
    copy: Path, entries: list[dict[str, object]], reference: Path | None = None
) -> int:
    """Erase again, in the database file ``copy``, every participant the purge ``entries``
    name; add the entries it lacks to its purge log. How many participants were changed.

    The erased values are taken from ``reference`` (the database where the purge ran) when the
    participant is there; otherwise the name becomes the purge's pseudonym and the birth date
    the 1st of January of its year. Free pages are wiped (``secure_delete`` and ``VACUUM``).
    """
    people = purged_uuids(entries)
    if not people:
        return 0
    return _erase_in_file(copy, people, reference, entries)


def _has_traces(connection: sqlite3.Connection, person: str) -> bool:
    evidence = connection.execute(
        "SELECT 1 FROM participant_criterion WHERE participant_uuid = ? AND evidence IS NOT NULL",
        (person,),
    ).fetchone()
    source = connection.execute(
        "SELECT 1 FROM hours_record WHERE source IS NOT NULL AND employment_uuid IN "
        "(SELECT uuid FROM employment WHERE participant_uuid = ?)",
        (person,),
    ).fetchone()
    history = (
        _has_table(connection, "record_history")
        and connection.execute(
            "SELECT 1 FROM record_history WHERE participant_uuid = ? AND (table_name IN "
            "('participant', 'participant_criterion') OR json_extract(changes, '$.source.old') "
            "IS NOT NULL OR json_extract(changes, '$.source.new') IS NOT NULL)",
            (person,),
        ).fetchone()
    )
    return bool(evidence or source or history)


def _erased_values(reference: Path, people: set[str]) -> dict[str, tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{reference}?mode=ro", uri=True)
    try:
        found = {}
        query = f"SELECT uuid, {', '.join(_PERSON_COLUMNS)} FROM participant"
        for row in connection.execute(query):
            if row[0] in people:
                found[row[0]] = tuple(row[1:])
        return found
    finally:
        connection.close()


def _fallback_erasure(person: str, birth_date: object) -> tuple[object, ...]:
    import hashlib
    import uuid

    code = hashlib.sha256(uuid.UUID(person).bytes).hexdigest()[:6].upper()
    birth = f"{str(birth_date)[:4]}-01-01" if birth_date else None
    return ("Anonyme", code, birth, None, None, None, None, None, 1)


def _merge_log(connection: sqlite3.Connection, entries: list[dict[str, object]]) -> None:
    if not entries:
        return
    if not _has_table(connection, "privacy_purge"):
        raise BackupError(
            "Cette sauvegarde est antérieure au journal des purges : elle ne peut pas être "
            "restaurée sans ramener des personnes purgées depuis."
        )
    present = {row[0] for row in connection.execute("SELECT uuid FROM privacy_purge")}
    for entry in entries:
        if entry["uuid"] in present:
            continue
        connection.execute(
            f"INSERT INTO privacy_purge ({', '.join(_PURGE_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in _PURGE_COLUMNS)})",
            tuple(entry[c] for c in _PURGE_COLUMNS),
        )


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    return bool(
        connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
    )


def scrub_backups(db_path: Path, purged: Iterable[object]) -> tuple[int, int]:
    """After a purge of ``db_path``: erase the purged participants from every backup of it.

    Each backup that holds one of them is rewritten (values copied from ``db_path``, free
    pages wiped); a backup that cannot be rewritten is deleted. Returns (rewritten, deleted).
    """
    people = {str(u).replace("-", "").lower() for u in purged}
    rewritten = deleted = 0
    if not people:
        return 0, 0
    for backup in list_backups(db_path):
        try:
            changed = _erase_in_file(backup.path, people, db_path, [])
        except (sqlite3.Error, OSError, BackupError) as exc:
            log.warning("Backup %s could not be rewritten (%s): deleted", backup.path, exc)
            _remove(backup.path)
            deleted += 1
            continue
        rewritten += bool(changed)
    return rewritten, deleted


def _erase_in_file(
    path: Path, people: set[str], reference: Path | None, entries: list[dict[str, object]]
) -> int:
    """Erase ``people`` in the database file ``path`` in one transaction, merge ``entries``
    into its purge log, then VACUUM with ``secure_delete`` on; how many were changed."""
    erased = _erased_values(reference, people) if reference else {}
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("BEGIN IMMEDIATE")
        changed = 0
        for person in sorted(people):
            row = connection.execute(
                f"SELECT {', '.join(_PERSON_COLUMNS)} FROM participant WHERE uuid = ?", (person,)
            ).fetchone()
            if row is None:
                continue
            values = erased.get(person) or _fallback_erasure(person, row[2])
            if tuple(row) == values and not _has_traces(connection, person):
                continue
            _erase_row(connection, person, values)
            changed += 1
        _merge_log(connection, entries)
        connection.execute("COMMIT")
        if changed:
            connection.execute("VACUUM")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    return changed


def _erase_row(connection: sqlite3.Connection, person: str, values: tuple[object, ...]) -> None:
    connection.execute(
        f"UPDATE participant SET {', '.join(c + ' = ?' for c in _PERSON_COLUMNS)} WHERE uuid = ?",
        (*values, person),
    )
    connection.execute(
        "UPDATE participant_criterion SET evidence = NULL WHERE participant_uuid = ?", (person,)
    )
    connection.execute(
        "UPDATE hours_record SET source = NULL WHERE employment_uuid IN "
        "(SELECT uuid FROM employment WHERE participant_uuid = ?)",
        (person,),
    )
    if _has_table(connection, "record_history"):  # schema 0009 and later
        _erase_history(connection, person)


def _erase_history(connection: sqlite3.Connection, person: str) -> None:
    """As services/history.erase_person: the person's participant and criteria rows go, the
    personal values of their other rows are blanked."""
    from clauses_app.models.history import blank_personal_values  # SQLAlchemy: only here

    connection.execute(
        "DELETE FROM record_history WHERE participant_uuid = ? "
        "AND table_name IN ('participant', 'participant_criterion')",
        (person,),
    )
    rows = connection.execute(
        "SELECT id, changes FROM record_history WHERE participant_uuid = ?", (person,)
    ).fetchall()
    for row_id, text in rows:
        changes = json.loads(text)
        if any(c.get("personal") for c in changes.values()):
            blanked = json.dumps(blank_personal_values(changes))
            connection.execute(
                "UPDATE record_history SET changes = ? WHERE id = ?", (blanked, row_id)
            )


# --- Small helpers ---------------------------------------------------------------------------


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
        path.unlink()


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk; best effort (folders on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
