"""Load, save and delete one record, each write in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from clauses_app.formatting import format_date
from clauses_app.models import (
    Award,
    Company,
    Contact,
    Employment,
    HoursRecord,
    Invoice,
    Lot,
    ParticipantCriterion,
    PublicContract,
)
from clauses_app.services.records.kinds import FIELDS, MODELS, NOUNS, Kind
from clauses_app.services.records.validation import CRITERION_TWICE, Errors, validate
from clauses_app.services.records.versions import (
    CHILD_LISTS,
    StaleRecordError,
    changed_fields,
    child_changed,
    clean,
    stored_value,
)
from clauses_app.storage import Database

CHILD_MODELS: dict[str, type[Any]] = {
    Kind.AUTHORITY: Contact,
    Kind.PARTICIPANT: ParticipantCriterion,
    Kind.AWARD: Invoice,
}


class ValidationError(ValueError):
    """Values refused by :func:`save_record`; ``errors`` maps each field to its message."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(f"{k} : {v}" for k, v in errors.items()))
        self.errors = errors


def missing(session: Session, kind: str, record_uuid: uuid.UUID | None) -> LookupError:
    """The French error for a record that is not there. On a team's PostgreSQL database a
    participant of another portfolio is not there either (row-level security): say so."""
    if kind == Kind.PARTICIPANT and session.get_bind().dialect.name == "postgresql":
        return LookupError(
            f"Le participant est introuvable ({record_uuid}) : supprimé, ou hors de votre "
            "portefeuille (seuls le facilitateur qui le suit, ceux des donneurs d'ordre où il "
            "travaille et les coordinateurs le voient)."
        )
    return LookupError(f"{NOUNS[kind].capitalize()} n'existe plus ({record_uuid}).")


def load_record(session: Session, kind: str, record_uuid: uuid.UUID) -> dict[str, Any]:
    """The editable values of one record (with its contacts or criteria), by field name, and
    its ``version`` (each child's too): hand them back as ``base`` to :func:`save_record`."""
    record = session.get(MODELS[kind], record_uuid)
    if record is None:
        raise missing(session, kind, record_uuid)
    return _values_of(kind, record)


def _values_of(kind: str, record: Any) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in FIELDS[kind]}
    values["version"] = record.version
    child = CHILD_LISTS.get(kind)
    if child is not None:
        name, names = child
        values[name] = [_children_values(c, names) for c in getattr(record, name)]
    return values


def _children_values(child: Any, names: Sequence[str]) -> dict[str, Any]:
    return {"uuid": child.uuid, "version": child.version, **{n: getattr(child, n) for n in names}}


class _Stale(Exception):
    """Raised inside the save's transaction, so that it rolls back before the current
    values are read for :class:`StaleRecordError`."""


def save_record(
    database: Database,
    kind: str,
    values: Mapping[str, Any],
    record_uuid: uuid.UUID | None = None,
    base: Mapping[str, Any] | None = None,
) -> uuid.UUID:
    """Create (``record_uuid`` None) or update one record in one transaction; its UUID.

    ``base``: the values :func:`load_record` gave when editing began. Then only the fields
    whose value differs from it are written, child lists are merged with rows added elsewhere
    meanwhile (records/versions.py), and the save is refused with :class:`StaleRecordError`
    (nothing written) when the record's ``version`` moved since. Without ``base`` every field
    given is written, checked against ``values["version"]`` when present.

    Raises :class:`ValidationError` (nothing written) when a value is invalid.
    """
    try:
        with database.transaction() as session:
            return _save(session, kind, values, record_uuid, base)
    except (_Stale, StaleDataError):
        assert record_uuid is not None
        with database.session() as session:
            record = session.get(MODELS[kind], record_uuid)
            theirs = None if record is None else _values_of(kind, record)
            by, at = (None, None) if record is None else (record.updated_by, record.updated_at)
        raise StaleRecordError(
            kind, record_uuid, base or values, values, theirs, changed_by=by, changed_at=at
        ) from None


def _save(
    session: Session,
    kind: str,
    values: Mapping[str, Any],
    record_uuid: uuid.UUID | None,
    base: Mapping[str, Any] | None,
) -> uuid.UUID:
    errors = validate(session, kind, values, record_uuid)
    if errors:
        raise ValidationError(errors)
    model = MODELS[kind]
    record: Any = model() if record_uuid is None else session.get(model, record_uuid)
    if record is None:
        if base is not None or "version" in values:
            raise _Stale  # deleted by someone else since it was opened
        raise missing(session, kind, record_uuid)
    if record_uuid is not None:
        expected = (base if base is not None else values).get("version")
        if expected is not None and record.version != expected:
            raise _Stale
    names = (
        changed_fields(kind, base, values)
        if base is not None and record_uuid is not None
        else [n for n in FIELDS[kind] if n in values]
    )
    for name in names:
        setattr(record, name, stored_value(name, values[name]))
    if record_uuid is None:
        session.add(record)
    child = CHILD_LISTS.get(kind)
    if child is not None and child[0] in values:
        name, columns = child
        child_model = CHILD_MODELS[kind]
        current = getattr(record, name)
        if base is not None and record_uuid is not None:
            _merge_children(current, base.get(name) or [], values[name], child_model, columns)
        else:
            _sync_children(current, values[name], child_model, columns)
        if kind == Kind.PARTICIPANT:
            _check_criteria_held_once(current, values[name])
    session.flush()
    return uuid.UUID(str(record.uuid))


