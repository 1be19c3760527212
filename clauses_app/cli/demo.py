"""``clauses demo``: fill a database with deterministic synthetic data in French.

It may create the file named by ``--db``. A structure the user already named in the database
(``clauses organisation``, the window's first run) stays (services/demo)."""

from __future__ import annotations

import argparse

from clauses_app.cli.common import CliError, opened_database
from clauses_app.formatting import format_hours, format_number


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from clauses_app.services.demo.plan import SIZES

    demo = subparsers.add_parser(
        "demo",
        help="créer des données de démonstration (fictives, reproductibles)",
        description="Remplit la base avec des données fictives pour l'année 2025 : small "
        "(2 donneurs d'ordre), facilitator (l'année d'un facilitateur), territory (un "
        "dixième du national), national (les volumes de la consolidation nationale 2019). "
        "La même graine donne toujours les mêmes données.",
    )
    demo.add_argument(
        "--size", choices=SIZES, default="facilitator", help="taille (défaut : %(default)s)"
    )
    demo.add_argument("--seed", type=int, default=1, help="graine (défaut : %(default)s)")
    demo.add_argument(
        "--force",
        action="store_true",
        help="remplacer les données existantes (les listes de référence sont conservées)",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from clauses_app.services.demo import DemoError, generate_demo

    if args.seed < 0:
        raise CliError(f"La graine doit être un entier positif ou nul : {args.seed}.")
    with opened_database(args, create=True) as database:
        try:
            summary = generate_demo(database, args.size, args.seed, force=args.force)
        except DemoError as exc:
            raise CliError(str(exc)) from None
    counts = [
        (summary.authorities, "donneurs d'ordre"),
        (summary.contracts, "marchés"),
        (summary.lots, "lots"),
        (summary.companies, "entreprises"),
        (summary.participants, "participants"),
        (summary.employments, "contrats de travail"),
        (summary.hours_records, "relevés d'heures"),
    ]
    listed = ", ".join(f"{format_number(n, 0)} {label}" for n, label in counts)
    print(
        f"Données de démonstration « {summary.size} » (graine {summary.seed}) : {listed}, "
        f"{format_hours(summary.hours_recorded)} déclarées."
    )
    return 0
