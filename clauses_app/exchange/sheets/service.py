"""Preview and import of spreadsheets (trackers and hour statements): the services the
window and the command line call.

One file or several (``import_sheets``): the files are read first, then every file is
imported inside one transaction, in order; the preview (and an import with any error in any
file, unless ``only_valid``) rolls it back, so what the preview shows is exactly what the
import does and a batch is all-or-nothing. A statement workbook made by
``statements.prepare_statements`` is recognised and needs no mapping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
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
    HOURS,
    KINDS,
    REQUIRED,
    TRACKER,
    Table,
    ValueMap,
    field_labels,
    find_tables,
    guess_mapping_and_doubts,
    headings_as_written,
    load_profile_values,
    value_key,
)
from clauses_app.exchange.sheets.statements import month_key
from clauses_app.exchange.sheets.statements_read import (
    CompanyHours,
    StatementImport,
    StatementWorkbook,
    employer_of,
    is_statement,
    read_statement,
)
from clauses_app.exchange.sheets.tracker import TrackerImport
from clauses_app.formatting import of_month
from clauses_app.models import Company
from clauses_app.services.database_identity import database_identity
from clauses_app.services.periods import Month
from clauses_app.services.progress import Progress, report
from clauses_app.storage import Database
from clauses_app.storage.backup import backup_before_change
from clauses_app.storage.connections import SHEET_IMPORT_CACHE_KIB, sqlite_page_cache

SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")


@dataclass
class SheetReport(ImportReport):
    """An import report with what the mapping step shows: headers, mapping, sheet, the first
    data rows, and the values of coded columns that were not understood."""

    kind: str = TRACKER
    sheet: str | None = None
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    sample_rows: list[list[Any]] = field(default_factory=list)
    # {field: {text as written: rows using it}} for coded columns not understood.
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    # A prepared statement workbook: its month ("2025-03") and employer's name.
    statement_month: str | None = None
    employer: str | None = None

    def to_json(self) -> dict[str, Any]:
        result = super().to_json()
        result["mapping"] = dict(self.mapping)
        if self.unknown_values:
            result["unknown_values"] = {k: dict(v) for k, v in self.unknown_values.items()}
        if self.statement_month:
            result["statement"] = {"month": self.statement_month, "employer": self.employer}
        return result


@dataclass
class BatchReport:
    """Several files imported together: one report per file, then per company (hours)."""

    kind: str
    files: list[SheetReport] = field(default_factory=list)
    companies: list[CompanyHours] = field(default_factory=list)
    month: Month | None = None
    applied: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(f.ok for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "applied": self.applied,
            "month": month_key(self.month) if self.month else None,
            "files": [dict(f.to_json(), file=Path(f.source).name) for f in self.files],
            "companies": [
                {"uuid": str(c.company_uuid), "name": c.name, "rows": c.rows,
                 "worked_hours": str(c.worked), "training_hours": str(c.training),
                 "files": list(c.files)}
                for c in self.companies
            ],
        }  # fmt: skip


SAMPLE_ROWS = 5


class _Rollback(Exception):
    pass


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for its spreadsheets (not its sub-folders), by name."""
    result: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            result.extend(
                sorted(
                    p for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in SHEET_SUFFIXES
                    and not p.name.startswith((".", "~$"))
                )
            )  # fmt: skip
        else:
            result.append(path)
    return result


def preview_sheet(
    database: Database,
    path: str | Path,
    kind: str,
    mapping: dict[str, str] | None = None,
    profile: str | None = None,
    limits: ImportLimits | None = None,
    progress: Progress | None = None,
    values: ValueMap | None = None,
) -> SheetReport:
    """What importing the spreadsheet would do; the database is left unchanged.
    ``progress`` is told of the rows checked and may cancel by raising."""
    batch = import_sheets(
        database, [path], kind, mapping, profile, values, apply=False, progress=progress,
        limits=limits,
    )  # fmt: skip
    return batch.files[0]


