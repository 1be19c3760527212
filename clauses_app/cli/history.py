"""``clauses history --record UUID [--json]``: who changed a record, when, which fields.

Personal values are masked for a role not allowed to read the person (services/history.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from clauses_app.cli.common import opened_database, parse_uuid, print_json
from clauses_app.formatting import format_moment
from clauses_app.services import history


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser(
        "history", help="historique d'un enregistrement : qui l'a modifié, quand, quels champs"
    )
    command.add_argument("--record", required=True, metavar="UUID", help="l'enregistrement")
    command.add_argument("--json", action="store_true", help="sortie JSON")
    command.set_defaults(handler=cmd_history)


def cmd_history(args: argparse.Namespace) -> int:
    record = parse_uuid(args.record, "--record")
    with opened_database(args) as database, database.session() as session:
        entries = history.record_history(session, record)
    if args.json:
        print_json([entry.as_json() for entry in entries])
        return 0
    if not entries:
        print("Aucun historique pour cet enregistrement.")
    for entry in entries:
        what = history.TABLE_LABELS.get(entry.table, entry.table)
        print(
            f"{format_moment(entry.changed_at)}  {entry.changed_by}  "
            f"{history.ACTION_LABELS.get(entry.action, entry.action)} ({what})"
        )
        for change in entry.changes:
            print(f"    {change.field} : {_text(change.old)} → {_text(change.new)}")
    return 0


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)
