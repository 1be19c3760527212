"""Connecting to a territory's shared PostgreSQL database as a person does it: a server, a
port, a database, a user, a TLS mode, and a password kept in the operating system's credential
store (``keyring``: Windows Credential Manager, macOS Keychain, the Secret Service on Linux),
never in a settings file.

Qt-free: the window's « Se connecter à la base d'équipe… » dialog (ui/team_connect_dialog.py)
and ``clauses connect`` (cli/connect.py) both call it.

- :class:`TeamConnection`: the non-secret half (what the recent connections remember), its
  SQLAlchemy URL, the key of its password in the credential store;
- saved connections: a JSON file in the user's config folder, the latest first; a saved one is
  opened by name with ``--db team:NOM`` (:func:`saved_url`);
- :func:`check_server`: one connection that proves the server answers, accepts the password,
  speaks TLS as asked, runs PostgreSQL 13 or newer and holds a Clauses schema this
  application can use; every refusal is :class:`TeamConnectionError`, one French sentence
  (:func:`describe_failure` words the driver's errors).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from clauses_app import paths
from clauses_app.storage import migrate
from clauses_app.storage.database import DatabaseError

log = logging.getLogger(__name__)

TEAM_PREFIX = "team:"  # --db team:NOM
SSL_MODES = ("disable", "prefer", "require", "verify-ca", "verify-full")
VERIFYING_MODES = ("verify-ca", "verify-full")
DEFAULT_PORT = 5432
DEFAULT_SSL_MODE = "verify-full"
MINIMUM_SERVER = 130000  # PostgreSQL 13 (server_version_num)
CONNECT_TIMEOUT_S = 8
KEYRING_SERVICE = "Clauses (base d'équipe)"
SAVED_FILE = "team-connections.json"
SAVED_COUNT = 12


class TeamConnectionError(DatabaseError):
    """A team database cannot be reached or used; the message is one French sentence."""


class PasswordStoreError(Exception):
    """The operating system's credential store cannot keep or give the password."""


@dataclass(frozen=True)
class TeamConnection:
    """Where a team database is and who connects: everything but the password."""

    name: str
    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str = DEFAULT_SSL_MODE
    sslrootcert: str = ""  # the certificate authority's file, for verify-ca / verify-full

    def checked(self) -> TeamConnection:
        """The same connection with its fields trimmed; refuses what cannot work, in French."""
        value = replace(
            self, name=self.name.strip() or self.database.strip(), host=self.host.strip(),
            database=self.database.strip(), user=self.user.strip(),
            sslrootcert=self.sslrootcert.strip(),
        )  # fmt: skip
        for label, text_value in (
            ("le serveur", value.host), ("la base", value.database), ("l'utilisateur", value.user),
        ):  # fmt: skip
            if not text_value:
                raise TeamConnectionError(f"Indiquez {label} de la connexion.")
        if not 1 <= value.port <= 65535:
            raise TeamConnectionError(f"Le port {value.port} n'existe pas (de 1 à 65535).")
        if value.sslmode not in SSL_MODES:
            raise TeamConnectionError(
                f"Mode TLS inconnu : « {value.sslmode} » ({', '.join(SSL_MODES)})."
            )
        if value.sslmode in VERIFYING_MODES:
            if not value.sslrootcert:
                raise TeamConnectionError(
                    f"Le mode TLS « {value.sslmode} » vérifie le certificat du serveur : "
                    "indiquez le fichier de l'autorité de certification (fourni par "
                    "l'administrateur du serveur)."
                )
            if not Path(value.sslrootcert).is_file():
                raise TeamConnectionError(
                    f"Le fichier de l'autorité de certification « {value.sslrootcert} » est "
                    "introuvable."
                )
        return value

    @classmethod
    def from_url(cls, url: str) -> TeamConnection:
        """The connection a PostgreSQL URL names (``--db``, ``CLAUSES_DB``), to word its
        failures like the window's."""
        parsed = make_url(url)
        query = {key: str(value) for key, value in parsed.query.items()}
        return cls(
            name=parsed.database or "", host=parsed.host or "localhost",
            database=parsed.database or "", user=parsed.username or "",
            port=parsed.port or DEFAULT_PORT, sslmode=query.get("sslmode", "prefer"),
            sslrootcert=query.get("sslrootcert", ""),
        )  # fmt: skip

    @property
    def address(self) -> str:
        """« marie@serveur.local:5432/clauses_nantes »: what the person recognises."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    @property
    def password_key(self) -> str:
        """The password's name in the credential store (one per user, server and base)."""
        return self.address

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL (psycopg), the password in it only when given."""
        query = {"sslmode": self.sslmode, "connect_timeout": str(CONNECT_TIMEOUT_S),
                 "application_name": "Clauses"}  # fmt: skip
        if self.sslmode in VERIFYING_MODES and self.sslrootcert:
            query["sslrootcert"] = self.sslrootcert
        url = URL.create(
            "postgresql+psycopg", username=self.user, password=password or None,
            host=self.host, port=self.port, database=self.database, query=query,
        )  # fmt: skip
        return url.render_as_string(hide_password=False)


# --- the password, in the operating system's credential store ------------------------------


def read_password(connection: TeamConnection) -> str | None:
    """The stored password, or None (none stored, or no credential store on this computer)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, connection.password_key)
    except KeyringError as exc:
        log.warning("Credential store unreadable: %s", exc)
        return None


