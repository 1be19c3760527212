"""``clauses progress``: the lists' progress (services.list_progress) from the command line,
the same figures as the window's contracts, lots and awards, companies and employments.
``clauses export-list``: a list written to XLSX or CSV, as its « Exporter… » button does."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from clauses_app.cli.common import (
    CliError,
    check_year,
    opened_database,
    parse_uuid,
    print_json,
)
from clauses_app.exchange.list_export import export_list, list_export_columns
from clauses_app.formatting import format_hours, format_month, format_percent, plural
from clauses_app.models import ContractingAuthority
from clauses_app.reports.errors import ReportError
from clauses_app.services.list_progress import (
    HUNDRED,
    figure_columns,
    list_figures,
    rows_with_figures,
)
from clauses_app.services.records import Kind, ListQuery, ListRow, list_filters

# --by: the list, and the columns that name each row.
LISTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "contract": (Kind.CONTRACT, (("reference", "Référence"), ("authority", "Donneur d'ordre"))),
    "lot": (Kind.LOT, (("number", "Lot"), ("title", "Intitulé"), ("company", "Attributaire"))),
    "company": (Kind.COMPANY, (("name", "Raison sociale"),)),
    "employment": (
        Kind.EMPLOYMENT,
        (("participant", "Participant"), ("company", "Entreprise"), ("contract", "Marché")),
    ),
}
# export-list: the list, as the window names it (the sheet's title).
EXPORTS: dict[str, tuple[str, str]] = {
    "authorities": (Kind.AUTHORITY, "Donneurs d'ordre"),
    "operations": (Kind.OPERATION, "Opérations"),
    "contracts": (Kind.CONTRACT, "Marchés"),
    "companies": (Kind.COMPANY, "Entreprises"),
    "participants": (Kind.PARTICIPANT, "Participants"),
    "employments": (Kind.EMPLOYMENT, "Contrats et heures"),
}
SORTS = {
    "required": "hours_required",
    "done": "hours_done",
    "rate": "completion_rate",
    "last": "last_month",
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    progress = subparsers.add_parser(
        "progress",
        help="avancement par marché, lot, entreprise ou contrat de travail (comme les listes)",
    )
    progress.add_argument("--by", choices=tuple(LISTS), default="contract", help="la liste")
    progress.add_argument("--year", type=int, help="année (AAAA ; défaut : toutes)")
    progress.add_argument("--search", default="", help="mots cherchés, comme dans la liste")
    progress.add_argument("--contract", help="UUID du marché (ses lots, ses contrats de travail)")
    progress.add_argument(
        "--sort", choices=tuple(SORTS),
        help="trier sur un chiffre : heures exigées, réalisées, taux, dernier mois",
    )  # fmt: skip
    progress.add_argument("--desc", action="store_true", help="tri décroissant")
    progress.add_argument("--limit", type=int, help="nombre de lignes au plus (1 ou plus)")
    progress.add_argument("--json", action="store_true", help="sortie JSON")
    progress.set_defaults(handler=cmd_progress)
    export = subparsers.add_parser(
        "export-list",
        help="écrire une liste (comme son bouton « Exporter… ») dans un classeur XLSX ou CSV",
    )
    export.add_argument("list", choices=tuple(EXPORTS), help="la liste")
    export.add_argument("file", metavar="FICHIER", help="fichier .xlsx ou .csv à écrire")
    export.add_argument("--search", default="", help="mots cherchés, comme dans la liste")
    export.add_argument("--year", type=int, help="année (AAAA ; défaut : toutes)")
    export.add_argument("--authority", help="UUID du donneur d'ordre")
    export.set_defaults(handler=cmd_export_list)


def cmd_progress(args: argparse.Namespace) -> int:
    kind, names = LISTS[args.by]
    keys = [column.key for column in figure_columns(kind)]
    sort_key = SORTS[args.sort] if args.sort else None
    if sort_key is not None and sort_key not in keys:
        raise CliError(f"--sort {args.sort} ne s'applique pas à --by {args.by}.")
    check_year(args.year)
    if args.limit is not None and args.limit < 1:
        raise CliError(
            f"--limit compte les lignes à montrer : un entier d'au moins 1, pas {args.limit}."
        )
    filters: dict[str, Any] = {"year": args.year} if args.year is not None else {}
    if args.contract is not None:
        if kind not in (Kind.LOT, Kind.EMPLOYMENT):
            raise CliError("--contract s'applique à --by lot ou --by employment.")
        filters["contract_uuid"] = parse_uuid(args.contract, "--contract")
    query = ListQuery(args.search, filters, sort_key, args.desc)
    rows: list[ListRow] = []
    with opened_database(args) as database, database.session() as session:
        figures = list_figures(session, args.year)[kind]
        for batch in rows_with_figures(session, kind, query, figures):
            rows.extend(batch)
            if args.limit is not None and len(rows) >= args.limit:
                break
    if args.limit is not None:
        rows = rows[: args.limit]
    if args.json:
        print_json([_json_row(row, names, keys) for row in rows])
        return 0
    headers = [label for _key, label in names] + [c.label.replace("\n", " ") for c in
                                                  figure_columns(kind)]  # fmt: skip
    table = [[str(row.values.get(key) or "") for key, _label in names] + [
        _text(key, row.values.get(key)) for key in keys
    ] for row in rows]  # fmt: skip
    _print_table(headers, table, numbers=len(names))
    period = "toutes années" if args.year is None else f"année {args.year}"
    print(f"{len(rows)} ligne{'s' if len(rows) > 1 else ''} ; heures : {period}")
    return 0


def _text(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "completion_rate":
        return format_percent(Decimal(value) / HUNDRED)
    if key == "last_month":
        return format_month(value.year, value.month, short=True)
    return format_hours(value)


def _json_row(row: ListRow, names: tuple[tuple[str, str], ...], keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {"uuid": str(row.uuid)}
    if "award_uuid" in row.values:
        award = row.values["award_uuid"]
        found["award_uuid"] = None if award is None else str(award)
    for key, _label in names:
        found[key] = row.values.get(key)
    for key in keys:
        value = row.values.get(key)
        if isinstance(value, date):
            found[key] = f"{value.year:04d}-{value.month:02d}"
        elif key == "completion_rate" and value is not None:
            found[key] = str((Decimal(value) / HUNDRED).quantize(Decimal("0.0001")))
        else:
            found[key] = None if value is None else str(value)
    return found


def _print_table(headers: list[str], table: list[list[str]], numbers: int) -> None:
    """Columns aligned: names on the left, figures (from column ``numbers``) on the right."""
    widths = [max([len(h), *(len(r[i]) for r in table)]) for i, h in enumerate(headers)]
    widths = [min(w, 40) for w in widths]

    def line(cells: list[str]) -> str:
        parts = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            cell = cell if len(cell) <= width else cell[: width - 1] + "…"
            parts.append(cell.rjust(width) if i >= numbers else cell.ljust(width))
        return "  ".join(parts).rstrip()

    print(line(headers))
    for row in table:
        print(line(row))


def cmd_export_list(args: argparse.Namespace) -> int:
    kind, title = EXPORTS[args.list]
    path = Path(args.file)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise CliError(f"« {path.name} » : choisissez un fichier .xlsx ou .csv.")
    filters: dict[str, Any] = {}
    spec_filters = list_filters(kind)
    check_year(args.year)
    if args.year is not None:
        if "year" not in spec_filters:
            raise CliError(f"--year ne s'applique pas à la liste {args.list}.")
        filters["year"] = args.year
    if args.authority is not None:
        if "authority_uuid" not in spec_filters:
            raise CliError(f"--authority ne s'applique pas à la liste {args.list}.")
        filters["authority_uuid"] = parse_uuid(args.authority, "--authority")
    with opened_database(args) as database:
        if "authority_uuid" in filters:
            with database.session() as session:
                if session.get(ContractingAuthority, filters["authority_uuid"]) is None:
                    raise CliError(f"Donneur d'ordre inconnu : {args.authority}.")
        try:
            written = export_list(
                database, kind, ListQuery(args.search, filters), list_export_columns(kind),
                path, title,
            )  # fmt: skip
        except ReportError as exc:
            raise CliError(str(exc)) from None
    print(f"{plural(written, 'ligne écrite', 'lignes écrites')} dans {path}")
    return 0
