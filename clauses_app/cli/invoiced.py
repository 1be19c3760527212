"""``clauses invoiced add|list|remove``: the amounts invoiced on framework contracts.

A lot whose clause reads « N h per X € HT invoiced » owes hours as its companies invoice
(docs/counting-rules.md); ``add`` records one order's (or one month's) amount on an award,
``list`` shows them with their total (and their uuid in ``--json``), ``remove`` deletes one.
"""

from __future__ import annotations

import argparse
from decimal import Decimal

from clauses_app.cli.common import (
    CliError,
    opened_database,
    optional_uuid,
    parse_date,
    parse_decimal,
    parse_uuid,
    period_from_args,
    print_json,
)
from clauses_app.formatting import format_date, format_money
from clauses_app.services.invoices import add_invoice, invoiced_amounts, remove_invoice
from clauses_app.services.records.crud import ValidationError

FIELD_NAMES = {"award_uuid": "--award", "invoiced_on": "--date", "amount_ht": "--amount"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser(
        "invoiced", help="accords-cadres : montants facturés (heures par tranche facturée)"
    )
    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="enregistrer un montant facturé sur une attribution")
    add.add_argument("--award", required=True, metavar="UUID", help="l'attribution facturée")
    add.add_argument("--date", required=True, help="date de la facture (AAAA-MM-JJ)")
    add.add_argument("--amount", required=True, help="montant facturé, euros HT")
    add.add_argument("--reference", help="numéro du bon de commande ou de la facture")
    add.add_argument("--json", action="store_true", help="sortie JSON")
    add.set_defaults(handler=cmd_add)
    remove = actions.add_parser("remove", help="supprimer un montant facturé (son UUID, « list »)")
    remove.add_argument("uuid", metavar="UUID", help="le montant à supprimer")
    remove.set_defaults(handler=cmd_remove)
    listing = actions.add_parser("list", help="les montants facturés, par date")
    listing.add_argument("--award", metavar="UUID", help="une attribution")
    listing.add_argument("--contract", metavar="UUID", help="un marché")
    listing.add_argument("--year", type=int, help="année")
    listing.add_argument("--from", dest="date_from", help="début (AAAA-MM-JJ)")
    listing.add_argument("--to", dest="date_to", help="fin (AAAA-MM-JJ)")
    listing.add_argument("--json", action="store_true", help="sortie JSON")
    listing.set_defaults(handler=cmd_list)


def cmd_add(args: argparse.Namespace) -> int:
    award = parse_uuid(args.award, "--award")
    day = parse_date(args.date, "--date")
    amount = parse_decimal(args.amount, "--amount")
    with opened_database(args) as database:
        try:
            recorded = add_invoice(database, award, day, amount, args.reference)
        except ValidationError as exc:
            raise CliError(
                " ".join(f"{FIELD_NAMES.get(k, k)} : {v}" for k, v in exc.errors.items())
                + " Rien n'a été enregistré."
            ) from None
    if args.json:
        print_json({"uuid": str(recorded)})
    else:
        print(f"Montant facturé enregistré : {format_money(amount)} HT le {format_date(day)}.")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    invoice = parse_uuid(args.uuid, "L'identifiant du montant")
    with opened_database(args) as database:
        try:
            gone = remove_invoice(database, invoice)
        except LookupError as exc:
            raise CliError(f"{exc} Rien n'a été supprimé.") from None
    print(
        f"Montant facturé supprimé : {format_money(gone.amount_ht)} HT le "
        f"{format_date(gone.invoiced_on)} ({gone.contract} lot {gone.lot}, {gone.company})."
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    award = optional_uuid(args.award, "--award")
    contract = optional_uuid(args.contract, "--contract")
    period = period_from_args(args)
    with opened_database(args) as database, database.session() as session:
        rows = invoiced_amounts(session, period, award, contract)
    total = sum((row.amount_ht for row in rows), Decimal(0))
    if args.json:
        print_json({"amounts": [row.as_json() for row in rows], "total_ht": str(total)})
        return 0
    if not rows:
        print("Aucun montant facturé.")
        return 0
    for row in rows:
        print(
            f"{format_date(row.invoiced_on)}  {format_money(row.amount_ht):>16} HT  "
            f"{row.contract} lot {row.lot} — {row.company}"
            + (f"  ({row.reference})" if row.reference else "")
        )
    print(f"Total : {format_money(total)} HT ({len(rows)} montants)")
    return 0
