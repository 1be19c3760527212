"""Saving a record someone else may have saved meanwhile: versions, the fields each side
changed, and child lists merged instead of replaced.

A form keeps the values it loaded, its *base* (with the record's ``version`` and each child's).
Its save writes only the fields the user changed (their value differs from the base) on top of
the record as it is now. When the record's version moved since the base was read, someone
else saved it: the save is refused with :class:`StaleRecordError`, which carries the three
states (base, mine, theirs) so that the person decides field by field (:func:`merge_values`,
the window's conflict dialog) before saving again over *theirs*.

Child lists (an authority's contacts, a participant's criteria, an award's amounts invoiced)
are merged by uuid against the
base: rows the user added are inserted, changed rows updated, removed rows deleted, and rows
added elsewhere meanwhile stay. A child the user changed or removed that was changed elsewhere
too makes the save stale as well. Qt-free: the command line and the tests use it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from clauses_app.services.records.kinds import (
    CONTACT_FIELDS,
    CRITERION_FIELDS,
    FIELDS,
    INVOICE_FIELDS,
    Kind,
)

# The child list of each kind that has one, and the fields of its rows.
CHILD_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    Kind.AUTHORITY: ("contacts", CONTACT_FIELDS),
    Kind.PARTICIPANT: ("criteria", CRITERION_FIELDS),
    Kind.AWARD: ("invoices", INVOICE_FIELDS),
}
FLAGS = ("archived", "qpv", "transferred_staff", "ineligible")
MINE, THEIRS = "mine", "theirs"


class StaleRecordError(Exception):
    """The record changed in the database since ``base`` was read: nothing was written.

    ``theirs`` is the record as it is now (``None`` when it was deleted), ``conflicts`` the
    fields both sides changed to different values (a child list's name when its rows clash),
    ``changed_by`` and ``changed_at`` who saved *theirs* and when.
    """

    def __init__(
        self,
        kind: str,
        record_uuid: uuid.UUID,
        base: Mapping[str, Any],
        mine: Mapping[str, Any],
        theirs: Mapping[str, Any] | None,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
    ) -> None:
        super().__init__(
            "Cet enregistrement a été modifié par quelqu'un d'autre depuis son ouverture."
            if theirs is not None
            else "Cet enregistrement a été supprimé par quelqu'un d'autre depuis son ouverture."
        )
        self.kind = kind
        self.record_uuid = record_uuid
        self.base = dict(base)
        self.mine = dict(mine)
        self.theirs = None if theirs is None else dict(theirs)
        self.conflicts = [] if theirs is None else conflicting_fields(kind, base, mine, theirs)
        # Who wrote *theirs* and when (UTC): the record's ``updated_by`` and ``updated_at``.
        self.changed_by = changed_by
        self.changed_at = changed_at


def clean(value: Any) -> Any:
    """Strip text; empty text is stored as NULL."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def stored_value(name: str, value: Any) -> Any:
    """The value a field is saved as (what comparisons between versions use)."""
    from clauses_app.services.records.validation import compact_siret

    value = clean(value)
    if name == "siret":
        value = compact_siret(value)
    if value is None and name in FLAGS:
        value = False
    return value


def changed_fields(kind: str, base: Mapping[str, Any], mine: Mapping[str, Any]) -> list[str]:
    """The record's fields (not child lists) whose value in ``mine`` differs from ``base``."""
    return [
        name
        for name in FIELDS[kind]
        if name in mine and stored_value(name, mine[name]) != stored_value(name, base.get(name))
    ]


def _child_key(row: Mapping[str, Any]) -> Any:
    return row.get("uuid") or None


def child_changed(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Sequence[str]
) -> bool:
    return any(clean(before.get(n)) != clean(after.get(n)) for n in names)


def _children_conflict(
    base: Sequence[Mapping[str, Any]],
    mine: Sequence[Mapping[str, Any]],
    theirs: Sequence[Mapping[str, Any]],
    names: Sequence[str],
) -> bool:
    """Whether a row I changed or removed was changed or removed on their side too."""
    base_by = {r["uuid"]: r for r in base if _child_key(r)}
    mine_by = {r["uuid"]: r for r in mine if _child_key(r)}
    theirs_by = {r["uuid"]: r for r in theirs if _child_key(r)}
    for uid, before in base_by.items():
        my_row, their_row = mine_by.get(uid), theirs_by.get(uid)
        mine_moved = my_row is None or child_changed(before, my_row, names)
        theirs_moved = their_row is None or child_changed(before, their_row, names)
        if mine_moved and theirs_moved:
            if my_row is None and their_row is None:
                continue  # both removed it
            if my_row is None or their_row is None or child_changed(my_row, their_row, names):
                return True
    return False


def conflicting_fields(
    kind: str, base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> list[str]:
    """Fields both sides changed, to different values (a child list by its name)."""
    mine_changed = set(changed_fields(kind, base, mine))
    conflicts = [
        name
        for name in changed_fields(kind, base, theirs)
        if name in mine_changed
        and stored_value(name, mine[name]) != stored_value(name, theirs[name])
    ]
    child = CHILD_LISTS.get(kind)
    if child is not None and child[0] in mine:
        name, names = child
        if _children_conflict(base.get(name) or [], mine[name], theirs.get(name) or [], names):
            conflicts.append(name)
    return conflicts


def differing_fields(kind: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """Fields (and the child list) whose values differ between two versions: the rows a
    conflict dialog shows."""
    names = [
        name
        for name in FIELDS[kind]
        if name in mine and stored_value(name, mine[name]) != stored_value(name, theirs.get(name))
    ]
    child = CHILD_LISTS.get(kind)
    if child is not None and child[0] in mine:
        name, columns = child
        if _child_rows(mine[name], columns) != _child_rows(theirs.get(name) or [], columns):
            names.append(name)
    return names


def _child_rows(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[tuple[Any, ...]]:
    return sorted(tuple(str(clean(r.get(n))) for n in names) for r in rows)


def default_choices(
    kind: str, base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> dict[str, str]:
    """For each field whose values differ, the side a merge takes by default: the side that
    changed it (mine when both did). A child list is merged row by row (``MINE``)."""
    mine_changed = set(changed_fields(kind, base, mine))
    return {
        name: MINE if name in mine_changed or name not in FIELDS[kind] else THEIRS
        for name in differing_fields(kind, mine, theirs)
    }


def merge_values(
    kind: str,
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    choices: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Their record with, for each differing field, the side chosen (``choices`` over
    :func:`default_choices`). A child list chosen ``MINE`` is merged row by row
    (:func:`merge_children`, their added rows kept), ``THEIRS`` is theirs as it is. Save the
    result with ``base=theirs``."""
    chosen = {**default_choices(kind, base, mine, theirs), **(choices or {})}
    merged = dict(theirs)
    for name in FIELDS[kind]:
        if chosen.get(name) == MINE and name in mine:
            merged[name] = mine[name]
    child = CHILD_LISTS.get(kind)
    if child is not None and child[0] in mine and chosen.get(child[0]) == MINE:
        name, names = child
        merged[name] = merge_children(base.get(name) or [], mine[name], theirs.get(name) or [],
                                      names)  # fmt: skip
    return merged


def merge_children(
    base: Sequence[Mapping[str, Any]],
    mine: Sequence[Mapping[str, Any]],
    theirs: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    prefer_theirs: bool = False,
) -> list[dict[str, Any]]:
    """Their rows with my additions, changes and removals; a row changed on both sides takes
    mine unless ``prefer_theirs``."""
    base_by = {r["uuid"]: r for r in base if _child_key(r)}
    mine_by = {r["uuid"]: r for r in mine if _child_key(r)}
    result: list[dict[str, Any]] = []
    for row in theirs:
        uid = row.get("uuid")
        before = base_by.get(uid)
        if before is None:
            result.append(dict(row))  # added on their side
            continue
        my_row = mine_by.get(uid)
        their_change = child_changed(before, row, names)
        if my_row is None:  # I removed it
            if their_change and prefer_theirs:
                result.append(dict(row))
            continue
        if child_changed(before, my_row, names) and not (their_change and prefer_theirs):
            result.append({**row, **{n: my_row.get(n) for n in names}})
        else:
            result.append(dict(row))
    theirs_uuids = {r.get("uuid") for r in theirs}
    for row in mine:
        uid = _child_key(row)
        if uid is None or uid not in base_by:
            result.append(dict(row))  # added on my side
        elif (
            uid not in theirs_uuids
            and child_changed(base_by[uid], row, names)
            and not prefer_theirs
        ):  # removed on theirs, changed on mine: kept as a new row
            result.append({**row, "uuid": None})
    return result
