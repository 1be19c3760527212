"""``clauses alerts``: the alerts to work through, and their « traitée » / « reportée » marks.

``clauses alerts [--year AAAA] [--authority UUID] [--kind K] [--today AAAA-MM-JJ] [--all]
[--json]`` lists the open alerts (``--all``: the treated and postponed ones too);
``clauses alerts mark KEY (--done | --snooze AAAA-MM-JJ) [--note TEXTE]`` marks one and
``clauses alerts unmark KEY`` undoes the mark. KEY is ``kind:record_uuid`` (the ``key`` of
``--json``).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from clauses_app.cli.common import (
    CliError,
    check_year,
    opened_database,
    optional_uuid,
    parse_date,
    parse_today,
    print_json,
)
from clauses_app.formatting import format_date
from clauses_app.models import ContractingAuthority
from clauses_app.services.alerts import (
    Alert,
    AlertKind,
    AlertMarkError,
    AlertStatus,
    Severity,
    collect_alerts,
    mark_alert,
    parse_alert_key,
    unmark_alert,
)
from clauses_app.services.periods import Period
from clauses_app.storage.presence import this_program


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    alerts = subparsers.add_parser(
        "alerts", help="lister les alertes ouvertes ; les marquer traitées ou reportées"
    )
    alerts.add_argument("--authority", help="UUID du donneur d'ordre")
    alerts.add_argument("--year", type=int, help="année (AAAA) ; sans elle, toutes les années")
    alerts.add_argument("--kind", choices=AlertKind.ALL, help="une seule sorte d'alerte")
    alerts.add_argument("--today", help="date du jour (AAAA-MM-JJ ; défaut : aujourd'hui)")
    alerts.add_argument("--all", action="store_true", help="avec les alertes traitées et reportées")
    alerts.add_argument("--json", action="store_true", help="sortie JSON")
    alerts.set_defaults(handler=cmd_alerts)
    actions = alerts.add_subparsers(dest="action", metavar="ACTION")
    mark = actions.add_parser("mark", help="marquer une alerte traitée ou la reporter")
    mark.add_argument("key", metavar="CLÉ", help="sorte:UUID (la clé « key » de --json)")
    what = mark.add_mutually_exclusive_group(required=True)
    what.add_argument("--done", "--treated", action="store_true", help="alerte traitée")
    what.add_argument("--snooze", "--postpone", metavar="AAAA-MM-JJ",
                      help="reporter l'alerte jusqu'à cette date")  # fmt: skip
    mark.add_argument("--note", "--comment", default="", help="note (500 caractères au plus)")
    mark.add_argument("--today", help="date du jour (AAAA-MM-JJ ; défaut : aujourd'hui)")
    mark.set_defaults(handler=cmd_mark)
    unmark = actions.add_parser("unmark", help="annuler la marque d'une alerte (la rouvrir)")
    unmark.add_argument("key", metavar="CLÉ", help="sorte:UUID")
    unmark.set_defaults(handler=cmd_unmark)


def _as_json(alert: Alert) -> dict[str, Any]:
    mark = alert.mark
    return {
        "key": alert.key,
        "kind": alert.kind,
        "title": alert.title,
        "severity": alert.severity,
        "record_kind": alert.record_kind,
        "record_uuid": str(alert.record_uuid),
        "contract_uuid": str(alert.contract_uuid) if alert.contract_uuid else None,
        "message": alert.message,
        "action": alert.action,
        "due": alert.due.isoformat() if alert.due else None,
        "overdue_days": alert.overdue_days,
        "status": alert.status,
        "until": mark.until.isoformat() if mark and mark.until else None,
        "note": mark.comment if mark else None,
        "marked_by": mark.marked_by if mark else None,
        "marked_on": mark.marked_on.isoformat() if mark else None,
    }


def _line(alert: Alert) -> str:
    due = ""
    if alert.due:
        late = f", {alert.overdue}" if alert.overdue else ""
        due = f" (échéance {format_date(alert.due)}{late})"
    severity = Severity.LABELS[alert.severity].lower()
    status = f" [{alert.mark.label}]" if alert.mark else ""
    return (
        f"{alert.title}{due}, gravité {severity}{status} — {alert.message}\n"
        f"  à faire : {alert.action}\n  clé : {alert.key}"
    )


def cmd_alerts(args: argparse.Namespace) -> int:
    authority = optional_uuid(args.authority, "--authority")
    today = _today(args)
    check_year(args.year)
    period = Period.year(args.year) if args.year is not None else Period()
    with opened_database(args) as database, database.session() as session:
        if authority is not None and session.get(ContractingAuthority, authority) is None:
            raise CliError(f"Donneur d'ordre inconnu : {authority}.")
        book = collect_alerts(session, today, period, authority)
        alerts = book.alerts(args.kind)
        if args.all:
            alerts += book.worked(args.kind)
    if args.json:
        print_json([_as_json(alert) for alert in alerts])
        return 0
    for alert in alerts:
        print(_line(alert))
    if not alerts:
        print("Aucune alerte ouverte.")
    return 0


def _today(args: argparse.Namespace) -> date:
    return parse_today(args.today)


def cmd_mark(args: argparse.Namespace) -> int:
    today = _today(args)
    until = parse_date(args.snooze, "--snooze") if args.snooze else None
    status = AlertStatus.SNOOZED if until is not None else AlertStatus.DONE
    try:
        kind, record = parse_alert_key(args.key)
        with opened_database(args) as database:
            with database.session() as session:  # the alert as it stands: its facts
                item = collect_alerts(session, today).find(kind, record)
            if item is None:
                raise CliError(f"Aucune alerte {args.key} aujourd'hui : rien à marquer.")
            with database.transaction() as session:
                mark_alert(session, item, status, today, until, args.note, this_program().user)
    except AlertMarkError as exc:
        raise CliError(str(exc)) from exc
    print(f"Alerte reportée au {format_date(until)}." if until else "Alerte marquée traitée.")
    return 0


def cmd_unmark(args: argparse.Namespace) -> int:
    try:
        kind, record = parse_alert_key(args.key)
        with opened_database(args) as database, database.transaction() as session:
            unmark_alert(session, kind, record)
    except AlertMarkError as exc:
        raise CliError(str(exc)) from exc
    print("Marque annulée : l'alerte est de nouveau ouverte.")
    return 0