def _sync_children(
    current: list[Any],
    wanted: Sequence[Mapping[str, Any]],
    model: type[Any],
    names: Sequence[str],
) -> None:
    """Make ``current`` match ``wanted``: update kept rows (by uuid), add new, drop missing."""
    by_uuid = {child.uuid: child for child in current}
    kept: list[Any] = []
    for item in wanted:
        child = by_uuid.get(item.get("uuid")) if item.get("uuid") else None
        if child is None:
            child = model()
        for name in names:
            setattr(child, name, clean(item.get(name)))
        kept.append(child)
    current[:] = kept  # delete-orphan removes the rows left out


def _merge_children(
    current: list[Any],
    base: Sequence[Mapping[str, Any]],
    wanted: Sequence[Mapping[str, Any]],
    model: type[Any],
    names: Sequence[str],
) -> None:
    """Apply to ``current`` (the rows as they are now) what the user did to ``base``: add
    their new rows, update the rows they changed, delete those they removed; rows added
    elsewhere stay. A row they changed or removed that moved since raises :class:`_Stale`."""
    base_by = {row["uuid"]: row for row in base if row.get("uuid")}
    by_uuid = {child.uuid: child for child in current}
    kept: set[Any] = set()
    for item in wanted:
        uid = item.get("uuid")
        before = base_by.get(uid) if uid else None
        if before is None:
            child = model()
            for name in names:
                setattr(child, name, clean(item.get(name)))
            current.append(child)
            continue
        kept.add(uid)
        if not child_changed(before, item, names):
            continue  # untouched here: whatever it is now stays
        child = by_uuid.get(uid)
        if child is None or child.version != before.get("version"):
            raise _Stale
        for name in names:
            setattr(child, name, clean(item.get(name)))
    for uid, before in base_by.items():
        child = by_uuid.get(uid)
        if uid in kept or child is None:
            continue
        if child.version != before.get("version"):
            raise _Stale  # removed here, changed elsewhere
        current.remove(child)  # delete-orphan deletes it


def _check_criteria_held_once(current: Sequence[Any], wanted: Sequence[Mapping[str, Any]]) -> None:
    """One criterion code once per validation date, in the list the save leaves (rows added
    elsewhere included): refused next to the user's row."""
    held: dict[tuple[Any, Any], int] = {}
    for child in current:
        key = (child.criterion_code, child.validated_on)
        held[key] = held.get(key, 0) + 1
    for index, item in enumerate(wanted):
        if held.get((clean(item.get("criterion_code")), item.get("validated_on")), 0) > 1:
            raise ValidationError({f"criteria.{index}.criterion_code": CRITERION_TWICE})


@dataclass
class DeleteImpact:
    """What deleting a record means, in French: its name, what goes with it, what blocks it."""

    label: str
    consequences: list[str] = field(default_factory=list)
    blocked_by: str | None = None

    def message(self) -> str:
        """The confirmation text (or the refusal when something blocks the deletion)."""
        if self.blocked_by:
            return f"Impossible de supprimer {self.label} : {self.blocked_by}"
        text = f"Supprimer {self.label} ?"
        if self.consequences:
            text += "\n\nSeront aussi supprimés :\n" + "\n".join(
                f"• {line}" for line in self.consequences
            )
        return text + "\n\nCette suppression est définitive."


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _cascade_lines(
    session: Session,
    lots: Select[Any] | None,
    awards: Select[Any] | None,
    employments: Select[Any],
) -> list[str]:
    """Counts of the lots, awards, employments and hours statements under a record."""
    counts = []
    if lots is not None:
        counts.append((_count(session, lots), "lot", "lots"))
    employment_uuids = employments.with_only_columns(Employment.uuid)
    if awards is not None:
        counts.append((_count(session, awards), "attribution", "attributions"))
    counts += [
        (_count(session, employments), "contrat de travail", "contrats de travail"),
        (
            _count(session, select(HoursRecord.uuid).where(
                HoursRecord.employment_uuid.in_(employment_uuids))),
            "relevé d'heures", "relevés d'heures",
        ),
    ]  # fmt: skip
    return [_plural(n, one, many) for n, one, many in counts if n]


