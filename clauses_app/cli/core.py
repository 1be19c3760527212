"""Core commands: init, estimate, stats, authorities."""

from __future__ import annotations

import argparse
import os
from decimal import Decimal

from sqlalchemy import select

from clauses_app import paths
from clauses_app.cli.common import (
    HOURS,
    PERCENT,
    CliError,
    opened_database,
    optional_uuid,
    parse_decimal,
    period_from_args,
    print_json,
)
from clauses_app.formatting import format_etp, format_hours, format_percent
from clauses_app.models import ContractingAuthority
from clauses_app.services.hours_apart import pending_phrase, unawarded_phrase
from clauses_app.services.settings import AppSettings
from clauses_app.services.sizing import SizingError, size_clause, size_invoiced
from clauses_app.services.stats import APART_KEYS, database_stats


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    init = subparsers.add_parser("init", help="créer ou mettre à jour la base de données")
    init.set_defaults(handler=cmd_init)

    estimate = subparsers.add_parser(
        "estimate", help="dimensionner une clause (heures d'insertion à prescrire)"
    )
    estimate.add_argument("--amount", help="montant HT en euros")
    estimate.add_argument("--labour-share", help="part de main-d'œuvre, en %%")
    estimate.add_argument("--rate", help="taux d'insertion, en %%")
    estimate.add_argument("--hourly-cost", help="coût horaire chargé en euros (défaut : réglage)")
    estimate.add_argument(
        "--invoiced", help="accord-cadre : montant HT facturé en euros (avec --euros-per-hour)"
    )
    estimate.add_argument(
        "--euros-per-hour", help="accord-cadre : « N heure(s) par X € HT facturés », X en euros"
    )
    estimate.add_argument("--hours", help="accord-cadre : N heures par tranche (défaut : 1)")
    estimate.add_argument("--json", action="store_true", help="sortie JSON")
    estimate.set_defaults(handler=cmd_estimate)

    stats = subparsers.add_parser("stats", help="chiffres clés de la base")
    stats.add_argument("--authority", help="UUID du donneur d'ordre")
    stats.add_argument("--year", type=int, help="année (AAAA)")
    stats.add_argument("--from", dest="date_from", help="début de période (AAAA-MM-JJ)")
    stats.add_argument("--to", dest="date_to", help="fin de période (AAAA-MM-JJ)")
    stats.add_argument(
        "--apart", action="store_true",
        help="aussi les heures en attente de justification d'éligibilité et les heures "
        "prévues non attribuées (comme le tableau de bord)",
    )  # fmt: skip
    stats.add_argument("--json", action="store_true", help="sortie JSON")
    stats.set_defaults(handler=cmd_stats)

    authorities = subparsers.add_parser("authorities", help="lister les donneurs d'ordre")
    authorities.add_argument("--json", action="store_true", help="sortie JSON")
    authorities.set_defaults(handler=cmd_authorities)


def cmd_init(args: argparse.Namespace) -> int:
    with opened_database(args, create=True) as database:
        message = f"Base prête : {database.display_name}"
        if database.backup_path:
            message += f" (sauvegarde avant mise à jour : {database.backup_path})"
        print(message)
    return 0


