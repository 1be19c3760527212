"""The application's half of the record history: on SQLite it writes the history rows itself.

On PostgreSQL the database's triggers (migration 0009) write one row per INSERT, UPDATE or
DELETE of a record, and the application writes none. SQLite has no user to name, so there the
session writes the same rows, in the same transaction as the change:

- ``after_flush``: every record the ORM inserted, changed (the columns whose value moved) or
  deleted;
- ``do_orm_execute``: an ORM-enabled ``update(Model)`` or ``delete(Model)`` run through the
  session (a record's deletion from a list, the purge's erasure of evidence): the rows it
  matches are read before and after.

Not recorded on SQLite: writes that bypass the ORM (the ``.clause`` and spreadsheet imports'
bulk inserts, the demo generator), rows removed by the database's own ``ON DELETE CASCADE``,
and changes made with another program. PostgreSQL records them all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE

from clauses_app.models.base import Record, local_user_name, utcnow
from clauses_app.models.employment import Employment
from clauses_app.models.history import (
    BOOKKEEPING_COLUMNS,
    HistoryAction,
    RecordHistory,
    is_personal,
)

HISTORY_TABLE: Table = RecordHistory.__table__  # type: ignore[assignment]


def install(factory: sessionmaker[Session]) -> None:
    """Make every session of ``factory`` (an SQLite database's) write the history."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _on_execute)


def json_value(value: Any) -> Any:
    """A column's value as PostgreSQL's ``to_jsonb`` writes it, so both backends agree."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _changes(table: str, pairs: Iterable[tuple[str, Any, Any]]) -> dict[str, Any]:
    changes = {}
    for name, old, new in pairs:
        if name in BOOKKEEPING_COLUMNS:
            continue
        old, new = json_value(old), json_value(new)
        if old == new:
            continue
        changes[name] = {"old": old, "new": new, "personal": is_personal(table, name)}
    return changes


def _row(
    table: str, record_uuid: Any, person: Any, action: str, changes: dict[str, Any], who: str
) -> dict[str, Any]:
    return {
        "table_name": table,
        "record_uuid": record_uuid,
        "participant_uuid": person,
        "changed_at": utcnow(),
        "changed_by": who,
        "action": action,
        "changes": changes,
    }


def _person_of(session: Session, table: str, values: Mapping[str, Any]) -> Any:
    """The participant a record belongs to (None for other records)."""
    if table == "participant":
        return values.get("uuid")
    if table == "hours_record" and values.get("employment_uuid") is not None:
        return session.scalar(
            select(Employment.participant_uuid).where(Employment.uuid == values["employment_uuid"])
        )
    return values.get("participant_uuid")


def _deleted(session: Session, context: Any) -> list[Any]:
    """The objects this flush deletes: those ``session.delete()`` was called on, and the
    orphans of a delete-orphan child list (a contact, a criterion or an amount invoiced
    removed in a form), which the flush itself decides to delete and ``session.deleted``
    does not list."""
    deleted = list(session.deleted)
    seen = {id(r) for r in deleted}
    for state, (is_delete, list_only) in getattr(context, "states", {}).items():
        record = state.obj()
        if is_delete and not list_only and record is not None and id(record) not in seen:
            deleted.append(record)
            seen.add(id(record))
    return deleted


def _after_flush(session: Session, context: Any) -> None:
    who = local_user_name()
    rows = []
    for record, action in (
        *((r, HistoryAction.INSERT) for r in session.new),
        *((r, HistoryAction.UPDATE) for r in session.dirty),
        *((r, HistoryAction.DELETE) for r in _deleted(session, context)),
    ):
        if not isinstance(record, Record):
            continue
        state = inspect(record)
        table = record.__tablename__
        # Read through the state's dict and get_history, not state.attrs: that one memoises
        # an AttributeState per column on every object the session keeps (an import's).
        values = {a.key: state.dict.get(a.key) for a in state.mapper.column_attrs}
        pairs = []
        for name, current in values.items():
            if action == HistoryAction.INSERT:
                pairs.append((name, None, current))
            elif action == HistoryAction.DELETE:
                pairs.append((name, current, None))
            else:
                history = state.get_history(name, PASSIVE_NO_INITIALIZE)
                if history.has_changes():
                    # Not loaded before the change (a value the insert left to its default):
                    # None, as it is for a new record's unset field.
                    pairs.append((name, history.deleted[0] if history.deleted else None, current))
        changes = _changes(table, pairs)
        if action == HistoryAction.UPDATE and not changes:
            continue
        rows.append(
            _row(table, record.uuid, _person_of(session, table, values), action, changes, who)
        )
    if rows:
        session.connection().execute(insert(HISTORY_TABLE), rows)


def _on_execute(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete) or isinstance(state.parameters, list):
        return None
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, Record):
        return None
    model: Any = mapper.class_
    table: Table = model.__table__
    where = state.statement.whereclause  # type: ignore[attr-defined]
    session = state.session
    query = select(table)
    before = {
        r.uuid: dict(r._mapping)
        for r in session.execute(query if where is None else query.where(where))
    }
    result = state.invoke_statement()
    if not before:
        return result
    after: dict[Any, dict[str, Any]] = {}
    if state.is_update:
        after = {
            r.uuid: dict(r._mapping)
            for r in session.execute(query.where(table.c.uuid.in_(list(before))))
        }
    who = local_user_name()
    rows = []
    for key, old in before.items():
        new = after.get(key, {})
        names = old.keys()
        changes = _changes(table.name, ((n, old[n], new.get(n)) for n in names))
        if state.is_update and not changes:
            continue
        action = HistoryAction.UPDATE if state.is_update else HistoryAction.DELETE
        rows.append(
            _row(table.name, key, _person_of(session, table.name, old), action, changes, who)
        )
    if rows:
        session.connection().execute(insert(HISTORY_TABLE), rows)
    return result
