"""``clauses report``: balance reports (bilans) and clause wording for tender documents."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from clauses_app.cli.common import (
    CliError,
    opened_database,
    optional_uuid,
    parse_decimal,
    period_from_args,
)
from clauses_app.cli.outputs import output_format
from clauses_app.formatting import format_money

BASES = ("L2112-2", "L2152-7", "L2113-12", "L2113-13", "R2123-1")

# The highest penalty per missing hour a clause may state (a mistyped figure, not a policy).
MAX_PENALTY = Decimal(100_000)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = subparsers.add_parser("report", help="bilans et rédaction de clauses (DOCX, PDF)")
    documents = report.add_subparsers(dest="document", metavar="DOCUMENT", required=True)

    balance = documents.add_parser("balance", help="bilan d'un ou de tous les donneurs d'ordre")
    target = balance.add_mutually_exclusive_group(required=True)
    target.add_argument("--authority", metavar="UUID", help="UUID du donneur d'ordre")
    target.add_argument("--all", action="store_true", help="un bilan par donneur d'ordre")
    target.add_argument("--first", action="store_true", help="le premier donneur d'ordre (nom)")
    balance.add_argument("--year", type=int, help="année (AAAA)")
    balance.add_argument("--from", dest="date_from", help="début de période (AAAA-MM-JJ)")
    balance.add_argument("--to", dest="date_to", help="fin de période (AAAA-MM-JJ)")
    balance.add_argument(
        "--format", choices=("pdf", "docx"), help="défaut : l'extension du fichier, sinon pdf"
    )
    balance.add_argument("--out", required=True, help="fichier (ou dossier avec --all)")
    balance.add_argument(
        "--nominative",
        action="store_true",
        help="joindre l'annexe nominative (données personnelles) ; le fichier dira NOMINATIF",
    )
    balance.set_defaults(handler=cmd_balance)

    clause = documents.add_parser("clause", help="rédaction de la clause pour le DCE (DOCX)")
    scope = clause.add_mutually_exclusive_group(required=True)
    scope.add_argument("--lot", metavar="UUID")
    scope.add_argument("--contract", metavar="UUID")
    scope.add_argument("--operation", metavar="UUID")
    clause.add_argument("--basis", choices=BASES, default="L2112-2", help="fondement juridique")
    clause.add_argument("--out", required=True, help="fichier DOCX à écrire")
    clause.add_argument("--penalty", help="pénalité par heure non réalisée, en euros")
    clause.add_argument("--template-dir", help="dossier de modèles personnalisés")
    clause.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NOM=VALEUR",
        help="valeur d'un champ du modèle (répétable), ex. ponderation_critere=10 %%",
    )
    clause.set_defaults(handler=cmd_clause)


def cmd_balance(args: argparse.Namespace) -> int:
    from clauses_app.reports import ReportError
    from clauses_app.reports.balance import (
        authorities_to_report,
        write_all_balance_reports,
        write_balance_report,
    )

    period = period_from_args(args)
    chosen = optional_uuid(args.authority, "--authority")  # said before the base is opened
    if args.all:  # a folder: the format asked, else PDF
        fmt = args.format or "pdf"
    else:
        fmt = output_format(args.out, args.format, ("pdf", "docx"), "pdf")
    with opened_database(args) as database:
        try:
            if args.all:
                if args.nominative:
                    raise CliError("L'annexe nominative se demande pour un seul donneur d'ordre.")
                paths = write_all_balance_reports(database, period, fmt, Path(args.out))
                for path in paths:
                    print(path)
                print(f"{len(paths)} bilan(s) écrit(s) dans {args.out}")
                return 0
            if args.first:
                candidates = authorities_to_report(database)
                if not candidates:
                    raise CliError("Aucun donneur d'ordre avec des marchés dans la base.")
                authority = candidates[0][0]
            else:
                assert chosen is not None  # argparse: --authority, --all or --first
                authority = chosen
            path = write_balance_report(
                database, authority, period, fmt, Path(args.out),
                nominative=args.nominative,
            )  # fmt: skip
        except ReportError as exc:
            raise CliError(str(exc)) from None
    print(f"Bilan écrit : {path}")
    return 0


def _values(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--set attend NOM=VALEUR : « {pair} ».")
        values[name.strip()] = value.strip()
    return values


def _template_folder(text: str | None) -> Path | None:
    """The folder of ``--template-dir``, refused when it is not one: a mistyped folder would
    otherwise give the default wording without a word."""
    if text is None:
        return None
    folder = Path(text).expanduser()
    if not folder.is_dir():
        what = "n'est pas un dossier" if folder.exists() else "n'existe pas"
        raise CliError(f"--template-dir : le dossier « {folder} » {what}.")
    return folder


def cmd_clause(args: argparse.Namespace) -> int:
    from clauses_app.reports import ReportError
    from clauses_app.reports.clause_wording import write_clause_wording

    penalty = parse_decimal(args.penalty, "La pénalité") if args.penalty else None
    if penalty is not None and not 0 <= penalty <= MAX_PENALTY:
        raise CliError(
            f"La pénalité doit être comprise entre 0 et {format_money(MAX_PENALTY)} par heure : "
            f"« {args.penalty} »."
        )
    if Path(args.out).suffix.lower() != ".docx":
        raise CliError("La clause s'écrit en DOCX, à compléter dans Word : donnez un nom de "
                       f"fichier .docx, pas « {Path(args.out).name} ».")  # fmt: skip
    scope = {
        "lot_uuid": optional_uuid(args.lot, "--lot"),
        "contract_uuid": optional_uuid(args.contract, "--contract"),
        "operation_uuid": optional_uuid(args.operation, "--operation"),
    }
    template_dir = _template_folder(args.template_dir)
    with opened_database(args) as database:
        try:
            result = write_clause_wording(
                database, **scope, basis=args.basis, out_path=Path(args.out),
                template_dir=template_dir,
                penalty_per_hour=penalty, values=_values(args.set),
            )  # fmt: skip
        except ReportError as exc:
            raise CliError(str(exc)) from None
    print(f"Clause écrite : {result.path}")
    for name in result.unfilled:
        print(f"Champ à compléter dans le document : {name}", file=sys.stderr)
    for name in result.unknown:
        print(f"Champ inconnu dans le modèle : {name}", file=sys.stderr)
    return 0
