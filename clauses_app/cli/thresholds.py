"""``clauses thresholds``: the European thresholds by period (what Paramètres edits)."""

from __future__ import annotations

import argparse
from dataclasses import replace

from clauses_app.cli.common import (
    CliError,
    opened_database,
    parse_date,
    parse_decimal,
    parse_today,
    print_json,
)
from clauses_app.formatting import format_date, format_money
from clauses_app.services.thresholds import (
    ThresholdError,
    ThresholdPeriod,
    load_thresholds,
    needs_update,
    next_revision,
    save_thresholds,
    table_to_json,
)

AMOUNTS = (
    ("works", "--works", "travaux et concessions"),
    ("central_supplies", "--state", "fournitures et services de l'État"),
    ("local_supplies", "--local", "fournitures et services des collectivités"),
    ("utilities_defence", "--utilities", "entités adjudicatrices, défense ou sécurité"),
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = subparsers.add_parser(
        "thresholds", help="seuils européens par période (obligation sociale 2026)"
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="afficher la table et si elle est à mettre à jour")
    show.add_argument("--today", help="date du jour (AAAA-MM-JJ ; défaut : aujourd'hui)")
    show.add_argument("--json", action="store_true", help="sortie JSON")
    show.set_defaults(handler=cmd_show)
    add = actions.add_parser("add", help="ajouter une période (refusée si elle en chevauche une)")
    add.add_argument("--from", dest="start", required=True, help="début (AAAA-MM-JJ)")
    add.add_argument("--to", dest="end", required=True, help="fin (AAAA-MM-JJ)")
    for _name, option, label in AMOUNTS:
        add.add_argument(option, required=True, help=f"seuil {label}, en euros HT")
    add.add_argument("--source", default="", help="texte publiant ces seuils")
    add.set_defaults(handler=cmd_add)
    start = actions.add_parser("start", help="premier jour de l'obligation (défaut 2026-08-22)")
    start.add_argument("date", help="AAAA-MM-JJ")
    start.set_defaults(handler=cmd_start)


def cmd_show(args: argparse.Namespace) -> int:
    today = parse_today(args.today)
    with opened_database(args) as database, database.session() as session:
        table = load_thresholds(session)
    revision = next_revision(table)
    stale = needs_update(table, today)
    if args.json:
        value = table_to_json(table)
        value["next_revision"] = revision.isoformat() if revision else None
        value["needs_update"] = stale
        print_json(value)
        return 0
    print(f"Obligation : consultations lancées à partir du {format_date(table.obligation_start)}")
    for period in table.periods:
        print(f"Du {format_date(period.start)} au {format_date(period.end)} :")
        for name, _option, label in AMOUNTS:
            print(f"  {label:<45} {format_money(getattr(period, name))}")
        if period.source:
            print(f"  source : {period.source}")
    if stale and revision is not None:
        print(f"Seuils à mettre à jour : révision du {format_date(revision)}.")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    amounts = {
        name: parse_decimal(getattr(args, option[2:]), option) for name, option, _ in AMOUNTS
    }
    period = ThresholdPeriod(
        parse_date(args.start, "--from"), parse_date(args.end, "--to"), **amounts,
        source=args.source.strip(),
    )  # fmt: skip
    with opened_database(args) as database:
        try:
            with database.transaction() as session:
                table = load_thresholds(session)
                save_thresholds(session, replace(table, periods=(*table.periods, period)))
        except ThresholdError as exc:
            raise CliError(str(exc)) from None
    print(f"Période ajoutée : du {format_date(period.start)} au {format_date(period.end)}.")
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    day = parse_date(args.date, "La date")
    with opened_database(args) as database, database.transaction() as session:
        table = load_thresholds(session)
        save_thresholds(session, replace(table, obligation_start=day))
    print(f"Obligation applicable aux consultations lancées à partir du {format_date(day)}.")
    return 0
