"""Preview and import of ``.clause`` files (the services the window and the CLI call).

One member at a time, parents first, inside one transaction: read and check it, merge it
(references, classification, unique keys), write it, and keep only the uuids later members
refer to; so memory holds one member's rows, not the file's. The report is the one a
whole-file check gives: every reading fault (of every member) comes before the merge faults,
and a member refused as a whole refuses the file: what was written is rolled back.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clauses_app.exchange.bulk import BulkWriter
from clauses_app.exchange.format import SPECS
from clauses_app.exchange.limits import DEFAULT_LIMITS, ImportLimits
from clauses_app.exchange.merge import MergeState, merge_member
from clauses_app.exchange.reader import ClauseFile, open_clause
from clauses_app.exchange.report import ErrorSink, HeldFaults, ImportReport
from clauses_app.exchange.safety import UnsafeFileError
from clauses_app.services.progress import Progress, report
from clauses_app.storage import Database, describe_database_error
from clauses_app.storage.backup import backup_before_change
from clauses_app.storage.connections import BULK_INSERT_CACHE_KIB, sqlite_page_cache

log = logging.getLogger(__name__)


class _Undo(Exception):
    """Leave the import's transaction without committing it."""


def preview_clause_file(
    database: Database,
    path: str | Path,
    limits: ImportLimits | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """What importing ``path`` would do (counts, errors, conflicts); writes nothing.

    ``progress`` is told of the rows checked (a national file: 727,000 rows, seconds) and
    may cancel by raising."""
    return _run(database, Path(path), apply=False, only_valid=False, limits=limits,
                progress=progress)  # fmt: skip


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
    with open_clause(path, limits, sink) as clause:
        if clause is None:
            return result
        steps = _Steps(progress, clause.total_rows, "Import" if apply else "Vérification")
        if not apply:
            with database.session() as session:
                _merge(session, clause, path.name, sink, steps, None, only_valid)
            return result
        backup_before_change(database.file_path, "import")
        try:
            with (
                database.transaction() as session,
                sqlite_page_cache(session, BULK_INSERT_CACHE_KIB),
            ):
                writer = BulkWriter(session, steps.advance)
                if not _merge(session, clause, path.name, sink, steps, writer, only_valid):
                    raise _Undo
                result.applied = True
        except _Undo:
            result.applied = False
        except IntegrityError as exc:
            result.applied = False
            log.warning("Import refused by the database: %s", exc.orig)
            sink.error(f"l'import a été annulé : {describe_database_error(exc)}")
    return result


def _merge(
    session: Session,
    clause: ClauseFile,
    name: str,
    sink: ErrorSink,
    steps: _Steps,
    writer: BulkWriter | None,
    only_valid: bool,
) -> bool:
    """Read, check, merge (and write, with ``writer``) every member; whether to commit."""
    result = sink.report
    merge_faults = HeldFaults(sink)  # reported after every reading fault, as a whole-file check
    state = MergeState()
    refused = False
    for spec in SPECS:
        steps.member(spec.name if writer else spec.member)
        try:
            member = clause.read_member(spec, sink)
        except UnsafeFileError as exc:
            sink.error(str(exc), file=name)
            refused = True
            break
        if member is None:
            refused = True
        if refused or member is None:
            continue  # the other members are still read, for their faults
        # Once a fault refuses the file, writing is pointless: checking goes on, for the report.
        keep_writing = only_valid or (result.ok and merge_faults.report.ok)
        merge_member(
            session, member, state, merge_faults.sink, result, writer if keep_writing else None
        )
        steps.done_with(len(member.rows))
    if refused:
        result.counts.clear()
        result.conflicts.clear()
        return False
    merge_faults.pass_on()
    return writer is not None and (result.ok or only_valid)


class _Steps:
    """Progress in rows of the file: one step per member, and per written batch."""

    def __init__(self, progress: Progress | None, total: int, verb: str) -> None:
        self.progress, self.total, self.verb = progress, max(total, 1), verb
        self.start = self.done = 0

    def member(self, name: str) -> None:
        self.start = self.done
        report(self.progress, min(self.done, self.total), self.total, f"{self.verb} : {name}")

    def advance(self, rows: int, message: str) -> None:
        self.done += rows
        report(self.progress, min(self.done, self.total), self.total, message)

    def done_with(self, rows: int) -> None:
        self.done = self.start + rows
