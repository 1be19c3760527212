"""Monthly statements: ``clauses statements prepare --month AAAA-MM --out DOSSIER``.

The workbooks come back through ``clauses import-sheet FICHIER… --kind hours``.
"""

from __future__ import annotations

import argparse

from clauses_app.cli.common import CliError, opened_database, optional_uuid
from clauses_app.cli.french import french_os_error
from clauses_app.formatting import format_month, format_number, of_month


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    statements = subparsers.add_parser(
        "statements", help="relevés d'heures mensuels à faire remplir par les employeurs"
    )
    actions = statements.add_subparsers(dest="action", metavar="ACTION", required=True)
    prepare = actions.add_parser(
        "prepare",
        help="écrire un classeur pré-rempli par employeur pour un mois",
        description="Écrit, pour chaque employeur (l'employeur du contrat de travail, sinon "
        "l'entreprise attributaire), un classeur XLSX listant ses contrats de travail actifs "
        "dans le mois sur des marchés avec clause. Les classeurs remplis se réimportent avec "
        "« clauses import-sheet FICHIER… --kind hours ».",
    )
    prepare.add_argument("--month", required=True, metavar="AAAA-MM", help="mois du relevé")
    prepare.add_argument("--company", metavar="UUID", help="un seul employeur")
    prepare.add_argument("--out", required=True, metavar="DOSSIER", help="dossier où écrire")
    prepare.set_defaults(handler=cmd_prepare)


def cmd_prepare(args: argparse.Namespace) -> int:
    from clauses_app.exchange.sheets.statements import parse_month_key, prepare_statements
    from clauses_app.models import Company

    try:
        month = parse_month_key(args.month)
    except ValueError as exc:
        raise CliError(f"--month : {exc}") from None
    company = optional_uuid(args.company, "--company")
    with opened_database(args) as database:
        if company is not None:
            with database.session() as session:
                if session.get(Company, company) is None:
                    raise CliError(f"Entreprise inconnue : {company}.")
        try:
            result = prepare_statements(database, month, args.out, employer=company)
        except OSError as exc:
            raise CliError(
                f"Impossible d'écrire dans « {args.out} » : {french_os_error(exc)}."
            ) from None
    label = format_month(*month)
    if not result.files:
        print(f"Aucun contrat de travail actif en {label} sur un marché avec clause.")
        return 0
    print(
        f"Relevés {of_month(*month)} : {format_number(len(result.files), 0)} classeur(s), "
        f"{format_number(result.rows, 0)} ligne(s), dans {result.folder}"
    )
    for prepared in result.files:
        print(f"  {prepared.path.name:<60} {prepared.employer_name} ({prepared.rows} ligne(s))")
    return 0
