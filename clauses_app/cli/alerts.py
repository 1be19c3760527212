"""``clauses alerts``: the dashboard's alerts, for scripting (a minimal first version)."""

from __future__ import annotations

import argparse
from datetime import date

from clauses_app.cli.common import (
    CliError,
    opened_database,
    parse_date,
    parse_uuid,
    print_json,
)
from clauses_app.formatting import format_date
from clauses_app.models import ContractingAuthority
from clauses_app.services.alerts import AlertKind, collect_alerts
from clauses_app.services.periods import Period

# How urgent each kind is, for scripts that sort or filter (the window shows colours).
SEVERITY = {
    AlertKind.CONTRACT_ENDING: "high",
    AlertKind.ELIGIBILITY_EXPIRING: "high",
    AlertKind.BEHIND_SCHEDULE: "medium",
    AlertKind.MISSING_STATEMENT: "medium",
    AlertKind.OUTCOME_MISSING: "low",
    AlertKind.SOCIAL_CONSIDERATION_MISSING: "high",
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    alerts = subparsers.add_parser("alerts", help="lister les alertes ouvertes")
    alerts.add_argument("--authority", help="UUID du donneur d'ordre")
    alerts.add_argument("--year", type=int, help="année (AAAA) ; sans elle, toutes les années")
    alerts.add_argument("--kind", choices=AlertKind.ALL, help="une seule sorte d'alerte")
    alerts.add_argument("--today", help="date du jour (AAAA-MM-JJ ; défaut : aujourd'hui)")
    alerts.add_argument("--json", action="store_true", help="sortie JSON")
    alerts.set_defaults(handler=cmd_alerts)


def cmd_alerts(args: argparse.Namespace) -> int:
    authority = parse_uuid(args.authority, "--authority") if args.authority else None
    today = parse_date(args.today, "--today") if args.today else date.today()
    if args.year is not None and not 1900 <= args.year <= 2200:
        raise CliError(f"Année invalide : {args.year}.")
    period = Period.year(args.year) if args.year is not None else Period()
    with opened_database(args) as database, database.session() as session:
        if authority is not None and session.get(ContractingAuthority, authority) is None:
            raise CliError(f"Donneur d'ordre inconnu : {authority}.")
        book = collect_alerts(session, today, period, authority)
        alerts = book.alerts(args.kind)
    if args.json:
        print_json(
            [
                {
                    "kind": alert.kind,
                    "title": alert.title,
                    "severity": SEVERITY.get(alert.kind, "medium"),
                    "record_kind": alert.record_kind,
                    "record_uuid": str(alert.record_uuid),
                    "message": alert.message,
                    "due": alert.due.isoformat() if alert.due else None,
                    "status": "open",
                }
                for alert in alerts
            ]
        )
        return 0
    for alert in alerts:
        due = f" (échéance {format_date(alert.due)})" if alert.due else ""
        print(f"{alert.title}{due} — {alert.message}")
    if not alerts:
        print("Aucune alerte ouverte.")
    return 0
