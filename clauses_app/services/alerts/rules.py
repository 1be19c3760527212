"""The five kinds of alert, each found in a few bulk queries and left unworded. Qt-free.

A national database has 62,000 work contracts, 75,000 awards and 330,000 hours statements:
never one query per row, rows read raw (see ``figures.awards``), and nothing formatted here:
each alert is a :class:`PendingAlert` whose message is written when someone reads it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date, format_hours
from clauses_app.models import (
    Award,
    ClauseMode,
    Company,
    ContractingAuthority,
    Employment,
    Lot,
    Participant,
    PublicContract,
)
from clauses_app.services.alerts.book import AlertKind, AlertRecord, PendingAlert
from clauses_app.services.alerts.work import (
    ARCHIVED,
    AWARD,
    END,
    FIRST_NAME,
    INELIGIBLE,
    KEY,
    LAST_NAME,
    OUTCOME_6M,
    PERSON,
)
from clauses_app.services.counting import hours_from_cents, share_in_cents, share_months
from clauses_app.services.eligibility import expiring_validations
from clauses_app.services.figures import Figures
from clauses_app.services.figures.awards import (
    UuidCache,
    as_date,
    driver_rows,
    month_index_of,
    raw,
    scope,
)
from clauses_app.services.periods import (
    Period,
    add_months,
    first_day,
    last_day,
    month_of,
)
from clauses_app.services.settings import AppSettings

HUNDRED = Decimal(100)


class AwardLabel(NamedTuple):
    """An award as the alerts name it and its performance period (one per award in scope:
    a named tuple, made several times faster than a frozen dataclass)."""

    text: str  # "SARL Martin — marché 2025-001, lot 2"
    contract_key: Any  # the contract's id as stored (see ``figures.awards.raw``)
    reference: str  # the contract's
    performance_start: date | None
    performance_end: date | None
    first_month: int | None  # month indexes (periods.month_index) of the performance period
    last_month: int | None


def award_labels(
    session: Session, authority_uuid: uuid.UUID | None, all_time: Figures
) -> dict[Any, AwardLabel]:
    """Every award's name and performance period (the lot's dates, else the contract's), per
    raw award key (see ``figures.awards.raw``), for the awards of ``all_time``.

    The figures already hold each award's lot, contract and performance months: only the
    companies' names and the contracts' references are read (two narrow queries)."""
    companies = {
        key: name
        for rows in driver_rows(session, select(raw(Company.uuid), Company.name))
        for key, name in rows
    }
    contracts = scope(select(raw(PublicContract.uuid), PublicContract.reference), authority_uuid)
    references = {key: ref for rows in driver_rows(session, contracts) for key, ref in rows}
    dates: dict[Any, date | None] = {None: None}  # raw date → date, once per distinct value
    result = {}
    for award in all_time.awards:
        lot = award.lot
        start, end = lot.performance_start, lot.performance_end
        if start not in dates:
            dates[start] = as_date(start)
        if end not in dates:
            dates[end] = as_date(end)
        reference = references[lot.contract.key]
        result[award.key] = AwardLabel(
            f"{companies[award.company_key]} — marché {reference}, lot {lot.number}",
            lot.contract.key, reference, dates[start], dates[end], lot.first_month,
            lot.last_month,
        )  # fmt: skip
    return result


def end_of_last_elapsed_month(today: date) -> date:
    """Today when it is a month's last day, else the last day of the previous month."""
    if today == last_day(month_of(today)):
        return today
    return first_day(month_of(today)) - timedelta(days=1)


# --- awards behind schedule, contracts ending -----------------------------------------------


def _behind_words(done: int, expected: int, cutoff: date, ended: date | None) -> str:
    """The message of an award behind its schedule (hours in cents)."""
    missing, done_hours, expected_hours = (
        hours_from_cents(cents) for cents in (expected - done, done, expected)
    )
    if ended is not None:  # the whole requirement was due: say what is missing, not "late"
        return (
            f"terminé le {format_date(ended)}, {format_hours(missing)} manquantes "
            f"({format_hours(done_hours)} réalisées sur {format_hours(expected_hours)} "
            "exigées)."
        )
    return (
        f"{format_hours(done_hours)} réalisées pour {format_hours(expected_hours)} "
        f"attendues au {format_date(cutoff)}."
    )