def import_sheet(
    database: Database,
    path: str | Path,
    kind: str,
    mapping: dict[str, str] | None = None,
    profile: str | None = None,
    only_valid: bool = False,
    progress: Progress | None = None,
    limits: ImportLimits | None = None,
    values: ValueMap | None = None,
) -> SheetReport:
    """Import a tracker (``kind="tracker"``) or an hour statement (``kind="hours"``).

    The mapping is, in order: ``mapping``, the saved profile named ``profile``, the guess
    from the headers. Any error changes nothing unless ``only_valid``.
    """
    batch = import_sheets(
        database, [path], kind, mapping, profile, values, apply=True, only_valid=only_valid,
        progress=progress, limits=limits,
    )  # fmt: skip
    return batch.files[0]


@dataclass
class _File:
    path: Path
    report: SheetReport
    sink: ErrorSink
    tables: list[Table] = field(default_factory=list)  # one per sheet of the same headings
    statement: StatementWorkbook | None = None


def import_sheets(
    database: Database,
    paths: Iterable[str | Path],
    kind: str,
    mapping: dict[str, str] | None = None,
    profile: str | None = None,
    values: ValueMap | None = None,
    apply: bool = True,
    only_valid: bool = False,
    month: Month | None = None,
    progress: Progress | None = None,
    limits: ImportLimits | None = None,
    header_values: dict[str, dict[str, str]] | None = None,
    columns: dict[str, str] | None = None,
) -> BatchReport:
    """Import several spreadsheets of one kind in one transaction (``apply=False``: preview).

    ``columns`` (``{field: header}``, ``--column``) overrides the mapping guessed or loaded
    for each file, field by field.

    Statement workbooks must all be of ``month`` (default: the first one's) and of different
    employers. ``values`` maps coded values not understood to codes (``{field: {text: code}}``),
    over those of the profile; ``header_values`` does the same keyed by the header as written
    in each file (``--map-value``). Any error in any file changes nothing unless ``only_valid``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    limits = limits or DEFAULT_LIMITS
    files = expand_paths(paths)
    batch = BatchReport(kind)
    if mapping is None and profile:
        with database.session() as session:
            loaded = load_profile_values(session, kind, profile)
        if loaded is None:
            for path in files or [Path(profile)]:
                result = SheetReport(source=str(path), kind=kind)
                result.errors.append(_issue(f"profil de correspondance « {profile} » introuvable",
                                            path.name))  # fmt: skip
                batch.files.append(result)
            return batch
        mapping, profile_values = loaded
        values = {**profile_values, **(values or {})}
    steps = 2 * len(files) + 1
    read = [_read(path, kind, mapping, limits, progress, index, steps, columns)
            for index, path in enumerate(files)]  # fmt: skip
    batch.files = [f.report for f in read]
    statements = [f.statement for f in read if f.statement is not None]
    batch.month = month or (statements[0].month if statements else None)
    if apply:
        backup_before_change(database.file_path, "import")
    try:
        with (
            database.transaction() as session,
            sqlite_page_cache(session, SHEET_IMPORT_CACHE_KIB),
        ):
            identity = database_identity(session, create=False)
            seen: dict[tuple[uuid.UUID, Month], str] = {}
            months: dict[tuple[uuid.UUID, Month], str] = {}
            companies: dict[uuid.UUID, CompanyHours] = {}
            for index, item in enumerate(read):
                report(progress, len(read) + index, steps, f"Contrôle de {item.path.name}")
                if item.statement is not None:
                    importer = StatementImport(item.statement, item.report, item.sink)
                    assert batch.month is not None
                    if importer.check_identity(identity, batch.month, seen):
                        importer.run(session)
                        _add_company(companies, importer.company_hours(session))
                    rows = importer.rows_read
                elif item.tables:
                    rows = []
                    for table in item.tables:  # one sheet after another, as files are
                        generic = _generic_import(item, table, values, header_values)
                        generic.run(session)
                        read_here = getattr(generic, "rows_read", [])
                        if isinstance(generic, HoursImport):
                            _add_rows(session, companies, read_here, item.path.name,
                                      generic.awards)  # fmt: skip
                        rows.extend(read_here)
                else:
                    continue
                _same_hours_twice(rows, months, item)
            batch.companies = sorted(companies.values(), key=lambda c: c.name.lower())
            report(progress, 2 * len(read), steps, "Enregistrement")
            if not apply or not (batch.ok or only_valid):
                raise _Rollback
            for item in read:
                item.report.applied = item.report.ok or only_valid
            batch.applied = True
    except _Rollback:
        batch.applied = False
    report(progress, steps, steps, "Terminé")
    return batch


def _issue(message: str, file: str) -> Any:
    from clauses_app.exchange.report import Issue

    return Issue(message, file=file)


def _read(
    path: Path, kind: str, mapping: dict[str, str] | None, limits: ImportLimits,
    progress: Progress | None, index: int, count: int, columns: dict[str, str] | None = None,
) -> _File:  # fmt: skip
    result = SheetReport(source=str(path), kind=kind)
    item = _File(path, result, ErrorSink(result, limits.max_errors))
    report(progress, index, count, f"Lecture de {path.name}")
    if not path.is_file():
        item.sink.error("fichier introuvable", file=path.name)
        return item
    try:
        sheets = read_sheets(path, limits)
    except UnsafeFileError as exc:
        item.sink.error(str(exc), file=path.name)
        return item
    if is_statement(sheets):
        if kind != HOURS:
            item.sink.error(
                "relevé d'heures mensuel préparé par Clauses : importez-le comme relevé d'heures",
                file=path.name,
            )
            return item
        try:
            item.statement = read_statement(path, sheets, item.sink)
        except UnsafeFileError as exc:
            item.sink.error(str(exc), file=path.name)
            return item
        if item.statement is not None:
            own = item.statement.table
            result.sheet, result.header_row, result.headers = own.sheet, own.header_row, own.headers
            result.mapping = dict(_statement_mapping(own))
            result.sample_rows = [cells for _n, cells in own.rows[:SAMPLE_ROWS]]
            result.statement_month = month_key(item.statement.month)
        return item
    tables, aside = find_tables(sheets, kind, mapping)
    del sheets  # the tables hold the rows they need; the rest of the file is let go
    if not tables:
        item.sink.error(
            "aucune ligne d'en-tête reconnue dans les 30 premières lignes", file=path.name
        )
        return item
    table = tables[0]
    result.sheet, result.header_row, result.headers = table.sheet, table.header_row, table.headers
    for name in aside:
        item.sink.warning(
            f"feuille « {name} » non lue : ses en-têtes ne sont pas ceux de la feuille "
            f"« {table.sheet} » (importez-la à part si elle doit l'être)", file=path.name,
        )  # fmt: skip
    for each in tables:
        for number, reason in each.skipped:
            item.sink.warning(reason, file=path.name, sheet=each.sheet, row=number)
    if not any(each.rows for each in tables):
        item.sink.warning(
            "aucune ligne sous l'en-tête : rien à importer dans ce fichier",
            file=path.name, sheet=table.sheet, row=table.header_row,
        )  # fmt: skip
    if mapping is not None:
        result.mapping = dict(mapping)
    else:
        result.mapping, doubts = guess_mapping_and_doubts(table.headers, kind)
        for name, headers in doubts.items():
            if name not in (columns or {}):
                _warn_doubt(item, table, name, headers)
    result.mapping.update(columns or {})
    result.mapping = headings_as_written(result.mapping, table.headers)
    _warn_unread(item, table, result.mapping)
    result.sample_rows = [cells for _n, cells in table.rows[:SAMPLE_ROWS]]
    if _mapping_usable(result, table, item.sink, path.name):
        item.tables = tables
    return item


# Columns a tracker may lack, and what is then not imported.
WITHOUT: dict[str, dict[str, str]] = {
    TRACKER: {
        "hours_done": "aucune heure réalisée ne sera importée",
        "required_hours": "aucune heure prescrite ne sera importée",
    },
    HOURS: {},
}


def _warn_doubt(item: _File, table: Table, name: str, headers: list[str]) -> None:
    taken, *others = headers
    left = ", ".join(f"« {h} »" for h in others)
    item.sink.warning(
        f"plusieurs colonnes peuvent être « {field_labels(item.report.kind)[name]} » : "
        f"« {taken} » est lue, {left} ne l'est pas ; vérifiez la correspondance des colonnes",
        file=item.path.name, sheet=table.sheet, row=table.header_row,
    )  # fmt: skip


def _warn_unread(item: _File, table: Table, mapping: dict[str, str]) -> None:
    """Say which headings are not read, and what a missing hours column leaves out: a column
    the guesser did not recognise must not go unnoticed."""
    kind, where = item.report.kind, {"file": item.path.name, "sheet": table.sheet,
                                     "row": table.header_row}  # fmt: skip
    labels = field_labels(kind)
    for name, consequence in WITHOUT[kind].items():
        if name not in mapping:
            item.sink.warning(
                f"aucune colonne « {labels[name]} » reconnue : {consequence} (choisissez-la "
                "dans la correspondance des colonnes)", **where,
            )  # fmt: skip
    read = set(mapping.values())
    unread = [h for h in table.headers if h and h not in read]
    if unread:
        item.sink.warning(
            "colonnes non lues : " + ", ".join(f"« {h} »" for h in unread), **where
        )


def _statement_mapping(table: Table) -> dict[str, str]:
    from clauses_app.exchange.sheets.statements_read import MAPPING

    return {f: h for f, h in MAPPING.items() if h in table.headers}


def _generic_import(
    item: _File,
    table: Table,
    values: ValueMap | None,
    header_values: dict[str, dict[str, str]] | None,
) -> TrackerImport | HoursImport:
    report_ = item.report
    importer_class = TrackerImport if report_.kind == TRACKER else HoursImport
    importer = importer_class(table, report_.mapping, report_, item.sink, item.path.name)
    importer.values = field_values(report_.mapping, values, header_values)
    return importer


def field_values(
    mapping: dict[str, str],
    values: ValueMap | None,
    header_values: dict[str, dict[str, str]] | None,
) -> ValueMap:
    """``values`` (by field) with ``header_values`` (by header) added through ``mapping``;
    texts are keyed as the importers look them up."""
    result: ValueMap = {f: {value_key(t): c for t, c in codes.items()}
                        for f, codes in (values or {}).items()}  # fmt: skip
    fields_by_header = {header: name for name, header in mapping.items()}
    for header, codes in (header_values or {}).items():
        name = fields_by_header.get(header) or fields_by_header.get(
            next((h for h in fields_by_header if value_key(h) == value_key(header)), "")
        )
        if name is None:
            continue
        result.setdefault(name, {}).update({value_key(t): c for t, c in codes.items()})
    return result


def _add_company(companies: dict[uuid.UUID, CompanyHours], summary: CompanyHours) -> None:
    known = companies.get(summary.company_uuid)
    if known is None:
        companies[summary.company_uuid] = summary
        return
    known.rows += summary.rows
    known.worked += summary.worked
    known.training += summary.training
    known.files += summary.files


def _add_rows(session: Any, companies: dict[uuid.UUID, CompanyHours], rows: list[Any],
              file_name: str, awards: dict[uuid.UUID, Any]) -> None:  # fmt: skip
    per_company: dict[uuid.UUID, CompanyHours] = {}
    names: dict[uuid.UUID, str] = {}
    for row in rows:
        employment = row.employment
        award = awards.get(employment.award_uuid)
        owner = employment.employer_uuid or (
            award.company_uuid if award is not None else employer_of(session, employment)
        )
        if owner not in names:
            company = session.get(Company, owner)
            names[owner] = company.name if company is not None else str(owner)
        summary = per_company.setdefault(
            owner, CompanyHours(owner, names[owner], files=[file_name])
        )
        summary.rows += 1
        summary.worked += row.worked
        summary.training += row.training
    for summary in per_company.values():
        _add_company(companies, summary)


def _same_hours_twice(rows: list[Any], months: dict[tuple[uuid.UUID, Month], str],
                      item: _File) -> None:  # fmt: skip
    """The same work contract and month in two files of the batch: the second is refused."""
    for row in rows:
        key = (row.employment.uuid, row.month)
        if key in months and months[key] != item.path.name:
            item.sink.error(
                f"heures {of_month(*row.month)} déjà données pour ce contrat de travail "
                f"dans « {months[key]} »",
                file=item.path.name, sheet=item.report.sheet, row=row.number,
            )  # fmt: skip
        else:
            months.setdefault(key, item.path.name)


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


__all__ = [
    "BatchReport",
    "SheetReport",
    "expand_paths",
    "field_values",
    "import_sheet",
    "import_sheets",
    "preview_sheet",
]
