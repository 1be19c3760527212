"""``clauses team``: set up a territory's shared PostgreSQL database (docs/team.md).

``init`` (group roles, grants, row-level security; idempotent), ``add-user`` (password read
from standard input, one line, so that it can be piped), ``assign`` (a facilitator in charge
of an authority), ``transfer`` (another facilitator follows a participant) and ``show``.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from clauses_app.cli.common import CliError, opened_database, parse_uuid, print_json
from clauses_app.services.team import TEAM_ROLES, TeamError
from clauses_app.storage import resolve_url
from clauses_app.storage.database import sqlite_path

SQLITE_REFUSAL = (
    "« clauses team » concerne une base d'équipe PostgreSQL (--db postgresql+psycopg://…) ; "
    "une base SQLite (un fichier) n'a qu'un utilisateur et n'a pas de rôles."
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = subparsers.add_parser(
        "team", help="base d'équipe PostgreSQL : rôles, utilisateurs, portefeuilles"
    )
    actions = group.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    init = actions.add_parser(
        "init",
        help="créer ou mettre à jour les rôles, droits et règles d'accès (à relancer sans risque)",
    )
    init.set_defaults(handler=cmd_init)

    add = actions.add_parser(
        "add-user", help="créer un utilisateur (mot de passe lu sur l'entrée standard)"
    )
    add.add_argument("name", metavar="NOM", help="nom de connexion (minuscules, chiffres, _)")
    add.add_argument("--role", required=True, choices=TEAM_ROLES, help="rôle dans l'équipe")
    add.set_defaults(handler=cmd_add_user)

    assign = actions.add_parser(
        "assign", help="mettre un facilitateur en charge d'un donneur d'ordre"
    )
    assign.add_argument("name", metavar="NOM", help="nom de connexion du facilitateur")
    assign.add_argument("--authority", required=True, metavar="UUID", help="donneur d'ordre")
    assign.add_argument("--undo", action="store_true", help="retirer cette charge")
    assign.set_defaults(handler=cmd_assign)

    transfer = actions.add_parser(
        "transfer", help="confier le suivi d'un participant à un autre facilitateur"
    )
    transfer.add_argument("--participant", required=True, metavar="UUID")
    transfer.add_argument("--to", required=True, metavar="NOM", dest="to")
    transfer.set_defaults(handler=cmd_transfer)

    show = actions.add_parser("show", help="utilisateurs de l'équipe et leurs donneurs d'ordre")
    show.add_argument("--json", action="store_true", help="sortie JSON")
    show.set_defaults(handler=cmd_show)


def _require_team_url(args: argparse.Namespace) -> None:
    """Refuse a SQLite database before opening it (opening would create the file)."""
    if sqlite_path(resolve_url(args.db)) is not None or resolve_url(args.db).startswith("sqlite"):
        raise CliError(SQLITE_REFUSAL)


def cmd_init(args: argparse.Namespace) -> int:
    from clauses_app.services.team import init_team

    _require_team_url(args)
    with opened_database(args) as database:
        try:
            report = init_team(database)
        except TeamError as exc:
            raise CliError(str(exc)) from exc
    roles = report.roles
    print(f"Base d'équipe « {roles.database} » prête.")
    print(f"Rôle propriétaire (mises à jour du schéma) : {roles.owner}")
    print(f"Rôles de groupe : {roles.facilitator}, {roles.coordinator}")
    if report.created_roles:
        print(f"Rôles créés : {', '.join(report.created_roles)}")
    print(f"Tables protégées par portefeuille : {', '.join(report.protected_tables)}")
    return 0


def read_password() -> str:
    """One line of standard input (piped), or asked without echo at a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass("Mot de passe : ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_add_user(args: argparse.Namespace) -> int:
    from clauses_app.services.team import add_user

    _require_team_url(args)
    password = read_password()
    with opened_database(args) as database:
        try:
            created = add_user(database, args.name, args.role, password)
        except TeamError as exc:
            raise CliError(str(exc)) from exc
    done = "créé" if created else "mis à jour (mot de passe et rôle)"
    print(f"Utilisateur « {args.name} » {done} : {args.role}.")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from clauses_app.services.team import assign

    authority = parse_uuid(args.authority, "--authority")
    with opened_database(args) as database:
        try:
            with database.transaction() as session:
                changed = assign(session, args.name, authority, undo=args.undo)
        except TeamError as exc:
            raise CliError(str(exc)) from exc
    if args.undo:
        print(f"« {args.name} » n'est plus en charge de ce donneur d'ordre." if changed else
              f"« {args.name} » n'était pas en charge de ce donneur d'ordre.")  # fmt: skip
    else:
        print(f"« {args.name} » est en charge de ce donneur d'ordre." if changed else
              f"« {args.name} » était déjà en charge de ce donneur d'ordre.")  # fmt: skip
    return 0


def cmd_transfer(args: argparse.Namespace) -> int:
    from clauses_app.services.team import transfer_follower

    participant = parse_uuid(args.participant, "--participant")
    with opened_database(args) as database:
        try:
            with database.transaction() as session:
                before = transfer_follower(session, participant, args.to)
        except TeamError as exc:
            raise CliError(str(exc)) from exc
    print(f"Participant suivi désormais par « {args.to} » (auparavant : {before or 'personne'}).")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from clauses_app.models import AuthorityFacilitator, ContractingAuthority
    from clauses_app.services.team import team_members

    _require_team_url(args)
    with opened_database(args) as database, database.session() as session:
        members = team_members(session)
        rows = session.execute(
            select(AuthorityFacilitator.facilitator, ContractingAuthority.uuid,
                   ContractingAuthority.name)
            .join(ContractingAuthority,
                  ContractingAuthority.uuid == AuthorityFacilitator.authority_uuid)
            .order_by(AuthorityFacilitator.facilitator, ContractingAuthority.name)
        ).all()  # fmt: skip
    charges: dict[str, list[dict[str, str]]] = {}
    for name, authority_uuid, authority_name in rows:
        charges.setdefault(name, []).append({"uuid": str(authority_uuid), "nom": authority_name})
    names = sorted(set(members) | set(charges))
    if args.json:
        print_json([
            {"nom": n, "role": members.get(n), "donneurs_ordre": charges.get(n, [])}
            for n in names
        ])  # fmt: skip
        return 0
    for name in names:
        authorities = ", ".join(a["nom"] for a in charges.get(name, [])) or "aucun donneur d'ordre"
        print(f"{name} ({members.get(name, 'hors équipe')}) : {authorities}")
    return 0
