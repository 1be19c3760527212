"""Backup commands: ``clauses backup list|take|restore`` (SQLite databases only).

``list`` shows the backups of the database with their date, size and reason; ``take`` makes
one now; ``restore`` replaces the database by a backup after checking it, keeping a copy of
the current database first and applying again the purges done since (docs/privacy.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from clauses_app.cli.common import CliError, print_json
from clauses_app.formatting import format_date, format_number
from clauses_app.storage import resolve_url
from clauses_app.storage.backup import (
    Backup,
    BackupError,
    list_backups,
    restore_backup,
    take_backup,
)
from clauses_app.storage.database import sqlite_path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = subparsers.add_parser(
        "backup", help="sauvegardes de la base : lister, prendre, restaurer"
    )
    actions = group.add_subparsers(dest="backup_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="lister les sauvegardes (date, taille, motif)")
    listing.add_argument("--json", action="store_true", help="sortie JSON")
    listing.set_defaults(handler=cmd_list)

    take = actions.add_parser("take", help="sauvegarder la base maintenant")
    take.set_defaults(handler=cmd_take)

    restore = actions.add_parser(
        "restore", help="remplacer la base par une sauvegarde (la base actuelle est gardée)"
    )
    restore.add_argument(
        "backup", metavar="SAUVEGARDE", help="fichier de sauvegarde, ou son numéro dans la liste"
    )
    restore.set_defaults(handler=cmd_restore)


def _database_file(args: argparse.Namespace, must_exist: bool = True) -> Path:
    path = sqlite_path(resolve_url(args.db))
    if path is None:
        raise CliError("Les sauvegardes ne concernent que les bases SQLite (un fichier).")
    if must_exist and not path.is_file():
        raise CliError(f"La base « {path} » n'existe pas.")
    return path


def size_label(size: int) -> str:
    """Bytes as a person reads them: « 1,2 Mo », « 850 ko »."""
    if size >= 1_000_000:
        return f"{format_number(size / 1_000_000, 1)}\u00a0Mo"
    return f"{format_number(max(size / 1000, 1), 0)}\u00a0ko"


def describe(backup: Backup) -> str:
    when = f"{format_date(backup.taken_at.date())} {backup.taken_at:%H:%M:%S}"
    return f"{when}  {size_label(backup.size):>9}  {backup.reason_label}"


def cmd_list(args: argparse.Namespace) -> int:
    path = _database_file(args, must_exist=False)
    backups = list_backups(path)
    if args.json:
        print_json(
            [
                {
                    "fichier": str(b.path),
                    "date": b.taken_at.isoformat(timespec="seconds"),
                    "taille": b.size,
                    "motif": b.reason,
                    "libelle": b.reason_label,
                }
                for b in backups
            ]
        )
        return 0
    if not backups:
        print(f"Aucune sauvegarde de la base « {path} ».")
        return 0
    print(f"Sauvegardes de la base « {path} » (la plus récente d'abord) :")
    for number, backup in enumerate(backups, start=1):
        print(f"  {number:>2}. {describe(backup)}  {backup.path.name}")
    return 0


def cmd_take(args: argparse.Namespace) -> int:
    path = _database_file(args)
    try:
        target = take_backup(path, "manuelle")
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"Sauvegarde faite : {target}")
    return 0


def _chosen(path: Path, text: str) -> Path:
    if text.isdigit():
        backups = list_backups(path)
        number = int(text)
        if not 1 <= number <= len(backups):
            raise CliError(
                f"Il n'y a pas de sauvegarde numéro {number} (voir « clauses backup list »)."
            )
        return backups[number - 1].path
    chosen = Path(text).expanduser()
    if not chosen.is_file():
        raise CliError(f"Sauvegarde introuvable : « {text} ».")
    return chosen


def cmd_restore(args: argparse.Namespace) -> int:
    path = _database_file(args, must_exist=False)
    chosen = _chosen(path, args.backup)
    try:
        kept = restore_backup(path, chosen)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"Base « {path} » restaurée depuis « {chosen.name} ».")
    if kept != path:
        print(f"La base remplacée est gardée dans « {kept} ».")
    return 0
