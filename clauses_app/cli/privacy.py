"""Personal data commands (guide §5): export, purge, anonymize, archive, hold, log.

``clauses privacy export`` gives everything stored about one participant (right of access);
``purge`` anonymises the participants past their retention and never prints a name;
``anonymize`` does it for one person at once (erasure request); ``archive`` marks a
participant kept only for audit; ``hold`` keeps one past the retention
(e.g. a European Social Fund audit); ``log`` lists past purges. See docs/privacy.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clauses_app.cli.common import (
    CliError,
    opened_database,
    parse_date,
    parse_today,
    parse_uuid,
    print_json,
)
from clauses_app.cli.outputs import output_format
from clauses_app.formatting import format_date, plural
from clauses_app.reports import access
from clauses_app.reports.errors import ReportError
from clauses_app.services import erasure, privacy
from clauses_app.services.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = subparsers.add_parser(
        "privacy", help="données personnelles : droit d'accès, purge, archivage (RGPD)"
    )
    actions = group.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="tout ce qui est enregistré sur un participant")
    export.add_argument("--participant", required=True, metavar="UUID")
    export.add_argument(
        "--format",
        choices=("pdf", "docx", "json"),
        help="pdf ou docx (document lisible), json (défaut ; clés en français)",
    )
    export.add_argument(
        "--out", metavar="FICHIER", help="fichier à écrire (sinon : JSON à l'écran)"
    )
    export.set_defaults(handler=cmd_export)

    purge = actions.add_parser(
        "purge", help="anonymiser les participants dont la durée de conservation est dépassée"
    )
    purge.add_argument("--today", metavar="DATE", help="date de référence (défaut : aujourd'hui)")
    purge.add_argument("--dry-run", action="store_true", help="lister seulement, rien n'est écrit")
    purge.add_argument("--json", action="store_true", help="sortie JSON")
    purge.set_defaults(handler=cmd_purge)

    archive = actions.add_parser("archive", help="archiver un participant (ou --undo)")
    archive.add_argument("--participant", required=True, metavar="UUID")
    archive.add_argument("--undo", action="store_true", help="le remettre parmi les actifs")
    archive.set_defaults(handler=cmd_archive)

    anonymize = actions.add_parser(
        "anonymize", help="anonymiser un participant tout de suite (demande d'effacement)"
    )
    anonymize.add_argument("--participant", required=True, metavar="UUID")
    anonymize.set_defaults(handler=cmd_anonymize)

    hold = actions.add_parser(
        "hold", help="conserver un participant au-delà de la durée (contrôle FSE…), ou --undo"
    )
    hold.add_argument("--participant", required=True, metavar="UUID")
    hold.add_argument(
        "--until", metavar="DATE",
        help="conserver jusqu'à cette date incluse (aujourd'hui ou plus tard)",
    )  # fmt: skip
    hold.add_argument(
        "--reason", default="",
        help="motif, obligatoire avec --until (ex. : contrôle FSE 2021-2027)",
    )  # fmt: skip
    hold.add_argument("--undo", action="store_true", help="lever la conservation prolongée")
    hold.set_defaults(handler=cmd_hold)

    log = actions.add_parser("log", help="journal des purges (dates, nombres, UUID)")
    log.add_argument("--json", action="store_true", help="sortie JSON")
    log.set_defaults(handler=cmd_log)


def _unknown(exc: privacy.UnknownParticipantError) -> CliError:
    return CliError(str(exc))


def cmd_export(args: argparse.Namespace) -> int:
    person = parse_uuid(args.participant, "--participant")
    fmt = output_format(args.out, args.format, access.FORMATS, "json") if args.out else (
        args.format or "json"
    )
    if not args.out:
        if fmt != "json":
            raise CliError(f"Indiquez --out FICHIER pour écrire le document {fmt.upper()}.")
        with opened_database(args) as database, database.session() as session:
            try:
                data = privacy.person_export(session, person)
            except privacy.UnknownParticipantError as exc:
                raise _unknown(exc) from None
        sys.stdout.write(json.dumps(access.french_keys(data), ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return 0
    with opened_database(args) as database:
        try:
            path = access.write_access_file(database, person, fmt, Path(args.out))
        except privacy.UnknownParticipantError as exc:
            raise _unknown(exc) from None
        except ReportError as exc:
            raise CliError(str(exc)) from None
    print(f"Données du participant écrites dans {path}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    today = parse_today(args.today)
    with opened_database(args) as database:
        if args.dry_run:
            with database.session() as session:
                settings = load_settings(session)
                result = privacy.preview_purge(session, today, settings)
        else:
            with database.session() as session:
                settings = load_settings(session)
            outcome = erasure.purge_database(database, today)
            assert outcome.result is not None
            result = outcome.result
    summary = _summary(result, settings.retention_years, args.dry_run)
    if not args.dry_run:
        summary.update(_erasure_summary(outcome))
    if args.json:
        print_json(summary)
    else:
        _print_summary(summary)
    return 0


def _erasure_summary(outcome: erasure.ErasureOutcome) -> dict[str, Any]:
    return {
        "backups_rewritten": outcome.backups_rewritten,
        "backups_deleted": outcome.backups_deleted,
        "compacted": outcome.compacted,
    }


def _print_erasure(summary: dict[str, Any]) -> None:
    if summary.get("backups_rewritten") or summary.get("backups_deleted"):
        print(
            f"Sauvegardes réécrites sans les personnes anonymisées : "
            f"{summary['backups_rewritten']} ; supprimées : {summary['backups_deleted']}."
        )
    if summary.get("compacted") is False:
        print(
            "La base est utilisée par un autre programme : l'anonymisation est enregistrée, "
            "le fichier sera compacté à la prochaine ouverture."
        )


def _summary(result: privacy.PurgeResult, retention_years: int, dry_run: bool) -> dict[str, Any]:
    purged = set(result.purged)
    return {
        "today": result.today.isoformat(),
        "retention_years": retention_years,
        "cutoff": result.cutoff.isoformat(),
        "dry_run": dry_run,
        "expired": len(result.expired),
        "archived": sum(1 for e in result.expired if e.archived),
        "to_purge": sum(1 for e in result.expired if not e.anonymised),
        "purged": len(purged),
        "already_anonymised": sum(1 for e in result.expired if e.anonymised),
        "held": result.held,
        "participants": [
            {
                "uuid": str(e.uuid),
                "last_activity": e.last_activity.isoformat(),
                "archived": e.archived,
                "anonymised": e.anonymised,
                "purged": e.uuid in purged,
            }
            for e in result.expired
        ],
    }


def _print_summary(summary: dict[str, Any]) -> None:
    cutoff = format_date(date.fromisoformat(summary["cutoff"]))
    print(
        f"Conservation : {plural(summary['retention_years'], 'an', 'ans')} après la dernière "
        "activité ; "
        f"expirés : dossiers sans activité depuis avant le {cutoff}."
    )
    print(
        f"Dossiers expirés : {summary['expired']} (dont archivés : {summary['archived']}) ; "
        f"déjà anonymisés : {summary['already_anonymised']} ; "
        f"conservés au-delà (contrôle FSE…) : {summary['held']}."
    )
    for row in summary["participants"]:
        state = "déjà anonymisé" if row["anonymised"] else "anonymisé" if row["purged"] else ""
        if summary["dry_run"] and not row["anonymised"]:
            state = "à anonymiser"
        archived = "archivé" if row["archived"] else "actif"
        last = format_date(date.fromisoformat(row["last_activity"]))
        print(f"  {row['uuid']}  dernière activité {last}  {archived}  {state}".rstrip())
    if summary["dry_run"]:
        print(f"Aperçu : {summary['to_purge']} dossier(s) à anonymiser, rien n'a été modifié.")
    else:
        print(f"Dossiers anonymisés : {summary['purged']}.")
        _print_erasure(summary)


def _participant(args: argparse.Namespace) -> uuid.UUID:
    return parse_uuid(args.participant, "--participant")


def cmd_archive(args: argparse.Namespace) -> int:
    person = _participant(args)
    with opened_database(args) as database:
        try:
            with database.transaction() as session:
                privacy.archive(session, person, archived=not args.undo)
        except privacy.UnknownParticipantError as exc:
            raise _unknown(exc) from None
    print(f"Participant {person} {'remis parmi les actifs' if args.undo else 'archivé'}.")
    return 0


def cmd_anonymize(args: argparse.Namespace) -> int:
    person = _participant(args)
    with opened_database(args) as database:
        try:
            outcome = erasure.anonymize_in_database(database, person, date.today())
        except privacy.UnknownParticipantError as exc:
            raise _unknown(exc) from None
    print(f"Participant {person} {'anonymisé' if outcome.changed else 'déjà anonymisé'}.")
    _print_erasure(_erasure_summary(outcome))
    return 0


def cmd_hold(args: argparse.Namespace) -> int:
    person = _participant(args)
    if args.undo == bool(args.until):
        raise CliError("Indiquez --until DATE pour conserver, ou --undo pour lever.")
    until = parse_date(args.until, "--until") if args.until else None
    with opened_database(args) as database:
        try:
            with database.transaction() as session:
                privacy.set_retention_hold(session, person, until, args.reason)
        except privacy.UnknownParticipantError as exc:
            raise _unknown(exc) from None
        except privacy.RetentionHoldError as exc:
            raise CliError(str(exc)) from None
    if until is None:
        print(f"Participant {person} : conservation prolongée levée.")
    else:
        print(f"Participant {person} conservé jusqu'au {format_date(until)} inclus.")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    with opened_database(args) as database, database.session() as session:
        entries = privacy.purge_log(session)
    if args.json:
        print_json(entries)
        return 0
    if not entries:
        print("Aucune purge enregistrée.")
    for entry in entries:
        why = (
            "demande de la personne"
            if entry.get("reason") == "REQUEST"
            else f"conservation {plural(entry['retention_years'], 'an', 'ans')}"
        )
        run_at = datetime.fromisoformat(entry["run_at"])
        today = format_date(date.fromisoformat(entry["today"]))
        print(
            f"{format_date(run_at.date())} {run_at:%H:%M} UTC  date de référence {today}  {why}  "
            f"dossiers anonymisés : {entry['purged']}"
        )
    return 0