def delete_impact(session: Session, kind: str, record_uuid: uuid.UUID) -> DeleteImpact:
    """Everything deleting this record would remove, or why it cannot be deleted."""
    record: Any = session.get(MODELS[kind], record_uuid)
    if record is None:
        raise missing(session, kind, record_uuid)
    label = f"{NOUNS[kind]} « {record_label(session, kind, record)} »"
    impact = DeleteImpact(label)
    lots = select(Lot.uuid)
    awards = select(Award.uuid).join(Lot, Award.lot_uuid == Lot.uuid)
    employments = (
        select(Employment.uuid)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
    )
    if kind == Kind.AUTHORITY:
        contracts = select(PublicContract.uuid).where(PublicContract.authority_uuid == record_uuid)
        in_authority = Lot.contract_uuid.in_(contracts)
        for n, one, many in (
            (len(record.contacts), "contact", "contacts"),
            (len(record.operations), "opération", "opérations"),
            (len(record.contracts), "marché", "marchés"),
        ):
            if n:
                impact.consequences.append(_plural(n, one, many))
        impact.consequences += _cascade_lines(
            session, lots.where(in_authority), awards.where(in_authority),
            employments.where(in_authority),
        )  # fmt: skip
    elif kind == Kind.OPERATION:
        n = len(record.contracts)
        if n:
            impact.consequences.append(
                f"{_plural(n, 'marché sera détaché', 'marchés seront détachés')} de l'opération "
                "(ils restent enregistrés)"
            )
    elif kind == Kind.CONTRACT:
        where = Lot.contract_uuid == record_uuid
        impact.consequences += _cascade_lines(
            session, lots.where(where), awards.where(where), employments.where(where)
        )
    elif kind == Kind.LOT:
        where = Lot.uuid == record_uuid
        impact.consequences += _cascade_lines(
            session, None, awards.where(where), employments.where(where)
        )
    elif kind == Kind.AWARD:
        where = Award.uuid == record_uuid
        impact.consequences += _cascade_lines(session, None, None, employments.where(where))
        if record.invoices:
            impact.consequences.append(
                _plural(len(record.invoices), "montant facturé", "montants facturés")
            )
    elif kind == Kind.COMPANY:
        _company_impact(session, record, impact)
    elif kind == Kind.PARTICIPANT:
        n_jobs = len(record.employments)
        if n_jobs:
            impact.blocked_by = (
                f"{_plural(n_jobs, 'contrat de travail le concerne', 'contrats de travail le concernent')}. "  # noqa: E501
                "Supprimez d'abord ces contrats, ou archivez le participant."
            )
        elif record.criteria:
            impact.consequences.append(
                _plural(len(record.criteria), "critère d'éligibilité", "critères d'éligibilité")
            )
    elif kind == Kind.EMPLOYMENT and record.hours:
        impact.consequences.append(
            _plural(len(record.hours), "relevé d'heures", "relevés d'heures")
        )
    return impact


def _company_impact(session: Session, company: Company, impact: DeleteImpact) -> None:
    awards = _count(session, select(Award.uuid).where(Award.company_uuid == company.uuid))
    if awards:
        impact.blocked_by = (
            f"elle est attributaire de {_plural(awards, 'lot', 'lots')}. "
            "Supprimez d'abord ces attributions."
        )
        return
    employed = _count(
        session, select(Employment.uuid).where(Employment.employer_uuid == company.uuid)
    )
    if employed:
        impact.consequences.append(
            f"{_plural(employed, 'contrat perdra', 'contrats perdront')} leur employeur "
            "(les contrats restent enregistrés)"
        )


def delete_record(database: Database, kind: str, record_uuid: uuid.UUID) -> None:
    """Delete one record and everything that belongs to it, in one transaction.

    Raises ``ValueError`` with the French reason when something blocks the deletion.
    """
    with database.transaction() as session:
        impact = delete_impact(session, kind, record_uuid)
        if impact.blocked_by:
            raise ValueError(impact.message())
        model: Any = MODELS[kind]
        # Core DELETE: the database's ON DELETE rules remove the children in the same statement.
        session.execute(delete(model).where(model.uuid == record_uuid))


def label_of(session: Session, kind: str, record_uuid: uuid.UUID) -> str | None:
    """How a person names the record ``record_uuid`` of ``kind``; None when it is gone."""
    record = session.get(MODELS[kind], record_uuid)
    return None if record is None else record_label(session, kind, record)


def record_label(session: Session, kind: str, record: Any) -> str:
    """How a person names one record: ``2025-001 — Travaux``, ``MARTIN Léa``…"""
    if kind in (Kind.AUTHORITY, Kind.OPERATION, Kind.COMPANY):
        return str(record.name)
    if kind == Kind.CONTRACT:
        return f"{record.reference} — {record.object}"
    if kind == Kind.LOT:
        return f"lot {record.number} ({record.title}) du marché {record.contract.reference}"
    if kind == Kind.AWARD:
        lot = record.lot
        return f"{record.company.name}, lot {lot.number} du marché {lot.contract.reference}"
    if kind == Kind.PARTICIPANT:
        return str(record.full_name)
    if kind == Kind.EMPLOYMENT:
        return (
            f"{record.participant.full_name} chez {record.award.company.name}, "
            f"du {format_date(record.start_date)}"
        )
    raise KeyError(kind)


__all__ = [
    "DeleteImpact",
    "StaleRecordError",
    "ValidationError",
    "delete_impact",
    "delete_record",
    "load_record",
    "record_label",
    "save_record",
]
