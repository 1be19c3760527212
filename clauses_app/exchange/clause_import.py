"""Preview and import of ``.clause`` files (the services the window and the CLI call)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError

from clauses_app.exchange.limits import DEFAULT_LIMITS, ImportLimits
from clauses_app.exchange.merge import apply_plan, plan_merge
from clauses_app.exchange.reader import read_clause
from clauses_app.exchange.report import ErrorSink, ImportReport
from clauses_app.services.progress import Progress
from clauses_app.storage import Database


def preview_clause_file(
    database: Database, path: str | Path, limits: ImportLimits | None = None
) -> ImportReport:
    """What importing ``path`` would do (counts, errors, conflicts); writes nothing."""
    return _run(database, Path(path), apply=False, only_valid=False, limits=limits)


def import_clause_file(
    database: Database,
    path: str | Path,
    only_valid: bool = False,
    progress: Progress | None = None,
    limits: ImportLimits | None = None,
) -> ImportReport:
    """Merge ``path`` into the database in one transaction.

    A file with any error changes nothing, unless ``only_valid``: then the valid rows are
    imported and the others (with the rows that refer to them) are reported. Faults of the
    file as a whole (archive, manifest, checksums, encoding, headers) always refuse it.
    ``progress`` may raise Cancelled: the transaction then rolls back.
    """
    return _run(database, Path(path), True, only_valid, limits, progress)


def _run(
    database: Database,
    path: Path,
    apply: bool,
    only_valid: bool,
    limits: ImportLimits | None,
    progress: Progress | None = None,
) -> ImportReport:
    limits = limits or DEFAULT_LIMITS
    result = ImportReport(source=str(path))
    sink = ErrorSink(result, limits.max_errors)
    content = read_clause(path, limits, sink, progress)
    if content is None:
        return result
    if not apply:
        with database.session() as session:
            plan_merge(session, content, result, sink)
        return result
    try:
        with database.transaction() as session:
            plan = plan_merge(session, content, result, sink)
            if result.ok or only_valid:
                apply_plan(session, plan, progress)
                result.applied = True
    except IntegrityError as exc:
        result.applied = False
        sink.error(f"l'import a été annulé, la base refuse une ligne : {exc.orig}")
    return result