def behind_schedule(
    today: date,
    period: Period,
    tolerance_percent: Decimal,
    labels: dict[Any, AwardLabel],
    all_time: Figures,
) -> list[PendingAlert]:
    """Done < required × elapsed share of the performance period, less the tolerance.

    The elapsed share counts whole months up to the last one over, with the guide's pro-rata
    rule (counting.share_months, the one compute_figures applies to a period); hours done
    to date are the award's hours counted up to then (``all_time`` computed with
    ``done_up_to`` the cut-off), plus what pooling moved to it over all time. An award
    whose performance is over owed all its hours and has counted all it will: its figures'
    totals are compared as they are. Hours are compared in whole cents, as the figures
    hold them (the pro-rata rounded half-up to the cent, as counting.round_share does).
    """
    cutoff = end_of_last_elapsed_month(today)
    last_month = month_index_of(cutoff)
    factor = 1 - tolerance_percent / HUNDRED
    alerts = []
    for figures in all_time.awards:
        # Both sides keep the ids as stored: no UUID is made for an award that raises nothing.
        label = labels.get(figures.key)
        if label is None or label.performance_start is None or label.performance_end is None:
            continue  # no schedule to be behind
        start, end = label.performance_start, label.performance_end
        if start > cutoff or not period.overlaps(start, end):
            continue
        required = figures.required_cents
        if end <= cutoff:  # over: every month was due and every counted month is done
            if required <= 0 or figures.pooled_cents >= required * factor:
                continue
            ended: date | None = end
            expected, done = required, figures.pooled_cents
        else:
            if figures.lot.clause_mode == ClauseMode.INVOICED:
                # A framework award owes, to date, the hours of what it has invoiced so far:
                # its required hours are already « to date », and a pro-rata of the
                # performance months elapsed would shrink them again.
                expected = required
            else:
                expected = share_in_cents(required, 100, share_months(
                    label.first_month, label.last_month, None, None, last_month
                ))  # fmt: skip
            if expected <= 0:
                continue
            # What pooling moved to the award over all time counts to date too.
            done = figures.to_date_cents + figures.pooled_cents - figures.done_cents
            if done >= expected * factor:
                continue
            ended = None
        alerts.append(
            PendingAlert(AlertKind.BEHIND_SCHEDULE, AlertRecord.AWARD, figures.key, end,
                         f"{label.text} : ", _behind_words, (done, expected, cutoff, ended),
                         figures.lot.contract.key, figures.uuids)
        )  # fmt: skip
    return alerts


def _ending_words(end: date, due: Decimal, required: Decimal) -> str:
    return (
        f"se termine le {format_date(end)}, {format_hours(due)} restent à réaliser "
        f"(sur {format_hours(required)})."
    )


def contracts_ending(
    session: Session,
    today: date,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    all_time: Figures,
) -> list[PendingAlert]:
    """Contracts ending within the setting's horizon with required hours not yet done.

    Over every authority, each contract is named with its authority: references repeat from
    one authority to the next (national data has many a "2023-S001")."""
    horizon = today + timedelta(days=settings.contract_ending_alert_days)
    statement = (
        select(
            raw(PublicContract.uuid), PublicContract.reference, PublicContract.end_date,
            ContractingAuthority.name,
        )
        .join(ContractingAuthority, PublicContract.authority_uuid == ContractingAuthority.uuid)
        .where(PublicContract.end_date >= today, PublicContract.end_date <= horizon)
    )  # fmt: skip
    ending = {  # raw contract key → (name, end), as the figures keep contracts
        key: (reference if authority_uuid else f"{reference} ({authority})", end)
        for key, reference, end, authority in session.connection().execute(
            scope(statement, authority_uuid)
        )
    }
    if not ending:
        return []
    required: dict[Any, int] = {}  # cents, per raw contract key
    done: dict[Any, int] = {}
    for figures in all_time.awards:  # the contracts' totals (Figures.by_contract), for these
        key = figures.lot.contract.key
        if key in ending:
            required[key] = required.get(key, 0) + figures.required_cents
            done[key] = done.get(key, 0) + figures.done_cents
    uuids = UuidCache()
    alerts = []
    for key, (reference, end) in ending.items():
        if key not in required:
            continue
        due = required[key] - done[key]
        if due > 0:
            alerts.append(
                PendingAlert(AlertKind.CONTRACT_ENDING, AlertRecord.CONTRACT, key, end,
                             f"Marché {reference} : ", _ending_words,
                             (end, hours_from_cents(due), hours_from_cents(required[key])),
                             key, uuids)
            )  # fmt: skip
    return alerts


