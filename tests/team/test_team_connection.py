"""Connecting to a team database: the French refusals (unreachable server, wrong password,
old server, a base that is not Clauses', a newer schema), the password in the credential
store (an in-memory keyring) and never in the saved connections, and ``clauses connect`` then
``--db team:NOM``."""

from __future__ import annotations

import io
import json
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clauses_app.cli import main
from clauses_app.services.databases import connect_team_database
from clauses_app.storage import Database, migrate
from clauses_app.storage import team_connection as tc
from clauses_app.storage.team_connection import TeamConnection, TeamConnectionError
from tests.conftest import PG_ADMIN_URL, requires_postgres
from tests.team.conftest import PASSWORD, Team
from tests.team.keyring_memory import MemoryKeyring, memory_keyring  # noqa: F401 (fixture)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _connection_to(url: str, **changes: object) -> TeamConnection:
    """The test cluster's database of ``url``, as a person would type it (no TLS there)."""
    parsed = make_url(url)
    values: dict[str, object] = dict(
        name="essai", host=parsed.host or "127.0.0.1", database=parsed.database or "",
        user=parsed.username or "", port=parsed.port or 5432, sslmode="disable",
    )  # fmt: skip
    values.update(changes)
    return TeamConnection(**values)  # type: ignore[arg-type]


def _password(url: str) -> str:
    return make_url(url).password or ""


def test_an_unreachable_port_is_worded_in_french() -> None:
    port = _free_port()  # nobody listens there once the probe is closed
    connection = TeamConnection("x", "127.0.0.1", "clauses", "marie", port=port, sslmode="disable")

    with pytest.raises(TeamConnectionError) as refused:
        tc.check_server(connection, "secret")

    assert str(refused.value) == (
        f"Le serveur « 127.0.0.1 » (port {port}) ne répond pas : vérifiez son nom et le port, "
        "que ce poste est sur le réseau du territoire (ou son VPN), et que le serveur est "
        "démarré."
    )


def test_an_unknown_host_and_missing_fields_are_worded_in_french() -> None:
    with pytest.raises(TeamConnectionError, match=r"Le serveur « nulle-part\.invalid » est "
                       r"introuvable"):  # fmt: skip
        tc.check_server(TeamConnection("x", "nulle-part.invalid", "b", "u", sslmode="disable"), "p")
    with pytest.raises(TeamConnectionError, match=r"^Indiquez l'utilisateur de la connexion\.$"):
        TeamConnection("x", "serveur", "base", " ").checked()
    with pytest.raises(TeamConnectionError, match="indiquez le fichier de l'autorité"):
        TeamConnection("x", "serveur", "base", "u", sslmode="verify-full").checked()


def test_a_server_older_than_13_is_refused() -> None:
    connection = TeamConnection("x", "serveur", "base", "u")
    with pytest.raises(TeamConnectionError) as refused:
        tc.refuse_old_server(120017, connection)
    assert "fait tourner PostgreSQL 12 : Clauses demande PostgreSQL 13" in str(refused.value)
    with pytest.raises(TeamConnectionError, match=r"PostgreSQL 9\.6 :"):
        tc.refuse_old_server(90624, connection)
    tc.refuse_old_server(130000, connection)  # 13.0 is fine


@pytest.mark.parametrize(
    ("driver_text", "start"),
    [
        ('connection to server at "s" failed: server certificate for "s" does not match host '
         'name "t"', "La connexion chiffrée (TLS) avec « serveur » (port 5432) a échoué : le "
         "certificat du serveur ne porte pas le nom"),
        ("connection failed: SSL error: certificate verify failed",
         "La connexion chiffrée (TLS) avec « serveur » (port 5432) a échoué : le certificat du "
         "serveur n'est pas signé"),
        ("server does not support SSL, but SSL was required",
         "Le serveur « serveur » (port 5432) n'accepte pas les connexions chiffrées"),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.2", user "u", database "base", no '
         "encryption", "Le serveur « serveur » (port 5432) refuse que « u » se connecte"),
        ("FATAL:  authentification par mot de passe échouée pour l'utilisateur « u »",
         "Mot de passe refusé pour l'utilisateur « u »"),
        ('FATAL:  database "base" does not exist', "La base « base » n'existe pas"),
    ],
)  # fmt: skip
def test_driver_failures_become_one_french_sentence(driver_text: str, start: str) -> None:
    connection = TeamConnection("x", "serveur", "base", "u", sslmode="require")
    assert tc.describe_failure(Exception(driver_text), connection).startswith(start)


