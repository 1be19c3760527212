"""What the window's Fichier menu and first run do, from the command line:
``new-db`` (Nouvelle base), ``copy-db`` (Enregistrer une copie), ``organisation`` (the
structure, kept in the database) and ``profile`` (the facilitator's own contact, kept in the
user's config folder). Backups are ``clauses backup`` (cli/backup.py)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from clauses_app.cli.common import CliDatabaseError, CliError, opened_database
from clauses_app.cli.french import french_os_error
from clauses_app.services.profile import (
    ProfileError,
    load_profile,
    profile_path,
    save_organisation_identity,
    save_profile,
)
from clauses_app.services.settings import load_settings
from clauses_app.storage import DatabaseError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    new = subparsers.add_parser("new-db", help="créer une nouvelle base vide (fichier SQLite)")
    new.add_argument("path", type=Path, metavar="FICHIER", help="fichier à créer (.sqlite3)")
    new.set_defaults(handler=cmd_new_db)

    copy = subparsers.add_parser(
        "copy-db", help="enregistrer une copie de la base (--db) dans un autre fichier"
    )
    copy.add_argument("target", type=Path, metavar="COPIE", help="fichier de la copie")
    copy.add_argument(
        "--replace", action="store_true", help="remplacer le fichier COPIE s'il existe déjà"
    )
    copy.set_defaults(handler=cmd_copy_db)

    organisation = subparsers.add_parser(
        "organisation", help="afficher ou changer la structure (nom, adresse) de la base"
    )
    organisation.add_argument("--name", help="nom de la structure")
    organisation.add_argument("--address", help="adresse de la structure")
    organisation.set_defaults(handler=cmd_organisation)

    profile = subparsers.add_parser(
        "profile", help="afficher ou changer vos coordonnées de facilitateur (pas dans la base)"
    )
    profile.add_argument("--name", help="nom et prénom")
    profile.add_argument("--email", help="courriel")
    profile.add_argument("--phone", help="téléphone")
    profile.set_defaults(handler=cmd_profile)


def cmd_new_db(args: argparse.Namespace) -> int:
    from clauses_app.services.databases import create_database

    try:
        database = create_database(args.path)
    except DatabaseError as exc:
        raise CliDatabaseError(str(exc)) from exc
    database.dispose()
    print(f"Base créée : {database.display_name}")
    return 0


def cmd_copy_db(args: argparse.Namespace) -> int:
    from clauses_app.services.databases import save_copy

    target = args.target.expanduser().absolute()
    with opened_database(args) as database:
        # The database's own file and a folder: save_copy refuses them in its own words.
        source = database.file_path
        own = source is not None and target.resolve() == source.resolve()
        if target.is_file() and not (own or args.replace):
            raise CliError(
                f"Le fichier « {target} » existe déjà : choisissez un autre nom, ou ajoutez "
                "--replace pour le remplacer."
            )
        try:
            written = save_copy(database, target)
        except DatabaseError as exc:
            raise CliDatabaseError(str(exc)) from exc
        except OSError as exc:  # its temporary file could not be made beside the copy
            raise CliError(
                f"Impossible d'enregistrer la copie « {target} » : {french_os_error(exc)}."
            ) from exc
    print(f"Copie enregistrée : {written}")
    return 0


def cmd_organisation(args: argparse.Namespace) -> int:
    with opened_database(args) as database:
        if args.name is not None or args.address is not None:
            try:
                with database.transaction() as session:
                    current = load_settings(session).organisation
                    save_organisation_identity(
                        session,
                        current.name if args.name is None else args.name,
                        current.address if args.address is None else args.address,
                    )
            except ProfileError as exc:
                raise CliError(str(exc)) from exc
        with database.session() as session:
            organisation = load_settings(session).organisation
    print(f"Structure : {organisation.name}")
    print(f"Adresse : {organisation.address or '(non renseignée)'}")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    profile = load_profile()
    changes = {
        key: value.strip()
        for key, value in (("name", args.name), ("email", args.email), ("phone", args.phone))
        if value is not None
    }
    if changes:
        try:
            save_profile(replace(profile, **changes))
        except ProfileError as exc:
            raise CliError(str(exc)) from exc
        profile = load_profile()
    print(f"Facilitateur : {profile.name or '(non renseigné)'}")
    print(f"Courriel : {profile.email or '(non renseigné)'}")
    print(f"Téléphone : {profile.phone or '(non renseigné)'}")
    print(f"(enregistré dans {profile_path()}, pas dans la base)")
    return 0
