"""The dashboard's alerts: what the facilitator should do next. Qt-free.

Nine kinds (found by :mod:`clauses_app.services.alerts.rules` and its neighbours, each in a
few bulk queries):

- awards behind their pro-rata schedule (figures from ``compute_figures``);
- contracts ending soon with hours still due;
- months with no hours statement on a work contract;
- eligibility validations expiring before a planned start;
- participants with no outcome recorded six months after their last contract;
- contracts subject to the 2026 social consideration with none (services/compliance.py);
- awards of lots sized on the amount invoiced, started, with no amount recorded (invoiced.py);
- participants at work whose eligibility is not validated (services/eligibility.py);
- lots with planned hours and no awardee once their contract started (services/unawarded.py).

Alerts the facilitator marked « traitée » or « reportée » (services.alerts.marks) leave the
open list while their facts stay the same; the book keeps them apart.

:func:`collect_alerts` returns an :class:`AlertBook`: counts per kind at once, messages
worded page by page (a national database raises tens of thousands of alerts, and nobody
reads them all at once). :func:`compute_alerts` words them all. ``today`` is always a
parameter, so that tests pass a fixed date.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from clauses_app.models import Setting
from clauses_app.services.alerts.book import (
    ALERT_TITLES,
    Alert,
    AlertBook,
    AlertKind,
    AlertRecord,
    PendingAlert,
)
from clauses_app.services.alerts.invoiced import invoiced_amounts_missing
from clauses_app.services.alerts.marks import load_marks, sort_out
from clauses_app.services.alerts.rules import (
    award_labels,
    behind_schedule,
    contracts_ending,
    eligibility_expiring,
    end_of_last_elapsed_month,
    outcomes_missing,
)
from clauses_app.services.alerts.social import missing_consideration_alerts
from clauses_app.services.alerts.statements import (
    Coverage,
    missing_statements,
    statement_coverage,
)
from clauses_app.services.alerts.unvalidated import eligibility_unvalidated, lot_unawarded
from clauses_app.services.alerts.work import work_contracts
from clauses_app.services.figures import compute_figures
from clauses_app.services.figures.awards import UuidCache
from clauses_app.services.figures.pending import pending_query
from clauses_app.services.periods import Period
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.storage.worker import BackgroundQuery

__all__ = [
    "ALERT_THRESHOLDS_KEY",
    "ALERT_TITLES",
    "STEPS",
    "Alert",
    "AlertBook",
    "AlertKind",
    "AlertRecord",
    "AlertThresholds",
    "PendingAlert",
    "collect_alerts",
    "compute_alerts",
    "load_alert_thresholds",
    "save_alert_thresholds",
]


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


STEPS = 7


def collect_alerts(
    session: Session,
    today: date,
    period: Period | None = None,
    authority_uuid: uuid.UUID | None = None,
    settings: AppSettings | None = None,
    thresholds: AlertThresholds | None = None,
    progress: Progress | None = None,
) -> AlertBook:
    """Every alert for ``today``, limited to one authority when given, unworded.

    ``period`` (the dashboard's year) limits the alerts that look back: awards whose
    performance period overlaps it, missing months inside it, six-month outcomes falling in it.
    Contracts ending soon and planned starts depend on ``today`` only. ``progress`` is called
    between the steps (it may raise ``Cancelled``).
    """
    period = period or Period()
    settings = settings or load_settings(session)
    thresholds = thresholds or load_alert_thresholds(session)
    # Kinds that need only the database (few rows each) are asked for on the database worker
    # after the figures' sums, while the session's thread works out the figures.
    beside = _Beside(
        pending_query(session, authority_uuid, settings, start=False),
        BackgroundQuery(
            session, lambda other: lot_unawarded(other, today, period, authority_uuid)
            + invoiced_amounts_missing(other, today, authority_uuid),
            start=False,
        ),
        BackgroundQuery(
            session, lambda other: statement_coverage(other, today, period, authority_uuid),
            start=False,
        ),
    )  # fmt: skip
    try:
        return _find(session, today, period, authority_uuid, settings, thresholds, progress, beside)
    finally:  # stopped or failed: the worker's queries are over before the session ends
        for query in beside:
            query.wait()


class _Beside(NamedTuple):
    """What the alerts ask of the database worker."""

    pending_employments: BackgroundQuery[set[Any]]  # figures.pending's raw keys
    lots_and_invoices: BackgroundQuery[list[PendingAlert]]  # two kinds' alerts
    statement_coverage: BackgroundQuery[dict[Any, Coverage]]  # statements.statement_coverage


def _find(
    session: Session,
    today: date,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    thresholds: AlertThresholds,
    progress: Progress | None,
    beside: _Beside,
) -> AlertBook:
    uuids = UuidCache()
    report(progress, 0, STEPS, "Calcul des alertes : chiffres des attributions")
    # One pass over every award's figures serves both the schedule and the ending contracts:
    # the schedule pro-rates the award's whole requirement, compares the hours done up to
    # the last month over and adds what pooling moved over all time; the ending contracts
    # compare all required hours with all hours done.
    all_time = compute_figures(
        session, Period(), authority_uuid, settings,
        done_up_to=end_of_last_elapsed_month(today), background=beside,
    )  # fmt: skip
    report(progress, 1, STEPS, "Calcul des alertes : marchés")
    labels = award_labels(session, authority_uuid, all_time)
    pending: list[PendingAlert] = contracts_ending(
        session, today, authority_uuid, settings, all_time
    )
    pending += behind_schedule(
        today, period, thresholds.schedule_tolerance_percent, labels, all_time
    )
    del all_time  # the largest object here: let it go before the next queries
    report(progress, 2, STEPS, "Calcul des alertes : relevés d'heures")
    contracts = work_contracts(session, authority_uuid)  # shared by the next three kinds
    pending += missing_statements(
        today, period, labels, uuids, contracts, beside.statement_coverage.result()
    )
    report(progress, 3, STEPS, "Calcul des alertes : éligibilité")
    pending += eligibility_expiring(session, today, authority_uuid, settings)
    pending += eligibility_unvalidated(
        session, today, period, settings, labels, uuids, contracts,
        beside.pending_employments.result(),
    )  # fmt: skip
    report(progress, 4, STEPS, "Calcul des alertes : situations à 6 mois")
    pending += outcomes_missing(
        today, period, thresholds.outcome_followup_months, labels, contracts
    )
    del labels, contracts
    report(progress, 5, STEPS, "Calcul des alertes : lots, considération sociale, facturation")
    pending += missing_consideration_alerts(session, authority_uuid)
    pending += beside.lots_and_invoices.result()
    report(progress, 6, STEPS, "Calcul des alertes : alertes traitées ou reportées")
    still_open, worked = sort_out(pending, load_marks(session), today)
    book = AlertBook(still_open, worked, today)
    report(progress, STEPS, STEPS)
    return book


def compute_alerts(
    session: Session,
    today: date,
    period: Period | None = None,
    authority_uuid: uuid.UUID | None = None,
    settings: AppSettings | None = None,
    thresholds: AlertThresholds | None = None,
) -> list[Alert]:
    """Every open alert of :func:`collect_alerts`, worded: most urgent kind first, then by
    due date and message."""
    book = collect_alerts(session, today, period, authority_uuid, settings, thresholds)
    return book.alerts()
