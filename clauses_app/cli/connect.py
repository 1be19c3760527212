"""``clauses connect``: what « Fichier ▸ Se connecter à la base d'équipe… » does, from the
command line. It checks the server (French refusals), opens the database, and saves the
connection under a name (non-secret, in the user's config folder) with its password in the
operating system's credential store, so that any command can then use ``--db team:NOM``.

    printf '%s\\n' "$MOT_DE_PASSE" | clauses connect --host serveur.local \\
        --database clauses_nantes --user marie --sslmode verify-full \\
        --sslrootcert ca.crt --name nantes --password-stdin
    clauses --db team:nantes stats
    clauses connect --list
    clauses connect --forget nantes
"""

from __future__ import annotations

import argparse
import getpass
import sys

from clauses_app.cli.common import CliDatabaseError, CliError, print_json
from clauses_app.storage import DatabaseError
from clauses_app.storage.team_connection import (
    DEFAULT_PORT,
    DEFAULT_SSL_MODE,
    SSL_MODES,
    TeamConnection,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    connect = subparsers.add_parser(
        "connect",
        help="se connecter à une base d'équipe PostgreSQL et l'enregistrer (--db team:NOM)",
    )
    connect.add_argument("--host", metavar="SERVEUR", help="nom ou adresse du serveur")
    connect.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (5432)")
    connect.add_argument("--database", metavar="BASE", help="nom de la base du territoire")
    connect.add_argument("--user", metavar="UTILISATEUR", help="votre nom de connexion")
    connect.add_argument(
        "--sslmode", choices=SSL_MODES, default=DEFAULT_SSL_MODE,
        help=f"mode TLS ({DEFAULT_SSL_MODE} par défaut, le plus sûr)",
    )  # fmt: skip
    connect.add_argument(
        "--sslrootcert", metavar="FICHIER", default="",
        help="certificat de l'autorité de certification (verify-ca, verify-full)",
    )  # fmt: skip
    connect.add_argument("--name", metavar="NOM", default="", help="nom de la connexion (la base)")
    connect.add_argument(
        "--password-stdin", action="store_true",
        help="lire le mot de passe sur l'entrée standard (une ligne)",
    )  # fmt: skip
    connect.add_argument(
        "--no-keep-password", action="store_true",
        help="ne pas garder le mot de passe dans le gestionnaire d'identifiants du système",
    )  # fmt: skip
    connect.add_argument("--list", action="store_true", help="les connexions enregistrées")
    connect.add_argument(
        "--forget", metavar="NOM", help="oublier une connexion et son mot de passe"
    )
    connect.add_argument("--json", action="store_true", help="sortie JSON (avec --list)")
    connect.set_defaults(handler=cmd_connect)


def cmd_connect(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args.json)
    if args.forget:
        return _forget(args.forget)
    missing = [flag for flag, value in (("--host", args.host), ("--database", args.database),
               ("--user", args.user)) if not value]  # fmt: skip
    if missing:
        raise CliError(f"Indiquez {', '.join(missing)} (ou --list, --forget NOM).")
    from clauses_app.services.databases import connect_team_database
    from clauses_app.storage.team_connection import read_password

    connection = TeamConnection(
        name=args.name, host=args.host, database=args.database, user=args.user,
        port=args.port, sslmode=args.sslmode, sslrootcert=args.sslrootcert,
    )  # fmt: skip
    try:
        connection = connection.checked()
        password = _password() if args.password_stdin else read_password(connection)
        if password is None and sys.stdin.isatty():
            password = getpass.getpass(f"Mot de passe de {connection.address} : ")
        opening = connect_team_database(
            connection, password, keep_password=not args.no_keep_password
        )
    except DatabaseError as exc:
        raise CliDatabaseError(str(exc)) from exc
    opening.database.dispose()
    check = opening.check
    tls = "chiffrée (TLS)" if check.encrypted else "NON chiffrée"
    print(f"Connecté à {connection.address} : PostgreSQL {check.server_version // 10000}, "
          f"connexion {tls}.")  # fmt: skip
    if opening.password_note:
        print(f"clauses: attention : {opening.password_note}", file=sys.stderr)
    print(f"Connexion enregistrée sous « {connection.name} » : utilisez "
          f"« clauses --db team:{connection.name} … ».")  # fmt: skip
    return 0


def _password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CliError("Le mot de passe lu sur l'entrée standard est vide.")
    return line


def _list(as_json: bool) -> int:
    from dataclasses import asdict

    from clauses_app.storage.team_connection import saved_connections

    saved = saved_connections()
    if as_json:
        print_json([asdict(c) for c in saved])
        return 0
    if not saved:
        print("Aucune connexion d'équipe enregistrée (clauses connect --host … pour en créer).")
    for connection in saved:
        print(f"{connection.name} : {connection.address} (TLS : {connection.sslmode})")
    return 0


def _forget(name: str) -> int:
    from clauses_app.storage.team_connection import forget

    if forget(name) is None:
        raise CliError(f"Aucune connexion d'équipe « {name} » n'est enregistrée.")
    print(f"Connexion « {name} » oubliée, avec son mot de passe.")
    return 0
