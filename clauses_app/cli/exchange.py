"""Exchange commands: export, import (Clause files) and import-sheet (XLSX/CSV).

Exit status: 0 when everything was accepted, 1 when anything was refused (the database is
then unchanged, unless --only-valid imported the valid rows), 2 for a usage mistake.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from clauses_app.cli.common import CliError, opened_database, parse_date, parse_uuid, print_json
from clauses_app.exchange import (
    ImportReport,
    Scope,
    export_clause_file,
    import_clause_file,
    import_sheet,
    preview_clause_file,
    preview_sheet,
)
from clauses_app.exchange.labels import entity_label
from clauses_app.exchange.sheets import KINDS, field_labels, save_profile
from clauses_app.exchange.sheets.service import SheetReport
from clauses_app.models import ContractingAuthority, Operation

REFUSED = 1
SHOWN_ISSUES = 50


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = subparsers.add_parser("export", help="exporter la base dans un fichier .clause")
    export.add_argument("file", metavar="FICHIER", help="fichier .clause à écrire")
    which = export.add_mutually_exclusive_group()
    which.add_argument("--authority", metavar="UUID", help="un seul donneur d'ordre")
    which.add_argument("--operation", metavar="UUID", help="une seule opération")
    export.add_argument("--from", dest="date_from", metavar="DATE", help="début de période")
    export.add_argument("--to", dest="date_to", metavar="DATE", help="fin de période")
    export.add_argument(
        "--anonymize", action="store_true", help="participants pseudonymisés (consolidation)"
    )
    export.set_defaults(handler=cmd_export)

    clause = subparsers.add_parser("import", help="importer un fichier .clause (fusion par UUID)")
    clause.add_argument("file", metavar="FICHIER")
    clause.add_argument("--dry-run", action="store_true", help="aperçu seulement, rien n'est écrit")
    clause.add_argument(
        "--only-valid", action="store_true", help="importer les lignes valides malgré des erreurs"
    )
    clause.add_argument("--json", action="store_true", help="sortie JSON")
    clause.set_defaults(handler=cmd_import)

    sheet = subparsers.add_parser("import-sheet", help="importer un tableau XLSX ou CSV")
    sheet.add_argument("file", metavar="FICHIER")
    sheet.add_argument("--kind", required=True, choices=KINDS, help="tracker ou hours")
    sheet.add_argument("--mapping", metavar="NOM", help="profil de correspondance enregistré")
    sheet.add_argument(
        "--save-mapping", metavar="NOM", help="enregistrer la correspondance utilisée sous ce nom"
    )
    sheet.add_argument("--dry-run", action="store_true", help="aperçu seulement, rien n'est écrit")
    sheet.add_argument(
        "--only-valid", action="store_true", help="importer les lignes valides malgré des erreurs"
    )
    sheet.add_argument("--json", action="store_true", help="sortie JSON")
    sheet.set_defaults(handler=cmd_import_sheet)


def _scope(args: argparse.Namespace) -> Scope:
    start = parse_date(args.date_from, "--from") if args.date_from else None
    end = parse_date(args.date_to, "--to") if args.date_to else None
    if start and end and end < start:
        raise CliError("La date de fin (--to) précède la date de début (--from).")
    return Scope(
        authority=parse_uuid(args.authority, "--authority") if args.authority else None,
        operation=parse_uuid(args.operation, "--operation") if args.operation else None,
        date_from=start,
        date_to=end,
    )


def cmd_export(args: argparse.Namespace) -> int:
    scope = _scope(args)
    with opened_database(args) as database:
        with database.session() as session:
            if scope.authority and session.get(ContractingAuthority, scope.authority) is None:
                raise CliError(f"Donneur d'ordre inconnu : {scope.authority}.")
            if scope.operation and session.get(Operation, scope.operation) is None:
                raise CliError(f"Opération inconnue : {scope.operation}.")
        try:
            result = export_clause_file(database, args.file, scope, anonymize=args.anonymize)
        except OSError as exc:
            raise CliError(f"Impossible d'écrire « {args.file} » : {exc.strerror}.") from None
    total = sum(result.rows.values())
    print(f"Export : {total} lignes dans {result.path}")
    for entity, rows in result.rows.items():
        print(f"  {entity_label(entity):<24} {rows}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _check_file(args.file)
    with opened_database(args) as database:
        if args.dry_run:
            report = preview_clause_file(database, args.file)
        else:
            report = import_clause_file(database, args.file, only_valid=args.only_valid)
    return _finish(report, args)


def cmd_import_sheet(args: argparse.Namespace) -> int:
    _check_file(args.file)
    with opened_database(args) as database:
        if args.dry_run:
            report = preview_sheet(database, args.file, args.kind, profile=args.mapping)
        else:
            report = import_sheet(
                database, args.file, args.kind, profile=args.mapping, only_valid=args.only_valid
            )
        if args.save_mapping and report.mapping and not args.dry_run:
            try:
                with database.transaction() as session:
                    save_profile(session, args.kind, args.save_mapping, report.mapping)
            except ValueError as exc:
                raise CliError(str(exc)) from None
    return _finish(report, args)


def _check_file(name: str) -> None:
    if not Path(name).is_file():
        raise CliError(f"Fichier introuvable : « {name} ».")


def _finish(report: ImportReport, args: argparse.Namespace) -> int:
    if args.json:
        print_json(report.to_json())
    else:
        _print_report(report, args.dry_run)
    return 0 if report.ok else REFUSED


def _print_report(report: ImportReport, dry_run: bool) -> None:
    if isinstance(report, SheetReport) and report.mapping:
        labels = field_labels(report.kind)
        where = f"feuille « {report.sheet} », " if report.sheet else ""
        print(f"Correspondance des colonnes ({where}en-tête ligne {report.header_row}) :")
        for field_name, header in report.mapping.items():
            print(f"  {labels[field_name]:<32} ← {header}")
    print(f"{'Entité':<24} {'nouveaux':>9} {'modifiés':>9} {'inchangés':>10} {'conflits':>9}")
    for entity, counts in report.counts.items():
        print(
            f"{entity_label(entity):<24} {counts.new:>9} {counts.updated:>9} "
            f"{counts.unchanged:>10} {counts.conflicts:>9}"
        )
    for entity, removed in report.removed.items():
        print(f"{entity_label(entity)} : {removed} total(s) remplacé(s) par des relevés mensuels")
    for conflict in report.conflicts[:SHOWN_ISSUES]:
        print(
            f"Conflit gardé en local : {entity_label(conflict.entity)} {conflict.uuid} (local "
            f"{conflict.local_updated_at:%d/%m/%Y %H:%M}, fichier "
            f"{conflict.file_updated_at:%d/%m/%Y %H:%M})"
        )
    for match in report.uncertain_matches:
        print(
            f"À confirmer, ligne {match.row} : {match.file_person} → {match.participant} "
            f"({match.reason})"
        )
    for warning in report.warnings[:SHOWN_ISSUES]:
        print(f"Avertissement : {warning}")
    for error in report.errors[:SHOWN_ISSUES]:
        print(f"Erreur : {error}")
    hidden = max(0, len(report.errors) - SHOWN_ISSUES) + report.errors_left_out
    if hidden:
        print(f"… et {hidden} autres erreurs (--json pour la liste complète).")
    if report.applied:
        print("Import effectué." if report.ok else "Lignes valides importées, les autres refusées.")
    elif dry_run:
        print("Aperçu : rien n'a été écrit.")
    else:
        print("Import refusé : la base n'a pas été modifiée.")
