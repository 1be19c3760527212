"""Preview and import of spreadsheets (trackers and hour statements): the services the
window and the command line call.

Both run the whole import inside one transaction; the preview (and an import with errors,
unless ``only_valid``) rolls it back, so what the preview shows is exactly what the import
does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clauses_app.exchange.limits import DEFAULT_LIMITS, ImportLimits
from clauses_app.exchange.report import ErrorSink, ImportReport
from clauses_app.exchange.safety import UnsafeFileError
from clauses_app.exchange.sheets.grid import read_sheets
from clauses_app.exchange.sheets.hours import HoursImport
from clauses_app.exchange.sheets.mapping import (
    FIELDS,
    KINDS,
    REQUIRED,
    TRACKER,
    Table,
    field_labels,
    find_table,
    guess_mapping,
    load_profile,
)
from clauses_app.exchange.sheets.tracker import TrackerImport
from clauses_app.services.progress import Progress, report
from clauses_app.storage import Database


@dataclass
class SheetReport(ImportReport):
    """An import report with what the mapping step shows: headers, mapping, sheet."""

    kind: str = TRACKER
    sheet: str | None = None
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        result = super().to_json()
        result["mapping"] = dict(self.mapping)
        return result


class _Rollback(Exception):
    pass


def preview_sheet(
    database: Database,
    path: str | Path,
    kind: str,
    mapping: dict[str, str] | None = None,
    profile: str | None = None,
    limits: ImportLimits | None = None,
    progress: Progress | None = None,
) -> SheetReport:
    """What importing the spreadsheet would do; the database is left unchanged.
    ``progress`` is told of the rows checked and may cancel by raising."""
    return _run(database, Path(path), kind, mapping, profile, False, False, progress, limits)


def import_sheet(
    database: Database,
    path: str | Path,
    kind: str,
    mapping: dict[str, str] | None = None,
    profile: str | None = None,
    only_valid: bool = False,
    progress: Progress | None = None,
    limits: ImportLimits | None = None,
) -> SheetReport:
    """Import a tracker (``kind="tracker"``) or an hour statement (``kind="hours"``).

    The mapping is, in order: ``mapping``, the saved profile named ``profile``, the guess
    from the headers. Any error changes nothing unless ``only_valid``.
    """
    return _run(database, Path(path), kind, mapping, profile, True, only_valid, progress, limits)


def _run(
    database: Database,
    path: Path,
    kind: str,
    mapping: dict[str, str] | None,
    profile: str | None,
    apply: bool,
    only_valid: bool,
    progress: Progress | None,
    limits: ImportLimits | None,
) -> SheetReport:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    limits = limits or DEFAULT_LIMITS
    result = SheetReport(source=str(path), kind=kind)
    sink = ErrorSink(result, limits.max_errors)
    report(progress, 0, 3, "Lecture du fichier")
    try:
        sheets = read_sheets(path, limits)
    except UnsafeFileError as exc:
        sink.error(str(exc), file=path.name)
        return result
    if mapping is None and profile:
        with database.session() as session:
            mapping = load_profile(session, kind, profile)
        if mapping is None:
            sink.error(f"profil de correspondance « {profile} » introuvable", file=path.name)
            return result
    table = find_table(sheets, kind, mapping)
    if table is None:
        sink.error("aucune ligne d'en-tête reconnue dans les 30 premières lignes", file=path.name)
        return result
    result.sheet, result.header_row, result.headers = table.sheet, table.header_row, table.headers
    for number, reason in table.skipped:
        sink.warning(reason, file=path.name, sheet=table.sheet, row=number)
    result.mapping = dict(mapping) if mapping is not None else guess_mapping(table.headers, kind)
    if not _mapping_usable(result, table, sink, path.name):
        return result
    report(progress, 1, 3, "Contrôle des lignes")
    importer_class = TrackerImport if kind == TRACKER else HoursImport
    importer = importer_class(table, result.mapping, result, sink, path.name)
    try:
        with database.transaction() as session:
            importer.run(session)
            report(progress, 2, 3, "Enregistrement")
            if not apply or not (result.ok or only_valid):
                raise _Rollback
            result.applied = True
    except _Rollback:
        result.applied = False
    report(progress, 3, 3, "Terminé")
    return result


def _mapping_usable(result: SheetReport, table: Table, sink: ErrorSink, name: str) -> bool:
    labels = field_labels(result.kind)
    known = {f.name for f in FIELDS[result.kind]}
    usable = True
    for field_name, header in result.mapping.items():
        if field_name not in known:
            sink.error(f"champ inconnu dans la correspondance : « {field_name} »", file=name)
            usable = False
        elif header not in table.headers:
            sink.error(
                f"colonne « {header} » (pour {labels[field_name]}) absente de l'en-tête",
                file=name,
                sheet=table.sheet,
                row=table.header_row,
            )
            usable = False
    for field_name in REQUIRED[result.kind]:
        if field_name not in result.mapping:
            sink.error(
                f"colonne obligatoire non trouvée : {labels[field_name]} (corrigez la "
                "correspondance des colonnes)",
                file=name,
                sheet=table.sheet,
                row=table.header_row,
                column=labels[field_name],
            )
            usable = False
    return usable