def store_password(connection: TeamConnection, password: str) -> None:
    """Keep the password in the credential store; :class:`PasswordStoreError` when there is
    none usable (the connection still works: the password is asked each time)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, connection.password_key, password)
    except KeyringError as exc:
        log.warning("Credential store refused the password: %s", exc)
        raise PasswordStoreError(
            "Le mot de passe n'a pas pu être mémorisé : aucun gestionnaire d'identifiants "
            "n'est disponible sur ce poste. Il sera demandé à chaque connexion."
        ) from exc


def forget_password(connection: TeamConnection) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, connection.password_key)
    except PasswordDeleteError:
        pass  # none was stored
    except KeyringError as exc:
        log.warning("Credential store: password not forgotten: %s", exc)


# --- saved connections (non-secret), the latest first --------------------------------------


def saved_file() -> Path:
    return paths.config_dir() / SAVED_FILE


def saved_connections() -> list[TeamConnection]:
    """The connections made lately, the latest first (a damaged file counts as none)."""
    path = saved_file()
    if not path.is_file():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [TeamConnection(**row) for row in rows if isinstance(row, dict)]
    except (OSError, ValueError, TypeError) as exc:
        log.warning("Saved team connections unreadable (%s): %s", path, exc)
        return []


def find_saved(name: str) -> TeamConnection | None:
    return next((c for c in saved_connections() if c.name == name), None)


def remember(connection: TeamConnection) -> None:
    """Put ``connection`` first among the saved ones (replacing one of the same name)."""
    kept = [c for c in saved_connections() if c.name != connection.name]
    _write([connection, *kept][:SAVED_COUNT])


def forget(name: str) -> TeamConnection | None:
    """Remove a saved connection and its stored password; the one removed, or None."""
    found = find_saved(name)
    if found is not None:
        _write([c for c in saved_connections() if c.name != name])
        forget_password(found)
    return found


def _write(connections: list[TeamConnection]) -> None:
    path = saved_file()
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump([asdict(c) for c in connections], out, ensure_ascii=False, indent=1)
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def saved_url(value: str) -> str:
    """The URL of ``team:NOM`` (``--db``), with the password from the credential store."""
    name = value.removeprefix(TEAM_PREFIX).strip()
    connection = find_saved(name)
    if connection is None:
        known = ", ".join(c.name for c in saved_connections()) or "aucune"
        raise TeamConnectionError(
            f"Aucune connexion d'équipe « {name} » n'est enregistrée sur ce poste "
            f"(enregistrées : {known}) ; créez-la avec « clauses connect »."
        )
    return connection.url(read_password(connection))


# --- checking a server before the window switches to it -----------------------------------


@dataclass(frozen=True)
class ServerCheck:
    """What one connection learnt: the server's version, the schema's, whether TLS is on."""

    server_version: int
    revision: str | None
    encrypted: bool


def check_server(connection: TeamConnection, password: str | None) -> ServerCheck:
    """Connect once and refuse, in French (:class:`TeamConnectionError`), a server that does
    not answer, a wrong password, a TLS failure, PostgreSQL older than 13, a database that is
    not a Clauses one (or still empty) and a schema newer than this application. Nothing is
    written. An older schema is left to the opening (the owner upgrades it, others are told)."""
    connection = connection.checked()
    engine = create_engine(connection.url(password), poolclass=NullPool)
    try:
        with engine.connect() as live:
            version = int(live.execute(text("SHOW server_version_num")).scalar_one())
            refuse_old_server(version, connection)
            encrypted = bool(live.execute(text(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            )).scalar())  # fmt: skip
            has_versions = live.execute(
                text("SELECT to_regclass('alembic_version') IS NOT NULL")
            ).scalar_one()
            tables = live.execute(text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            )).scalar_one()  # fmt: skip
            revision = (
                live.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if has_versions else None
            )  # fmt: skip
    except DBAPIError as exc:
        log.info("Team connection to %s failed", connection.address, exc_info=True)
        raise TeamConnectionError(describe_failure(exc, connection)) from exc
    finally:
        engine.dispose()
    refuse_schema(revision, int(tables), connection)
    return ServerCheck(version, revision, encrypted)


def refuse_old_server(version: int, connection: TeamConnection) -> None:
    if version < MINIMUM_SERVER:
        major = f"{version // 10000}" + ("" if version >= 100000 else f".{version // 100 % 100}")
        raise TeamConnectionError(
            f"Le serveur « {connection.host} » fait tourner PostgreSQL {major} : Clauses "
            "demande PostgreSQL 13 ou plus récent. Demandez à l'administrateur de mettre le "
            "serveur à jour."
        )


def refuse_schema(revision: str | None, tables: int, connection: TeamConnection) -> None:
    where = f"« {connection.database} » sur « {connection.host} »"
    if revision is None and tables:
        raise TeamConnectionError(
            f"La base {where} n'est pas une base Clauses (ses tables sont celles d'un autre "
            "logiciel) : vérifiez le nom de la base. Rien n'y a été écrit."
        )
    if revision is None:
        raise TeamConnectionError(
            f"La base {where} est vide : elle n'a pas encore été préparée pour Clauses. "
            "L'administrateur la prépare avec « clauses init » puis « clauses team init » "
            "(docs/team.md)."
        )
    if revision not in migrate.known_revisions():
        raise TeamConnectionError(
            f"La base {where} a été créée par une version plus récente de Clauses (schéma "
            f"{revision}) : mettez l'application à jour. La base n'a pas été modifiée."
        )


# The driver's words (libpq's, in English, and the server's, in English or in French) for
# each failure a person can meet, the first that matches wins.
_FAILURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "password",
            r"password authentication failed|authentification par mot de passe échouée",
        ),
        ("no_password", r"no password supplied|fe_sendauth"),
        (
            "refused",
            r"no pg_hba\.conf entry|pg_hba\.conf rejects|aucune entrée dans pg_hba\.conf|"
            r"pg_hba\.conf rejette",
        ),
        ("tls_name", r"does not match host name|ne correspond pas au nom d'hôte"),
        ("tls_unsupported", r"server does not support ssl"),
        (
            "tls_certificate",
            r"certificate verify failed|certificate verification failed|"
            r"ssl error|sslv3 alert|tlsv1 alert|root certificate",
        ),
        (
            "unknown_host",
            r"failed to resolve host|could not translate host name|"
            r"name or service not known|nodename nor servname",
        ),
        (
            "unreachable",
            r"connection refused|timeout expired|no route to host|"
            r"network is unreachable|could not connect|connection timed out",
        ),
        ("no_database", r"database \".*\" does not exist|base de données « .* » n'existe pas"),
        ("no_role", r"role \".*\" does not exist|le rôle « .* » n'existe pas"),
        ("no_access", r"permission denied|droit refusé"),
    )
)


def failure_kind(exc: BaseException) -> str | None:
    """Which of :data:`_FAILURES` the driver's message says, or None."""
    original = getattr(exc, "orig", None) or exc
    message = str(original)
    return next((kind for kind, pattern in _FAILURES if pattern.search(message)), None)