def cmd_estimate(args: argparse.Namespace) -> int:
    invoiced = args.invoiced is not None or args.euros_per_hour is not None
    by_amount = any(v is not None for v in (args.amount, args.labour_share, args.rate))
    if invoiced and by_amount:
        raise CliError(
            "Choisissez : --amount, --labour-share et --rate (montant du marché), ou "
            "--invoiced et --euros-per-hour (accord-cadre facturé)."
        )
    if invoiced and (args.invoiced is None or args.euros_per_hour is None):
        raise CliError("Un accord-cadre se dimensionne avec --invoiced et --euros-per-hour.")
    if not invoiced and None in (args.amount, args.labour_share, args.rate):
        raise CliError("Indiquez --amount, --labour-share et --rate (ou --invoiced et "
                       "--euros-per-hour pour un accord-cadre).")  # fmt: skip
    # The settings of the database the command would open, when there is one: a sizing
    # needs no database, but « défaut : réglage » means the facilitator's own.
    if args.db or os.environ.get(paths.DB_ENV) or paths.default_database_path().exists():
        from clauses_app.services.settings import load_settings

        with opened_database(args) as database, database.session() as session:
            settings = load_settings(session)
    else:
        settings = AppSettings()
    try:
        if invoiced:
            sizing = size_invoiced(
                parse_decimal(args.invoiced, "--invoiced"),
                parse_decimal(args.euros_per_hour, "--euros-per-hour"),
                parse_decimal(args.hours, "--hours", HOURS) if args.hours else Decimal(1),
                settings,
            )
        else:
            sizing = size_clause(
                parse_decimal(args.amount, "--amount"),
                parse_decimal(args.labour_share, "--labour-share", PERCENT),
                parse_decimal(args.rate, "--rate", PERCENT),
                parse_decimal(args.hourly_cost, "--hourly-cost") if args.hourly_cost else None,
                settings,
            )
    except SizingError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        hours = sizing.required_hours
        print_json(
            {
                "required_hours": int(hours) if hours == hours.to_integral() else float(hours),
                "etp": float(sizing.etp),
            }
        )
    else:
        print(f"Heures d'insertion à prescrire : {format_hours(sizing.required_hours)}")
        print(f"Équivalent temps plein : {format_etp(sizing.etp)}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    authority = optional_uuid(args.authority, "--authority")
    period = period_from_args(args)
    with opened_database(args) as database, database.session() as session:
        scope = "tous les donneurs d'ordre"
        if authority is not None:
            found = session.get(ContractingAuthority, authority)
            if found is None:
                raise CliError(f"Donneur d'ordre inconnu : {authority}.")
            scope = found.name
        stats = database_stats(session, authority, period, apart=args.apart)
    if args.json:
        print_json(stats)
        return 0
    # Which figures these are: with a period, the records it concerns (services.stats), not
    # every record of the database (`clauses demo` counts those).
    concerned = "" if period.is_all_time else " (ce qui concerne la période)"
    print(f"{period.label().capitalize()}{concerned} · {scope}")
    labels = {
        "authorities": "Donneurs d'ordre",
        "operations": "Opérations",
        "contracts": "Marchés",
        "lots": "Lots",
        "companies": "Entreprises attributaires",
        "awards": "Attributions",
        "participants": "Participants",
        "employments": "Contrats de travail",
    }
    for key, label in labels.items():
        print(f"{label:<28} {stats[key]}")
    print(f"{'Heures prescrites':<28} {format_hours(stats['hours_required'])}")
    print(f"{'Heures réalisées':<28} {format_hours(stats['hours_done'])}")
    print(f"{'ETP réalisés':<28} {format_etp(stats['etp_done'])}")
    rate = stats["completion_rate"]
    print(f"{'Taux de réalisation':<28} {format_percent(rate) if rate is not None else '—'}")
    if args.apart:
        figure = {key: Decimal(str(stats[key])) for key in APART_KEYS}
        pending = pending_phrase(figure["pending_counted"], figure["pending_excluded"])
        unawarded = unawarded_phrase(figure["unawarded_hours"])
        apart = "; ".join(p for p in (pending, unawarded) if p) or "—"
        print(f"{'Heures mises à part':<28} {apart}")
    return 0


def cmd_authorities(args: argparse.Namespace) -> int:
    with opened_database(args) as database, database.session() as session:
        rows = session.execute(
            select(ContractingAuthority.uuid, ContractingAuthority.name).order_by(
                ContractingAuthority.name, ContractingAuthority.uuid
            )
        ).all()
    if args.json:
        print_json([{"uuid": str(u), "name": n} for u, n in rows])
    else:
        for u, n in rows:
            print(f"{u}  {n}")
    return 0
