"""Database errors a person can meet, each in one French sentence (never the driver's text).

The window (ui/errors.py), the command line (cli/) and the imports' reports call
:func:`describe_database_error`; the driver's own message goes to the log only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from clauses_app.storage.lengths import TextTooLongError
from clauses_app.storage.presence import other_presence

OTHERS = "un autre programme (une autre fenêtre de Clauses, une sauvegarde ou une synchronisation)"
# PostgreSQL SQLSTATE classes and codes.
PG_LOCK = ("55P03", "40001", "40P01")  # lock not available, serialization, deadlock
PG_CONNECTION = ("08", "57P01", "57P02", "57P03")  # connection exceptions, admin shutdown
PG_UNIQUE, PG_FOREIGN_KEY, PG_NOT_NULL, PG_CHECK = "23505", "23503", "23502", "23514"
PG_INSUFFICIENT_PRIVILEGE = "42501"  # a role's grants or a row-level security policy


class DatabaseReadOnlyError(Exception):
    """A write was asked of a database opened read-only."""

    def __init__(self) -> None:
        super().__init__(
            "La base est ouverte en lecture seule (quelqu'un d'autre l'utilise) : rien n'a été "
            "enregistré. Fermez et rouvrez-la quand elle sera libre."
        )


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, DBAPIError) and current.orig is not None:
            yield current.orig
        current = current.__cause__ or current.__context__


def _sqlstate(error: BaseException) -> str:
    return str(getattr(error, "sqlstate", None) or getattr(error, "pgcode", None) or "")


def is_busy(error: BaseException) -> bool:
    """Another program holds the database's lock (after the busy timeout)."""
    for item in _chain(error):
        text = str(item).lower()
        if "database is locked" in text or "database is busy" in text:
            return True
        if _sqlstate(item) in PG_LOCK:
            return True
    return False


def is_connection_lost(error: BaseException) -> bool:
    for item in _chain(error):
        if isinstance(item, DBAPIError) and item.connection_invalidated:
            return True
        state = _sqlstate(item)
        if state and state.startswith(PG_CONNECTION):
            return True
        text = str(item).lower()
        if any(words in text for words in (
            "server closed the connection", "connection refused", "could not connect",
            "terminating connection", "connection is closed", "consuming input failed",
            "disk i/o error", "unable to open database file",
        )):  # fmt: skip
            return True
    return False


def is_permission_denied(error: BaseException) -> bool:
    """PostgreSQL refused the connected role (its grants, or a row-level security policy
    of a team's database: docs/team.md)."""
    return any(_sqlstate(item) == PG_INSUFFICIENT_PRIVILEGE for item in _chain(error))


def busy_message(database_file: Path | None) -> str:
    """« La base est occupée par … ; réessayez » naming who has it open when known."""
    holder = other_presence(database_file) if database_file is not None else None
    who = holder.describe() if holder is not None else OTHERS
    return f"La base est occupée par {who} ; réessayez dans un instant."


def describe_database_error(error: BaseException, database_file: Path | None = None) -> str | None:
    """One French sentence for a database error a user can meet, or None when ``error`` is
    not one. ``database_file``: the SQLite file, to name who has it open when it is busy."""
    if any(isinstance(item, DatabaseReadOnlyError) for item in _chain(error)):
        return str(DatabaseReadOnlyError())
    too_long = next((i for i in _chain(error) if isinstance(i, TextTooLongError)), None)
    if too_long is not None:
        return str(too_long)
    if any(isinstance(item, StaleDataError) for item in _chain(error)):
        return (
            "Un enregistrement a été modifié ou supprimé par quelqu'un d'autre entre-temps : "
            "rien n'a été enregistré. Rouvrez-le et recommencez."
        )
    if is_busy(error):
        return busy_message(database_file)
    if is_connection_lost(error):
        return (
            "La connexion à la base de données a été perdue (réseau, serveur ou support "
            "débranché) : rien n'a été enregistré. Vérifiez la connexion, puis réessayez."
        )
    if is_permission_denied(error):
        return (
            "Votre rôle dans l'équipe ne permet pas cette opération (le dossier relève "
            "peut-être du portefeuille d'un autre facilitateur) : rien n'a été enregistré."
        )
    integrity = next((i for i in _chain(error) if isinstance(i, IntegrityError)), None)
    if integrity is not None:
        return _constraint_message(integrity)
    for item in _chain(error):
        text = str(item).lower()
        if "readonly database" in text or "read-only" in text:
            return str(DatabaseReadOnlyError())
        if "database or disk is full" in text or _sqlstate(item) == "53100":
            return "Le disque de la base de données est plein : rien n'a été enregistré."
        if "malformed" in text or "not a database" in text:
            return (
                "Le fichier de la base de données est endommagé : restaurez la dernière "
                "sauvegarde (dossier « backups » à côté de la base)."
            )
    if any(isinstance(item, DBAPIError | sqlite3.Error) for item in _chain(error)):
        return (
            "La base de données a refusé l'opération : rien n'a été enregistré. Le détail est "
            "dans le journal de l'application."
        )
    return None


def _constraint_message(error: IntegrityError) -> str:
    state = _sqlstate(error.orig) if error.orig is not None else ""
    text = str(error.orig).lower()
    done = " Rien n'a été enregistré."
    if state == PG_UNIQUE or "unique" in text:
        return (
            "La base refuse l'enregistrement : une valeur qui doit être unique est déjà "
            "utilisée par un autre enregistrement (peut-être ajouté entre-temps par "
            "quelqu'un d'autre)." + done
        )
    if state == PG_FOREIGN_KEY or "foreign key" in text:
        return (
            "La base refuse l'enregistrement : il désigne un enregistrement qui n'existe plus "
            "(supprimé entre-temps ?), ou il est encore utilisé ailleurs." + done
        )
    if state == PG_NOT_NULL or "not null" in text:
        return "La base refuse l'enregistrement : une valeur obligatoire manque." + done
    return "La base refuse l'enregistrement : une valeur est hors des limites permises." + done
