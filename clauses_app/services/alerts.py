"""The dashboard's alerts: what the facilitator should do next. Qt-free.

Five kinds, each computed in a few bulk queries (a national database has 62,000 work
contracts, so never one query per row):

- awards behind their pro-rata schedule (figures from ``compute_figures``);
- contracts ending soon with hours still due;
- months with no hours statement on a work contract;
- eligibility validations expiring before a planned start;
- participants with no outcome recorded six months after their last contract.

``today`` is always a parameter, so that tests pass a fixed date.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date, format_hours, format_month
from clauses_app.models import (
    Award,
    Company,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    Participant,
    PublicContract,
    Setting,
)
from clauses_app.services.counting import required_share, round_hours
from clauses_app.services.eligibility import expiring_validations
from clauses_app.services.figures import Figures, compute_figures
from clauses_app.services.figures_load import UuidCache, month_index_of, raw, to_decimal
from clauses_app.services.periods import (
    Month,
    Period,
    add_months,
    first_day,
    last_day,
    month_index,
    month_of,
    months_between,
)
from clauses_app.services.records.kinds import Kind
from clauses_app.services.settings import AppSettings, load_settings

HUNDRED = Decimal(100)


class AlertKind:
    CONTRACT_ENDING = "contract_ending"
    ELIGIBILITY_EXPIRING = "eligibility_expiring"
    BEHIND_SCHEDULE = "behind_schedule"
    MISSING_STATEMENT = "missing_statement"
    OUTCOME_MISSING = "outcome_missing"
    # Display order: what is due soonest first.
    ALL = (CONTRACT_ENDING, ELIGIBILITY_EXPIRING, BEHIND_SCHEDULE, MISSING_STATEMENT,
           OUTCOME_MISSING)  # fmt: skip


ALERT_TITLES = {
    AlertKind.CONTRACT_ENDING: "Marché bientôt terminé",
    AlertKind.ELIGIBILITY_EXPIRING: "Éligibilité à revalider",
    AlertKind.BEHIND_SCHEDULE: "Attribution en retard",
    AlertKind.MISSING_STATEMENT: "Relevé d'heures manquant",
    AlertKind.OUTCOME_MISSING: "Situation à 6 mois à renseigner",
}


# Kinds of record an alert opens: the record services' kinds (the UI's RecordKind too).
AlertRecord = Kind


@dataclass(frozen=True)
class Alert:
    kind: str
    record_kind: str
    record_uuid: uuid.UUID
    message: str  # one French sentence naming the record and what is wrong
    due: date | None = None  # the date that makes it urgent, when there is one

    @property
    def title(self) -> str:
        return ALERT_TITLES[self.kind]


@dataclass(frozen=True)
class AlertThresholds:
    """Alert settings that ``AppSettings`` does not hold yet (stored under one setting key)."""

    # An award is behind when done < expected × (1 − tolerance).
    schedule_tolerance_percent: Decimal = Decimal(10)
    # The outcome to record after the last contract ("situation à 6 mois").
    outcome_followup_months: int = 6


ALERT_THRESHOLDS_KEY = "alert_thresholds"


def load_alert_thresholds(session: Session) -> AlertThresholds:
    row = session.get(Setting, ALERT_THRESHOLDS_KEY)
    stored: dict[str, Any] = row.value if row is not None and isinstance(row.value, dict) else {}
    defaults = AlertThresholds()
    return AlertThresholds(
        schedule_tolerance_percent=Decimal(
            str(stored.get("schedule_tolerance_percent", defaults.schedule_tolerance_percent))
        ),
        outcome_followup_months=int(
            stored.get("outcome_followup_months", defaults.outcome_followup_months)
        ),
    )


def save_alert_thresholds(session: Session, thresholds: AlertThresholds) -> None:
    """Store the thresholds (the caller commits)."""
    value = {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(thresholds).items()}
    row = session.get(Setting, ALERT_THRESHOLDS_KEY)
    if row is None:
        session.add(Setting(key=ALERT_THRESHOLDS_KEY, value=value))
    elif row.value != value:
        row.value = value


def compute_alerts(
    session: Session,
    today: date,
    period: Period | None = None,
    authority_uuid: uuid.UUID | None = None,
    settings: AppSettings | None = None,
    thresholds: AlertThresholds | None = None,
) -> list[Alert]:
    """Every alert for ``today``, limited to one authority when given.

    ``period`` (the dashboard's year) limits the alerts that look back: awards whose
    performance period overlaps it, missing months inside it, six-month outcomes falling in it.
    Contracts ending soon and planned starts depend on ``today`` only.
    """
    period = period or Period()
    settings = settings or load_settings(session)
    thresholds = thresholds or load_alert_thresholds(session)
    labels = _award_labels(session, authority_uuid)
    # One pass over every award's figures serves both the schedule and the ending contracts.
    all_time = compute_figures(session, Period(), authority_uuid, settings, award_months=True)
    alerts = [
        *_contracts_ending(session, today, authority_uuid, settings, all_time),
        *_eligibility_expiring(session, today, authority_uuid, settings),
        *_behind_schedule(today, period, thresholds, labels, all_time),
        *_missing_statements(session, today, period, authority_uuid, labels),
        *_outcomes_missing(session, today, period, authority_uuid, thresholds),
    ]
    order = {kind: i for i, kind in enumerate(AlertKind.ALL)}
    return sorted(alerts, key=lambda a: (order[a.kind], a.due or date.max, a.message))


# --- shared look-ups ------------------------------------------------------------------------


@dataclass(frozen=True)
class _AwardLabel:
    text: str  # "SARL Martin — marché 2025-001, lot 2"
    performance_start: date | None
    performance_end: date | None


def _scoped(statement: Select, authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    if authority_uuid is None:
        return statement
    return statement.where(PublicContract.authority_uuid == authority_uuid)


def _award_labels(
    session: Session, authority_uuid: uuid.UUID | None
) -> dict[uuid.UUID, _AwardLabel]:
    statement = (
        select(Award.uuid, Company.name, PublicContract.reference, Lot.number,
               Lot.start_date, Lot.end_date, PublicContract.start_date, PublicContract.end_date)
        .join(Company, Award.company_uuid == Company.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
    )  # fmt: skip
    result = {}
    for award_uuid, company, reference, number, l_start, l_end, c_start, c_end in session.execute(
        _scoped(statement, authority_uuid)
    ):
        result[award_uuid] = _AwardLabel(
            f"{company} — marché {reference}, lot {number}", l_start or c_start, l_end or c_end
        )
    return result


def _end_of_last_elapsed_month(today: date) -> date:
    """Today when it is a month's last day, else the last day of the previous month."""
    if today == last_day(month_of(today)):
        return today
    return first_day(month_of(today)) - timedelta(days=1)


# --- the five kinds ----------------------------------------------------------------------------


def _behind_schedule(
    today: date,
    period: Period,
    thresholds: AlertThresholds,
    labels: dict[uuid.UUID, _AwardLabel],
    all_time: Figures,
) -> list[Alert]:
    """Done < required × elapsed share of the performance period, less the tolerance.

    The elapsed share counts whole months up to the last one over, with the guide's pro-rata
    rule (counting.required_share, the one compute_figures applies to a period); hours done
    to date are the award's counted months up to then, plus what pooling moved to it.
    """
    cutoff = _end_of_last_elapsed_month(today)
    last_index = month_index_of(cutoff)
    factor = 1 - thresholds.schedule_tolerance_percent / HUNDRED
    alerts = []
    for figures in all_time.awards:
        label = labels.get(figures.award_uuid)
        if label is None or label.performance_start is None or label.performance_end is None:
            continue  # no schedule to be behind
        if label.performance_start > cutoff:
            continue
        if not period.overlaps(label.performance_start, label.performance_end):
            continue
        expected = round_hours(
            required_share(figures.hours_required, label.performance_start,
                           label.performance_end, None, None, cutoff)
        )  # fmt: skip
        months = figures.monthly or {}  # the award's counted months (unrounded, by index)
        counted = to_decimal(sum(h for m, h in months.items() if m <= last_index))
        done = round_hours(counted + figures.hours_done_pooled - figures.hours_done)
        if expected > 0 and done < expected * factor:
            alerts.append(
                Alert(
                    AlertKind.BEHIND_SCHEDULE,
                    AlertRecord.AWARD,
                    figures.award_uuid,
                    f"{label.text} : {format_hours(done)} réalisées pour "
                    f"{format_hours(expected)} attendues au {format_date(cutoff)}.",
                    label.performance_end,
                )
            )
    return alerts


def _contracts_ending(
    session: Session,
    today: date,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    all_time: Figures,
) -> list[Alert]:
    horizon = today + timedelta(days=settings.contract_ending_alert_days)
    statement = select(
        PublicContract.uuid, PublicContract.reference, PublicContract.end_date
    ).where(PublicContract.end_date >= today, PublicContract.end_date <= horizon)
    ending = list(session.execute(_scoped(statement, authority_uuid)))
    if not ending:
        return []
    totals = all_time.by_contract()
    alerts = []
    for contract_uuid, reference, end in ending:
        total = totals.get(contract_uuid)
        if total is None:
            continue
        due = total.hours_required - total.hours_done
        if due > 0:
            alerts.append(
                Alert(
                    AlertKind.CONTRACT_ENDING,
                    AlertRecord.CONTRACT,
                    contract_uuid,
                    f"Marché {reference} : se termine le {format_date(end)}, "
                    f"{format_hours(due)} restent à réaliser "
                    f"(sur {format_hours(total.hours_required)}).",
                    end,
                )
            )
    return alerts


def _employment_rows(authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    return _scoped(
        select(Employment.uuid, Employment.award_uuid, Employment.participant_uuid,
               Participant.last_name, Participant.first_name, Employment.start_date,
               Employment.end_date)
        .join(Participant, Employment.participant_uuid == Participant.uuid)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .where(Employment.ineligible.is_(False)),
        authority_uuid,
    )  # fmt: skip


def _person(last_name: str, first_name: str) -> str:
    return f"{last_name.upper()} {first_name}"


def _missing_statements(
    session: Session,
    today: date,
    period: Period,
    authority_uuid: uuid.UUID | None,
    labels: dict[uuid.UUID, _AwardLabel],
) -> list[Alert]:
    """Past months (ended before today) of an employment, inside its award's performance
    period and the dashboard's period, with no MONTH record and no TOTAL covering them."""
    last_past = first_day(month_of(today)) - timedelta(days=1)
    window_end = min(last_past, period.end) if period.end else last_past
    statement = _employment_rows(authority_uuid).where(Employment.start_date <= window_end)
    if period.start is not None:
        statement = statement.where(
            or_(Employment.end_date.is_(None), Employment.end_date >= period.start)
        )
    employments = list(session.execute(statement))
    if not employments:
        return []
    covered = _stated_months(session, authority_uuid, period.start, window_end)
    alerts = []
    for emp_uuid, award_uuid, _p, last_name, first_name, start, end in employments:
        label = labels.get(award_uuid)
        lo = max(d for d in (start, period.start, label and label.performance_start) if d)
        hi = min(d for d in (end, window_end, label and label.performance_end) if d)
        if hi < lo:
            continue
        stated = covered.get(emp_uuid, set())
        missing = [
            m for m in months_between(month_of(lo), month_of(hi)) if month_index(m) not in stated
        ]
        if missing:
            where = f" ({label.text})" if label else ""
            alerts.append(
                Alert(
                    AlertKind.MISSING_STATEMENT,
                    AlertRecord.EMPLOYMENT,
                    emp_uuid,
                    f"{_person(last_name, first_name)}{where} : {_months_text(missing)}.",
                    first_day(missing[0]),
                )
            )
    return alerts


def _months_text(months: list[Month]) -> str:
    names = ", ".join(format_month(*m) for m in months[:4])
    more = f" et {len(months) - 4} autre(s)" if len(months) > 4 else ""
    count = "1 mois sans relevé" if len(months) == 1 else f"{len(months)} mois sans relevé"
    return f"{count} ({names}{more})"


def _stated_months(
    session: Session, authority_uuid: uuid.UUID | None, start: date | None, end: date
) -> dict[uuid.UUID, set[int]]:
    """Month indexes (periods.month_index) covered by a statement, per employment.

    Read raw (no per-row UUID or date objects): a national database has 330,000 rows.
    """
    statement = select(
        raw(HoursRecord.employment_uuid),
        HoursRecord.kind,
        raw(HoursRecord.period_start),
        raw(HoursRecord.period_end),
    ).where(HoursRecord.period_start <= end)
    if authority_uuid is not None:
        statement = _scoped(
            statement.join(Employment, HoursRecord.employment_uuid == Employment.uuid)
            .join(Award, Employment.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
            authority_uuid,
        )
    if start is not None:
        statement = statement.where(HoursRecord.period_end >= start)
    uuids = UuidCache()
    covered: dict[uuid.UUID, set[int]] = defaultdict(set)
    for emp, kind, p_start, p_end in session.execute(statement):
        months = covered[uuids[emp]]
        first = month_index_of(p_start)
        if kind == HoursKind.TOTAL:
            months.update(range(first, month_index_of(p_end) + 1))
        else:
            months.add(first)
    return covered


def _eligibility_expiring(
    session: Session, today: date, authority_uuid: uuid.UUID | None, settings: AppSettings
) -> list[Alert]:
    """Planned work contracts whose participant's validations will have expired at the start
    (services.eligibility decides; this only words the alert and scopes it)."""
    expiring = expiring_validations(session, settings, today)
    if authority_uuid is not None and expiring:
        planned = _employment_rows(authority_uuid).where(Employment.start_date > today)
        scoped = {row[0] for row in session.execute(planned)}
        expiring = [e for e in expiring if e.employment_uuid in scoped]
    alerts = []
    for item in expiring:
        expiry = f"expire le {format_date(item.expires_on)}" if item.expires_on else "aura expiré"
        criteria = ", ".join(item.criteria)
        alerts.append(
            Alert(
                AlertKind.ELIGIBILITY_EXPIRING,
                AlertRecord.PARTICIPANT,
                item.participant_uuid,
                f"{item.participant_name} : la validation d'éligibilité ({criteria}) {expiry}, "
                f"avant le début du contrat le {format_date(item.start_date)}.",
                item.start_date,
            )
        )
    return alerts


def _chunks(items: list[Any], size: int = 500) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _outcomes_missing(
    session: Session,
    today: date,
    period: Period,
    authority_uuid: uuid.UUID | None,
    thresholds: AlertThresholds,
) -> list[Alert]:
    """Participants whose last work contract (all authorities) ended N months ago or more,
    with no outcome recorded at N months on it. With a period, only marks falling in it."""
    months = thresholds.outcome_followup_months
    # SQL narrows with a few days of slack (month ends clamp: 31/12 + 6 months = 30/06);
    # the exact test on the six-month mark is done below.
    slack = timedelta(days=3)
    latest_end = add_months(today, -months) + slack
    earliest_end = add_months(period.start, -months) - slack if period.start else None
    last_contracts = (
        select(
            Employment.participant_uuid.label("person"),
            func.max(Employment.end_date).label("last_end"),
            (func.count() - func.count(Employment.end_date)).label("open_count"),
        )
        .group_by(Employment.participant_uuid)
        .subquery()
    )
    statement = (
        _employment_rows(authority_uuid)
        .join(
            last_contracts,
            (last_contracts.c.person == Employment.participant_uuid)
            & (last_contracts.c.last_end == Employment.end_date),
        )
        .where(
            last_contracts.c.open_count == 0,
            Employment.end_date <= latest_end,
            Employment.outcome_6m_code.is_(None),
            Participant.archived.is_(False),
        )
    )
    if earliest_end is not None:
        statement = statement.where(Employment.end_date >= earliest_end)
    if period.end is not None:
        statement = statement.where(Employment.end_date <= add_months(period.end, -months) + slack)
    alerts: dict[uuid.UUID, Alert] = {}
    for emp_uuid, _award, person, last_name, first_name, _start, end in session.execute(statement):
        mark = add_months(end, months)
        if mark > today or not period.overlaps(mark, mark):
            continue
        alerts.setdefault(
            person,
            Alert(
                AlertKind.OUTCOME_MISSING,
                AlertRecord.EMPLOYMENT,
                emp_uuid,
                f"{_person(last_name, first_name)} : dernier contrat terminé le "
                f"{format_date(end)}, situation à {months} mois non renseignée "
                f"(depuis le {format_date(mark)}).",
                mark,
            ),
        )
    return list(alerts.values())
