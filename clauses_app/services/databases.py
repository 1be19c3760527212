"""Database files as a person handles them: create a new one, open an existing one, save a
copy elsewhere, and whether a database has any record yet (the window's first run).

Each refusal is a :class:`~clauses_app.storage.DatabaseError` whose message is one French
sentence naming the file, raised before anything is written: a file that is not a Clauses
database, a database newer than the application, a folder where nothing can be written.
The window (Fichier menu) and the ``clauses`` command (``new-db``, ``copy-db``, ``connect``)
call these. A team's PostgreSQL database is reached with :func:`connect_team_database`
(storage/team_connection.py: the connection, its password in the credential store, the
server's checks).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from clauses_app.models import Company, ContractingAuthority, Participant, Setting
from clauses_app.services import bootstrap
from clauses_app.storage import Database, DatabaseError, team_connection
from clauses_app.storage.backup import check_database_file, copy_sqlite
from clauses_app.storage.team_connection import PasswordStoreError, ServerCheck, TeamConnection

SQLITE_SUFFIXES = (".sqlite3", ".sqlite", ".db")


def _read_only_folder(folder: Path) -> DatabaseError:
    return DatabaseError(
        f"Le dossier « {folder} » est en lecture seule : Clauses ne peut pas y enregistrer "
        "de base de données. Choisissez un dossier où vous pouvez écrire."
    )


def check_writable(path: Path) -> None:
    """Refuse a database file (existing or to be made) that could not be written: SQLite
    writes its journal beside the file, so the folder must be writable too."""
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseError(f"Le dossier « {folder} » n'existe pas.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _read_only_folder(folder)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(
            f"Le fichier « {path} » est en lecture seule : Clauses ne pourrait pas y "
            "enregistrer vos modifications. Copiez-le dans un dossier où vous pouvez écrire."
        )


def create_database(path: Path) -> Database:
    """A new, empty Clauses database at ``path`` (migrated, reference lists present).
    Refuses an existing file: a new database never replaces one."""
    path = Path(path).expanduser().absolute()
    if path.exists():
        raise DatabaseError(
            f"Le fichier « {path} » existe déjà : choisissez un autre nom, ou ouvrez-le avec "
            "« Ouvrir une base… »."
        )
    check_writable(path)
    return bootstrap.open_app_database(str(path))


def open_existing_database(path: Path) -> Database:
    """Open a Clauses database file that exists (upgraded, with a backup, when it is older
    than the application). Refuses, without writing to it, a missing file, a file that is not
    a Clauses database, a newer database and a file or folder that cannot be written."""
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        raise DatabaseError(f"« {path} » est un dossier, pas une base de données.")
    if not path.is_file():
        raise DatabaseError(f"Le fichier « {path} » n'existe pas.")
    if path.stat().st_size == 0:
        raise DatabaseError(f"Le fichier « {path} » est vide : ce n'est pas une base Clauses.")
    _refuse_other_files(path)
    check_writable(path)
    return bootstrap.open_app_database(str(path))


def _refuse_other_files(path: Path) -> None:
    """Refuse, reading it only, a file that is not an SQLite database made by Clauses (an
    SQLite file without Clauses' schema table would otherwise be given its tables)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
        if header != b"SQLite format 3\x00":
            raise DatabaseError(f"Le fichier « {path} » n'est pas une base de données Clauses.")
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"Le fichier « {path} » est illisible : {exc}.") from exc
    if not found:
        raise DatabaseError(f"Le fichier « {path} » n'est pas une base de données Clauses.")


@dataclass(frozen=True)
class TeamOpening:
    """A team database opened: the database, what the server check found, and a sentence
    when the password could not be kept in the credential store (None when all went well)."""

    database: Database
    connection: TeamConnection
    check: ServerCheck
    password_note: str | None = None


def connect_team_database(
    connection: TeamConnection, password: str | None, *, keep_password: bool = True
) -> TeamOpening:
    """Open a team's PostgreSQL database the way a file is opened: the server checked first
    (French refusals, nothing written: storage/team_connection.check_server), then opened
    (upgraded when the role owns the schema), remembered among the recent connections, and
    its password kept in the operating system's credential store when asked."""
    connection = connection.checked()
    check = team_connection.check_server(connection, password)
    database = bootstrap.open_app_database(connection.url(password))
    team_connection.remember(connection)
    note = None
    if keep_password and password:
        try:
            team_connection.store_password(connection, password)
        except PasswordStoreError as exc:
            note = str(exc)
    return TeamOpening(database, connection, check, note)


def save_copy(database: Database, target: Path) -> Path:
    """Write a consistent copy of an SQLite database to ``target`` (another file), whole or
    not at all: SQLite's online backup API into a temporary file of the target's folder,
    checked, then renamed. Refuses PostgreSQL, the database's own file, a read-only folder."""
    source = database.file_path
    if source is None:
        raise DatabaseError(
            "Seule une base SQLite (un fichier) peut être enregistrée en copie ; "
            "pour PostgreSQL, utilisez les sauvegardes du serveur."
        )
    target = Path(target).expanduser().absolute()
    if target.exists() and target.resolve() == source.resolve():
        raise DatabaseError("La copie doit être un autre fichier que la base ouverte.")
    if target.is_dir():
        raise DatabaseError(f"« {target} » est un dossier : donnez un nom de fichier.")
    check_writable(target)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    os.close(handle)  # mkstemp makes it the owner's only (0600): it holds personal data
    temp = Path(temp_name)
    try:
        copy_sqlite(source, temp)
        problem = check_database_file(temp)  # the backups' own check: integrity and schema
        if problem:
            raise DatabaseError(f"La copie de « {source} » est invalide : {problem}.")
        os.replace(temp, target)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"Impossible d'enregistrer la copie « {target} » : {exc}.") from exc
    finally:
        temp.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class FirstRun:
    """What a new user has done so far (the start page of an empty database)."""

    has_records: bool  # any authority, company or participant
    organisation_named: bool  # the structure's name saved in the database

    @property
    def is_empty(self) -> bool:
        return not self.has_records


def first_run_state(session: Session) -> FirstRun:
    """Whether the database holds records yet, and whether the organisation is named."""
    has_records = any(
        session.scalar(select(exists().select_from(model)))
        for model in (ContractingAuthority, Company, Participant)
    )
    stored = session.get(Setting, "organisation")
    value = stored.value if stored is not None else None
    named = isinstance(value, dict) and bool(str(value.get("name") or "").strip())
    return FirstRun(has_records=has_records, organisation_named=named)
