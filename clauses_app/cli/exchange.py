"""Exchange commands: export, import (Clause files) and import-sheet (XLSX/CSV).

Exit status: 0 when everything was accepted, 1 when anything was refused (the database is
then unchanged, unless --only-valid imported the valid rows), 2 for a usage mistake.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from clauses_app.cli.common import (
    CliError,
    opened_database,
    optional_uuid,
    parse_date,
    print_json,
)
from clauses_app.cli.french import french_os_error
from clauses_app.exchange import (
    ImportReport,
    Scope,
    export_clause_file,
    import_clause_file,
    preview_clause_file,
)
from clauses_app.exchange.labels import entity_label
from clauses_app.exchange.sheets import KINDS, field_labels, save_profile
from clauses_app.exchange.sheets.mapping import profile_key
from clauses_app.exchange.sheets.service import BatchReport, SheetReport
from clauses_app.formatting import format_hours, format_month, format_number
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

    sheet = subparsers.add_parser(
        "import-sheet",
        help="importer des tableaux XLSX ou CSV (plusieurs fichiers ou un dossier : tout ou rien)",
        description="Importe un ou plusieurs tableurs du même genre en une seule fois : si un "
        "fichier comporte une erreur, aucun n'est importé. Un dossier vaut pour ses fichiers "
        ".xlsx et .csv. Les relevés préparés par « clauses statements prepare » sont reconnus "
        "sans correspondance de colonnes.",
    )
    sheet.add_argument("file", metavar="FICHIER", nargs="+", help="fichier(s) ou dossier(s)")
    sheet.add_argument("--kind", required=True, choices=KINDS, help="tracker ou hours")
    sheet.add_argument("--mapping", metavar="NOM", help="profil de correspondance enregistré")
    sheet.add_argument(
        "--save-mapping", metavar="NOM", help="enregistrer la correspondance utilisée sous ce nom"
    )
    sheet.add_argument(
        "--map-value",
        metavar="EN-TÊTE:TEXTE=CODE",
        action="append",
        default=[],
        help="code d'une valeur non reconnue, ex. « Type de contrat:Contrat aidé=CDDI » "
        "(l'en-tête tel qu'écrit dans le fichier ; répétable ; enregistré avec --save-mapping)",
    )
    sheet.add_argument(
        "--column",
        metavar="CHAMP=EN-TÊTE",
        action="append",
        default=[],
        help="la colonne d'une information que la correspondance n'a pas trouvée (ou a mal "
        "choisie), ex. « Heures réalisées=H. réalisées » (répétable ; enregistrée avec "
        "--save-mapping)",
    )
    sheet.add_argument(
        "--month",
        metavar="AAAA-MM",
        help="mois attendu des relevés préparés (sinon celui du premier)",
    )
    sheet.add_argument("--dry-run", action="store_true", help="aperçu seulement, rien n'est écrit")
    sheet.add_argument(
        "--only-valid", action="store_true", help="importer les lignes valides malgré des erreurs"
    )
    sheet.add_argument("--json", action="store_true", help="sortie JSON")
    sheet.set_defaults(handler=cmd_import_sheet)


def _scope(args: argparse.Namespace) -> Scope:
    start = parse_date(args.date_from, "--from") if args.date_from is not None else None
    end = parse_date(args.date_to, "--to") if args.date_to is not None else None
    if start and end and end < start:
        raise CliError("La date de fin (--to) précède la date de début (--from).")
    return Scope(
        authority=optional_uuid(args.authority, "--authority"),
        operation=optional_uuid(args.operation, "--operation"),
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
            raise CliError(
                f"Impossible d'écrire « {args.file} » : {french_os_error(exc)}."
            ) from None
    total = sum(result.rows.values())
    print(f"Export : {_count(total)} lignes dans {result.path}")
    for entity, rows in result.rows.items():
        print(f"  {entity_label(entity):<24} {_count(rows):>9}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _check_file(args.file)
    with opened_database(args) as database:
        if args.dry_run:
            report = preview_clause_file(database, args.file)
        else:
            report = import_clause_file(database, args.file, only_valid=args.only_valid)
    return _finish(report, args)


def parse_map_values(texts: list[str]) -> dict[str, dict[str, str]]:
    """``["Type de contrat:Contrat aidé=CDDI", …]`` → ``{header: {text: code}}``."""
    result: dict[str, dict[str, str]] = {}
    for text in texts:
        head, sep, code = text.rpartition("=")
        header, colon, value = head.partition(":")
        if not (sep and colon and header.strip() and value.strip() and code.strip()):
            raise CliError(
                f"--map-value : « {text} » n'a pas la forme « En-tête de colonne:texte=CODE »."
            )
        result.setdefault(header.strip(), {})[value.strip()] = code.strip()
    return result


def parse_columns(texts: list[str], kind: str) -> dict[str, str]:
    """``["Heures réalisées=H. réalisées", …]`` → ``{field: header}``: the field by its name
    (``hours_done``) or as the mapping step labels it (accents and case ignored)."""
    from clauses_app.exchange.sheets.mapping import field_labels
    from clauses_app.exchange.sheets.values import normalise

    labels = field_labels(kind)
    by_text = {normalise(label): name for name, label in labels.items()}
    by_text.update({normalise(name): name for name in labels})
    result: dict[str, str] = {}
    for text in texts:
        field, sep, header = text.partition("=")
        if not (sep and field.strip() and header.strip()):
            raise CliError(f"--column : « {text} » n'a pas la forme « Information=En-tête ».")
        name = by_text.get(normalise(field))
        if name is None:
            known = ", ".join(f"« {label} »" for label in labels.values())
            raise CliError(f"--column : information inconnue « {field.strip()} » ; "
                           f"au choix : {known}.")  # fmt: skip
        result[name] = header.strip()
    return result


def cmd_import_sheet(args: argparse.Namespace) -> int:
    from clauses_app.exchange.sheets.service import field_values, import_sheets
    from clauses_app.exchange.sheets.statements import parse_month_key

    for name in args.file:
        if not Path(name).exists():
            raise CliError(f"Fichier introuvable : « {name} ».")
    header_values = parse_map_values(args.map_value)
    columns = parse_columns(args.column, args.kind)
    if args.save_mapping:  # a bad name is said before the import, not after it
        try:
            profile_key(args.kind, args.save_mapping)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    try:
        month = parse_month_key(args.month) if args.month else None
    except ValueError as exc:
        raise CliError(f"--month : {exc}") from None
    with opened_database(args) as database:
        try:
            batch = import_sheets(
                database, args.file, args.kind, profile=args.mapping, apply=not args.dry_run,
                only_valid=args.only_valid, month=month, header_values=header_values,
                columns=columns,
            )  # fmt: skip
        except OSError as exc:  # a file that cannot be read (a key pulled out, a network share)
            name = exc.filename or (args.file[0] if len(args.file) == 1 else None)
            where = f"« {name} »" if name else "un des fichiers donnés"
            raise CliError(f"Impossible de lire {where} : {french_os_error(exc)}.") from exc
        if not batch.files:
            raise CliError("Aucun fichier .xlsx ou .csv dans les dossiers donnés.")
        first = batch.files[0]
        if args.save_mapping and first.mapping and batch.applied:  # not for a refused import
            values = field_values(first.mapping, None, header_values)
            try:
                with database.transaction() as session:
                    save_profile(session, args.kind, args.save_mapping, first.mapping, values)
            except ValueError as exc:
                raise CliError(str(exc)) from None
    mapped = {h for f in batch.files for h in f.mapping.values()}
    for header in sorted(set(header_values) - mapped):
        print(f"Avertissement : --map-value : colonne « {header} » absente de la correspondance.")
    single = len(batch.files) == 1 and Path(args.file[0]).is_file()
    if args.json:
        if single:
            print_json(dict(first.to_json(), companies=batch.to_json()["companies"]))
        else:
            print_json(batch.to_json())
        return 0 if batch.ok else REFUSED
    for report in batch.files:
        if not single:
            print(f"=== {Path(report.source).name}")
        _print_report(report, args.dry_run, single)
    _print_batch(batch, args.dry_run, single)
    return 0 if batch.ok else REFUSED


def _print_batch(batch: BatchReport, dry_run: bool, single: bool) -> None:
    if batch.companies and (batch.applied or dry_run):  # nothing to sum up when refused
        month = f" ({format_month(*batch.month)})" if batch.month else ""
        print(f"Par entreprise{month} :")
        for company in batch.companies:
            training = (
                f", dont {format_hours(company.training)} de formation" if company.training else ""
            )
            print(
                f"  {company.name:<40} {company.rows:>4} ligne(s) "
                f"{format_hours(company.worked + company.training)}{training}"
            )
    if single:
        return
    refused = [Path(f.source).name for f in batch.files if not f.ok]
    if batch.applied:
        print(f"Import effectué : {len(batch.files)} fichier(s).")
    elif dry_run:
        print("Aperçu : rien n'a été écrit.")
    else:
        print(
            f"Import refusé ({', '.join(refused)}) : aucun fichier n'a été importé, la base n'a "
            "pas été modifiée."
        )


def _check_file(name: str) -> None:
    if not Path(name).is_file():
        raise CliError(f"Fichier introuvable : « {name} ».")


def _finish(report: ImportReport, args: argparse.Namespace) -> int:
    if args.json:
        print_json(report.to_json())
    else:
        _print_report(report, args.dry_run)
    return 0 if report.ok else REFUSED


def _count(value: int) -> str:
    """A count as French writes it (``12\u202f000``)."""
    return format_number(value, 0)


def _print_report(report: ImportReport, dry_run: bool, verdict: bool = True) -> None:
    if isinstance(report, SheetReport) and report.mapping:
        labels = field_labels(report.kind)
        where = f"feuille « {report.sheet} », " if report.sheet else ""
        print(f"Correspondance des colonnes ({where}en-tête ligne {report.header_row}) :")
        for field_name, header in report.mapping.items():
            print(f"  {labels[field_name]:<32} ← {header}")
    print(f"{'Entité':<24} {'nouveaux':>9} {'modifiés':>9} {'inchangés':>10} {'conflits':>9}")
    for entity, counts in report.counts.items():
        print(
            f"{entity_label(entity):<24} {_count(counts.new):>9} {_count(counts.updated):>9} "
            f"{_count(counts.unchanged):>10} {_count(counts.conflicts):>9}"
        )
    for entity, removed in report.removed.items():
        print(
            f"{entity_label(entity)} : {_count(removed)} total(s) remplacé(s) par des relevés "
            "mensuels"
        )
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
    if isinstance(report, SheetReport):
        for field_name, values in report.unknown_values.items():
            label = field_labels(report.kind).get(field_name, field_name)
            header = report.mapping.get(field_name, label)
            for text, rows in values.items():
                print(
                    f"Valeur non reconnue ({label}) : « {text} » ({rows} ligne(s)) ; précisez "
                    f"son code avec --map-value \"{header}:{text}=CODE\""
                )
    if not verdict:
        return
    if report.applied:
        print("Import effectué." if report.ok else "Lignes valides importées, les autres refusées.")
    elif dry_run:
        print("Aperçu : rien n'a été écrit.")
    else:
        print("Import refusé : la base n'a pas été modifiée.")
