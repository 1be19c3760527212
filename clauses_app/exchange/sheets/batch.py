"""New rows of the big tables (lots, awards, participants, their criteria, employments,
hours records) inserted in batches, and the one record an update needs.

A tracker of a national network makes hundreds of thousands of records; as ORM objects they
cost a few KB each and the unit of work's bookkeeping most of the time. They are plain dicts
here, inserted with one executemany per table and batch, after the session's own flush (the
authorities, contracts and companies they refer to stay ORM objects: they are few). A
pending row is changed in place; a row already written is loaded (by key) and
changed through the ORM, which versions and stamps it like any edit.
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from clauses_app.models import (
    Award,
    Employment,
    HoursRecord,
    Lot,
    Participant,
    ParticipantCriterion,
)
from clauses_app.models.base import local_user_name, utcnow

# Parents before children, for the foreign keys.
ORDER: tuple[type[Any], ...] = (
    Lot, Award, Participant, ParticipantCriterion, Employment, HoursRecord
)
BATCH_ROWS = 5000


class _Attributes(MutableMapping[str, Any]):
    """An ORM object seen as a mapping of its attributes, like a pending row."""

    def __init__(self, record: Any) -> None:
        self.record = record

    def __getitem__(self, name: str) -> Any:
        return getattr(self.record, name)

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self.record, name, value)

    def __delitem__(self, name: str) -> None:  # pragma: no cover - never needed
        raise TypeError("attributes cannot be deleted")

    def __iter__(self) -> Any:  # pragma: no cover - never needed
        raise TypeError("attributes are not listed")

    def __len__(self) -> int:  # pragma: no cover - never needed
        raise TypeError("attributes are not counted")


class BatchedInserts:
    """Rows to insert, per table, written every ``size`` rows and at the end."""

    def __init__(self, session: Session, size: int = BATCH_ROWS) -> None:
        self.session = session
        self.size = size
        self.pending: dict[type[Any], dict[uuid.UUID, dict[str, Any]]] = {m: {} for m in ORDER}
        self.count = 0

    def add(self, model: type[Any], **values: Any) -> uuid.UUID:
        """Queue a new row (every row of a table with the same keys); its new uuid."""
        key = uuid.uuid4()
        values["uuid"] = key
        self.pending[model][key] = values
        self.count += 1
        return key

    def record(self, model: type[Any], key: uuid.UUID) -> MutableMapping[str, Any]:
        """The row ``key`` to read or change: pending, or loaded from the database."""
        pending = self.pending[model].get(key)
        if pending is not None:
            return pending
        record = self.session.get(model, key)
        if record is None:  # pragma: no cover - keys come from the database or from add()
            raise LookupError(f"{model.__name__} {key} vanished during the import")
        return _Attributes(record)

    def maybe_flush(self) -> None:
        if self.count >= self.size:
            self.flush()

    def flush(self) -> None:
        """The session's changes first (parents, updates), then each table's new rows,
        stamped once per batch with who and when (the columns' defaults would be called
        for every row; on PostgreSQL the triggers stamp the role anyway)."""
        self.session.flush()
        who, now = local_user_name(), utcnow()
        stamp = {"created_by": who, "updated_by": who, "created_at": now, "updated_at": now}
        for model in ORDER:
            rows = self.pending[model]
            if rows:
                written = list(rows.values())
                for row in written:
                    row.update(stamp)
                self.session.execute(insert(model.__table__), written)
                rows.clear()
        self.count = 0