@requires_postgres
def test_a_wrong_password_is_worded_in_french() -> None:
    assert PG_ADMIN_URL
    connection = _connection_to(PG_ADMIN_URL)

    with pytest.raises(TeamConnectionError) as refused:
        tc.check_server(connection, "pas le bon mot de passe")

    assert str(refused.value) == (
        f"Mot de passe refusé pour l'utilisateur « {connection.user} » sur la base "
        f"« {connection.database} » : vérifiez-le (majuscules, clavier), ou demandez à "
        "l'administrateur de le changer."
    )


@requires_postgres
def test_an_empty_base_a_foreign_base_and_a_newer_schema_are_refused(pg_url: str) -> None:
    connection = _connection_to(pg_url)
    password = _password(pg_url)
    with pytest.raises(TeamConnectionError, match="est vide : elle n'a pas encore été préparée"):
        tc.check_server(connection, password)

    engine = create_engine(pg_url)
    with engine.begin() as sql:
        sql.execute(text("CREATE TABLE facture (id int)"))
    with pytest.raises(TeamConnectionError) as refused:
        connect_team_database(connection, password)
    assert str(refused.value) == (
        f"La base « {connection.database} » sur « {connection.host} » n'est pas une base "
        "Clauses (ses tables sont celles d'un autre logiciel) : vérifiez le nom de la base. "
        "Rien n'y a été écrit."
    )
    with engine.begin() as sql:
        sql.execute(text("CREATE TABLE alembic_version (version_num varchar(32))"))
        sql.execute(text("INSERT INTO alembic_version VALUES ('9999_futur')"))
    with pytest.raises(TeamConnectionError, match=r"plus récente de Clauses \(schéma 9999_futur"):
        tc.check_server(connection, password)
    with engine.connect() as sql:  # nothing was written by the refusals
        assert sql.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                                )).scalar() == 2  # fmt: skip
    engine.dispose()
    assert tc.saved_connections() == []


@requires_postgres
def test_connecting_keeps_the_password_in_the_credential_store_only(
    pg_database: Database, memory_keyring: MemoryKeyring  # noqa: F811
) -> None:
    connection = _connection_to(pg_database.url, name="territoire")
    password = _password(pg_database.url)

    opening = connect_team_database(connection, password)
    opening.database.dispose()

    assert opening.check.server_version >= 130000 and opening.password_note is None
    assert memory_keyring.passwords == {(tc.KEYRING_SERVICE, connection.address): password}
    saved = json.loads(tc.saved_file().read_text(encoding="utf-8"))
    assert saved == [{  # no password among the saved fields (the test role's is its name)
        "name": "territoire", "host": connection.host, "database": connection.database,
        "user": connection.user, "port": connection.port, "sslmode": "disable",
        "sslrootcert": "",
    }]  # fmt: skip
    assert tc.saved_url("team:territoire") == connection.url(password)
    tc.forget("territoire")
    assert memory_keyring.passwords == {} and tc.saved_connections() == []