# --- work contracts: missing statements, outcomes, eligibility -------------------------------


def employment_rows(authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    """Work contracts with their participant's name and their contract, read raw (ids and
    dates as stored: see ``figures.awards.raw``)."""
    return scope(
        select(raw(Employment.uuid), raw(Employment.award_uuid),
               raw(Employment.participant_uuid), Participant.last_name, Participant.first_name,
               raw(Employment.start_date), raw(Employment.end_date), raw(PublicContract.uuid))
        .join(Participant, Employment.participant_uuid == Participant.uuid)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .where(Employment.ineligible.is_(False)),
        authority_uuid,
    )  # fmt: skip


def person_name(last_name: str, first_name: str) -> str:
    """A participant as the alerts name them: ``MARTIN Léa``."""
    return f"{last_name.upper()} {first_name}"


def _eligibility_words(criteria: str, expires_on: date | None, start: date) -> str:
    expiry = f"expire le {format_date(expires_on)}" if expires_on else "aura expiré"
    return (
        f"la validation d'éligibilité ({criteria}) {expiry}, "
        f"avant le début du contrat le {format_date(start)}."
    )


def eligibility_expiring(
    session: Session, today: date, authority_uuid: uuid.UUID | None, settings: AppSettings
) -> list[PendingAlert]:
    """Planned work contracts whose participant's validations will have expired at the start
    (services.eligibility decides; this only scopes the alert)."""
    expiring = expiring_validations(session, settings, today)
    if not expiring:
        return []
    planned = employment_rows(authority_uuid).where(Employment.start_date > today)
    uuids = UuidCache()
    contract_of = {
        uuids[row[0]]: uuids[row[-1]] for rows in driver_rows(session, planned) for row in rows
    }
    return [
        PendingAlert(AlertKind.ELIGIBILITY_EXPIRING, AlertRecord.PARTICIPANT,
                     item.participant_uuid, item.start_date, f"{item.participant_name} : ",
                     _eligibility_words,
                     (", ".join(item.criteria), item.expires_on, item.start_date),
                     contract_of[item.employment_uuid])
        for item in expiring
        if item.employment_uuid in contract_of
    ]  # fmt: skip


def _outcome_words(end: date, months: int, mark: date) -> str:
    return (
        f"dernier contrat terminé le {format_date(end)}, situation à {months} mois "
        f"non renseignée (depuis le {format_date(mark)})."
    )


def outcomes_missing(
    today: date,
    period: Period,
    months: int,
    labels: dict[Any, AwardLabel],
    contracts: list[Sequence[Any]],
) -> list[PendingAlert]:
    """Participants whose last work contract (all authorities) ended ``months`` months ago or
    more, with no outcome recorded at that mark on it. With a period, only marks falling in it.
    ``contracts``: work.work_contracts; those in scope have their award among ``labels``."""
    # Each person's last end and whether a contract is still open, over all their contracts
    # (any authority, ineligible ones too): only a last contract, with none open, is due.
    last_end: dict[Any, date | None] = {}  # None: a contract still open
    for row in contracts:
        person, ended = row[PERSON], row[END]
        if person in last_end and last_end[person] is None:
            continue
        if ended is None:
            last_end[person] = None
        elif person not in last_end or ended > last_end[person]:
            last_end[person] = ended
    alerts: dict[Any, PendingAlert] = {}
    uuids = UuidCache()  # ids read raw: made UUIDs for the alerts raised only
    marks: dict[date, date] = {}  # last day → the outcome's day (contracts share few ends)
    for row in contracts:
        person, ended = row[PERSON], row[END]
        if (
            ended is None
            or person in alerts
            or row[INELIGIBLE]
            or row[OUTCOME_6M] is not None
            or row[ARCHIVED]
            or row[AWARD] not in labels
        ):
            continue
        end = ended
        if end != last_end[person]:
            continue
        mark = marks.get(end)
        if mark is None:
            mark = marks[end] = add_months(end, months)
        if mark > today or not period.overlaps(mark, mark):
            continue
        alerts[person] = PendingAlert(
            AlertKind.OUTCOME_MISSING, AlertRecord.EMPLOYMENT, row[KEY], mark,
            f"{person_name(row[LAST_NAME], row[FIRST_NAME])} : ", _outcome_words,
            (end, months, mark), labels[row[AWARD]].contract_key, uuids,
        )  # fmt: skip
    return list(alerts.values())
