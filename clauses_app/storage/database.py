"""Opening a database: resolve its URL, check it, back it up, migrate it, hand out sessions."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from clauses_app import paths
from clauses_app.storage import lengths, migrate
from clauses_app.storage.backup import BackupError, take_backup
from clauses_app.storage.engine import WRITES, create_app_engine
from clauses_app.storage.errors import DatabaseReadOnlyError, is_permission_denied
from clauses_app.storage.presence import other_presence

log = logging.getLogger(__name__)


class DatabaseError(Exception):
    """A database cannot be used; the message is one sentence for a person (in French)."""


class DatabaseUnreachableError(DatabaseError):
    pass


class DatabaseNewerError(DatabaseError):
    pass


class DatabaseInUseError(DatabaseError):
    """The schema must be upgraded but another program has the file open."""


def resolve_url(db: str | None = None) -> str:
    """``--db`` first (a URL, a file path, or ``team:NOM``: a team connection saved with
    ``clauses connect``, its password from the credential store), then ``CLAUSES_DB``, then
    the embedded default."""
    value = db or os.environ.get(paths.DB_ENV)
    if not value:
        return f"sqlite:///{paths.default_database_path()}"
    if value.startswith("team:"):
        from clauses_app.storage.team_connection import saved_url

        return saved_url(value)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


JOURNALS = ("-journal", "-wal", "-shm")


def _make_private_database(path: Path) -> None:
    """Create a new database file owner-only (SQLite gives its journals the file's mode);
    tighten an existing one and its journals, made by an earlier version 0644."""
    if not path.exists():
        paths.create_private_file(path)
        return
    for name in (str(path), *(f"{path}{suffix}" for suffix in JOURNALS)):
        paths.make_private(Path(name))


def _check_sqlite_file(path: Path) -> None:
    """Refuse, without writing to it, a file that is not a SQLite database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise DatabaseError(
            f"Le fichier « {path} » n'est pas une base de données Clauses (SQLite)."
        )


@dataclass
class Database:
    """An open, migrated database: its engine and a session factory."""

    url: str
    engine: Engine
    session_factory: sessionmaker[Session] = field(init=False)
    backup_path: Path | None = None
    created: bool = False  # a new SQLite file was made by this opening
    read_only: bool = False  # see set_read_only
    # PostgreSQL: the server process ids of this database's connections (storage/changes.py:
    # their change notifications are this application's own).
    backend_pids: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        lengths.install(self.session_factory)  # both databases refuse an overlong text alike
        if self.engine.dialect.name == "postgresql":
            from clauses_app.storage.changes import track_backends

            self.backend_pids = track_backends(self.engine)
        if self.engine.dialect.name == "sqlite":
            # PostgreSQL's triggers write the history there (migration 0009); never twice.
            from clauses_app.storage import history

            history.install(self.session_factory)

    @property
    def file_path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def display_name(self) -> str:
        return database_label(self.url)

    def session(self) -> Session:
        return self.session_factory()

    def reading_session(self) -> Session:
        """A session for reads that must all see one state of the data (a screen's figures,
        its years and choices): on PostgreSQL its transaction is REPEATABLE READ, so that its
        statements, and connections beside it that import its snapshot
        (storage.connections), read the same snapshot; on SQLite a plain session, whose
        read lock does the same."""
        session = self.session_factory()
        if self.engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole on success, rolled back whole on any error.

        On SQLite it takes the write lock as it begins (``BEGIN IMMEDIATE``, see
        storage/engine.py): a second writer waits for it, up to the busy timeout."""
        if self.read_only:
            raise DatabaseReadOnlyError
        with self.session_factory() as session, session.begin():
            session.connection(execution_options={WRITES: True})
            yield session

    def set_read_only(self) -> None:
        """From now on refuse every write: :meth:`transaction` raises
        :class:`DatabaseReadOnlyError` (a French sentence), and SQLite connections refuse
        writes themselves (``PRAGMA query_only``)."""
        self.read_only = True
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _query_only)
            self.engine.dispose()  # pooled connections made before would still write

    def compact(self) -> None:
        """Rewrite the database so that deleted or overwritten values leave no trace in its
        free pages (after an erasure of personal data). SQLite: VACUUM; PostgreSQL: VACUUM
        FULL would lock the shared tables, so plain VACUUM marks the space reusable."""
        if self.engine.dialect.name == "sqlite":
            # The driver runs in autocommit (storage/engine.py emits BEGIN itself on begin
            # events): on the raw connection, VACUUM runs outside any transaction.
            raw = self.engine.raw_connection()
            try:
                raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
            finally:
                raw.close()
            return
        with self.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM")

    def dispose(self) -> None:
        self.engine.dispose()


def _query_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA query_only=ON")


def open_database(db: str | None = None, *, migrate_schema: bool = True) -> Database:
    """Open (creating or upgrading as needed) the database named by ``db``.

    Raises :class:`DatabaseError` subclasses with a French message when the database cannot be
    used: unreachable, not a SQLite file, or a schema newer than this application. In each of
    those cases nothing is written to it.
    """
    url = resolve_url(db)
    path = sqlite_path(url)
    created = path is not None and not path.exists()
    if path is not None:
        if path.is_dir():
            raise DatabaseError(f"« {path} » est un dossier, pas une base de données.")
        _check_sqlite_file(path)
        try:
            paths.private_folder(path.parent, own=False)
            _make_private_database(path)
        except OSError as exc:
            raise DatabaseUnreachableError(
                f"Impossible de créer le dossier de la base « {path.parent} » : {exc.strerror}."
            ) from exc
    try:
        engine = create_app_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnreachableError(f"Adresse de base de données invalide : {url}.") from exc
    except ImportError as exc:
        raise DatabaseUnreachableError(
            f"Le pilote de cette base n'est pas installé ({exc.name}) : {database_label(url)}."
        ) from exc
    try:
        database = Database(url, engine, created=created)
        if migrate_schema:
            database.backup_path = _bring_to_head(database)
        else:
            _ping(engine)
        return database
    except DatabaseError:
        engine.dispose()
        raise
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        if engine.dialect.name == "postgresql":  # worded like the connection dialog's
            from clauses_app.storage.team_connection import TeamConnection, describe_failure

            log.info("Connection to %s failed", database_label(url), exc_info=True)
            message = describe_failure(exc, TeamConnection.from_url(url))
            raise DatabaseUnreachableError(message) from exc
        raise DatabaseUnreachableError(
            f"Base de données inaccessible ({database_label(url)}) : {_first_line(exc)}"
        ) from exc


def database_label(url: str) -> str:
    """The file of an SQLite database; « user@server:port/base » for a server's (never the
    password, nor the connection's options)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" or not parsed.host:
        return parsed.render_as_string(hide_password=True)
    user = f"{parsed.username}@" if parsed.username else ""
    port = f":{parsed.port}" if parsed.port else ""
    return f"{user}{parsed.host}{port}/{parsed.database or ''}"


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _bring_to_head(database: Database) -> Path | None:
    """Create or upgrade the schema; back up a file database before changing it. An SQLite
    file that another program has open (its lock file, storage/presence.py) is not upgraded."""
    engine = database.engine
    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current == head:
        return None
    if current is not None and current not in migrate.known_revisions():
        raise DatabaseNewerError(
            "Cette base de données a été créée par une version plus récente de Clauses "
            f"(schéma {current}) : mettez l'application à jour. La base n'a pas été modifiée."
        )
    if current is None and migrate.has_user_tables(engine):
        raise DatabaseError(
            f"La base « {database.display_name} » contient des tables qui ne sont pas celles "
            "de Clauses : elle n'a pas été modifiée."
        )
    backup_path = None
    path = database.file_path
    holder = other_presence(path) if current is not None and path is not None else None
    if holder is not None:  # never change the tables under the feet of someone using them
        raise DatabaseInUseError(
            f"La base « {path} » doit être mise à jour pour cette version de Clauses, mais "
            f"elle est ouverte par {holder.describe()} : la mise à jour se fera quand elle "
            "sera fermée. La base n'a pas été modifiée."
        )
    if current is not None and path is not None:
        try:
            backup_path = take_backup(path, f"avant-{head}")
        except BackupError as exc:
            raise DatabaseError(f"{exc} La base n'a pas été mise à jour.") from exc
        log.info("Database backed up to %s before migration to %s", backup_path, head)
    try:
        migrate.upgrade(engine)
    except DBAPIError as exc:
        if not is_permission_denied(exc):
            raise
        raise DatabaseError(
            f"Le schéma de la base d'équipe « {database.display_name} » (version "
            f"{current or 'aucune'}) doit être mis à jour vers la version {head} de cette "
            "application, et seul son propriétaire peut le faire : demandez à "
            "l'administrateur de la base de lancer la mise à jour (docs/team.md). La base n'a "
            "pas été modifiée."
        ) from exc
    return backup_path