@requires_postgres
def test_clauses_connect_saves_a_connection_that_db_team_name_opens(
    pg_database: Database,
    memory_keyring: MemoryKeyring,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connection = _connection_to(pg_database.url)
    password = _password(pg_database.url)
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))

    status = main([
        "connect", "--host", connection.host, "--port", str(connection.port),
        "--database", connection.database, "--user", connection.user, "--sslmode", "disable",
        "--name", "nantes", "--password-stdin",
    ])  # fmt: skip

    out = capsys.readouterr().out
    assert status == 0, out
    assert "connexion NON chiffrée" in out
    assert "Connexion enregistrée sous « nantes » : utilisez « clauses --db team:nantes … »." in out
    assert main(["--db", "team:nantes", "organisation", "--name", "PLIE de Nantes"]) == 0
    assert "Structure : PLIE de Nantes" in capsys.readouterr().out
    with pg_database.session() as session:  # written in the team's base, not a local file
        stored = session.execute(text("SELECT value FROM setting WHERE key = 'organisation'"))
        assert "PLIE de Nantes" in str(stored.scalar())

    assert main(["connect", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["user"], c["sslmode"]) for c in listed] == [
        ("nantes", connection.user, "disable")
    ]
    assert main(["--db", "team:ailleurs", "organisation"]) == 3
    assert "Aucune connexion d'équipe « ailleurs » n'est enregistrée" in capsys.readouterr().err


def test_a_wrong_password_from_the_cli_is_one_sentence(
    memory_keyring: MemoryKeyring,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    port = _free_port()
    monkeypatch.setattr("sys.stdin", io.StringIO("secret\n"))
    status = main(["connect", "--host", "127.0.0.1", "--port", str(port), "--database", "b",
                   "--user", "u", "--sslmode", "disable", "--password-stdin"])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 3
    assert err.startswith(f"clauses: Le serveur « 127.0.0.1 » (port {port}) ne répond pas")
    assert memory_keyring.passwords == {}  # nothing kept for a connection that failed


def test_a_facilitator_connects_as_their_own_role_and_an_outsider_is_told(
    team: Team, memory_keyring: MemoryKeyring  # noqa: F811
) -> None:
    parsed = make_url(team.owner_url)
    facilitator = TeamConnection(
        "équipe", parsed.host or "127.0.0.1", team.name, team.users["a"],
        port=parsed.port or 5432, sslmode="disable",
    )  # fmt: skip

    opening = connect_team_database(facilitator, PASSWORD)
    try:
        with opening.database.session() as session:
            who = session.execute(text("SELECT session_user")).scalar()
        assert who == team.users["a"] and opening.check.revision == migrate.head_revision()
    finally:
        opening.database.dispose()
    assert memory_keyring.passwords == {(tc.KEYRING_SERVICE, facilitator.address): PASSWORD}
    with pytest.raises(TeamConnectionError, match=f"^Mot de passe refusé pour l'utilisateur "
                       f"« {team.users['a']} »"):  # fmt: skip
        tc.check_server(facilitator, "pas le sien")

    outsider = f"dehors_{team.name[-10:]}"  # a login role the administrator left out
    admin = create_engine(team.owner_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as sql:
        sql.execute(text(f"CREATE ROLE {outsider} LOGIN PASSWORD 'dehors'"))
    try:
        with pytest.raises(TeamConnectionError) as refused:
            tc.check_server(replace(facilitator, user=outsider), "dehors")
        assert str(refused.value) == (
            f"L'utilisateur « {outsider} » n'a pas accès à la base « {team.name} » : demandez "
            "à l'administrateur de l'ajouter à l'équipe (clauses team add-user)."
        )
    finally:
        with admin.connect() as sql:
            sql.execute(text(f"DROP ROLE IF EXISTS {outsider}"))
        admin.dispose()


@requires_postgres
def test_without_a_credential_store_the_connection_works_and_says_so(
    pg_database: Database,
) -> None:
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # a Linux without a session's Secret Service
    try:
        connection = _connection_to(pg_database.url)
        opening = connect_team_database(connection, _password(pg_database.url))
        opening.database.dispose()
        assert opening.password_note == (
            "Le mot de passe n'a pas pu être mémorisé : aucun gestionnaire d'identifiants "
            "n'est disponible sur ce poste. Il sera demandé à chaque connexion."
        )
        assert tc.read_password(connection) is None
        assert [c.name for c in tc.saved_connections()] == ["essai"]
    finally:
        keyring.set_keyring(before)