def describe_failure(exc: BaseException, connection: TeamConnection) -> str:
    """One French sentence for a failed connection (the driver's text goes to the log)."""
    server = f"« {connection.host} » (port {connection.port})"
    base = f"« {connection.database} »"
    kind = failure_kind(exc)
    messages: dict[str | None, str] = {
        "password": f"Mot de passe refusé pour l'utilisateur « {connection.user} » sur la base "
        f"{base} : vérifiez-le (majuscules, clavier), ou demandez à l'administrateur de le "
        "changer.",
        "no_password": f"Le serveur {server} demande le mot de passe de « {connection.user} » "
        "pour la base " + base + " : saisissez-le.",
        "refused": f"Le serveur {server} refuse que « {connection.user} » se connecte à la base "
        f"{base} depuis ce poste, ou sans chiffrement : choisissez un mode TLS qui chiffre "
        "(require ou plus), ou demandez à l'administrateur d'ouvrir l'accès (pg_hba.conf).",
        "tls_certificate": f"La connexion chiffrée (TLS) avec {server} a échoué : le "
        "certificat du serveur n'est pas signé par l'autorité de certification indiquée "
        f"(« {connection.sslrootcert or 'aucune'} »). Vérifiez ce fichier avec "
        "l'administrateur du serveur.",
        "tls_name": f"La connexion chiffrée (TLS) avec {server} a échoué : le certificat du "
        f"serveur ne porte pas le nom « {connection.host} ». Utilisez le nom exact du serveur "
        "(celui du certificat), ou le mode « verify-ca ».",
        "tls_unsupported": f"Le serveur {server} n'accepte pas les connexions chiffrées "
        f"(TLS), que le mode « {connection.sslmode} » exige : demandez à l'administrateur "
        "d'activer TLS sur le serveur (docs/team.md).",
        "unknown_host": f"Le serveur « {connection.host} » est introuvable : vérifiez son nom "
        "et que ce poste est sur le réseau du territoire (ou son VPN).",
        "unreachable": f"Le serveur {server} ne répond pas : vérifiez son nom et le port, que "
        "ce poste est sur le réseau du territoire (ou son VPN), et que le serveur est démarré.",
        "no_database": f"La base {base} n'existe pas sur le serveur « {connection.host} » : "
        "vérifiez son nom.",
        "no_role": f"L'utilisateur « {connection.user} » n'existe pas sur le serveur "
        f"« {connection.host} » : vérifiez-le, ou demandez à l'administrateur de le créer.",
        "no_access": f"L'utilisateur « {connection.user} » n'a pas accès à la base {base} : "
        "demandez à l'administrateur de l'ajouter à l'équipe (clauses team add-user).",
    }
    return messages.get(kind) or (
        f"Connexion impossible à la base {base} sur {server}. Le détail est dans le journal "
        "de l'application."
    )
