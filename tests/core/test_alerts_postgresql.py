"""The alerts and the dashboard's pending hours on PostgreSQL are those of SQLite, on the same
demo data with pending eligibility (their readings use dialect-specific SQL: ids and dates as
text, texts joined into one row, months subtracted from a date)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import select

from clauses_app.models import CriterionStatus, Employment, ParticipantCriterion, PublicContract
from clauses_app.services.alerts import collect_alerts
from clauses_app.services.alerts.book import AlertStatus
from clauses_app.services.alerts.marks import mark_alert
from clauses_app.services.dashboard import dashboard_figures
from clauses_app.services.demo import generate_demo
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests.conftest import requires_postgres


def _make_some_eligibility_pending(database: Database) -> None:
    """The same changes on either database: criteria to document, late, without a date, and
    validations on the edge of the six-month window of a start on a month's last day."""
    with database.transaction() as session:
        criteria = session.scalars(
            select(ParticipantCriterion).order_by(ParticipantCriterion.uuid)
        ).all()
        for number, criterion in enumerate(criteria):
            if number % 7 == 0:
                criterion.status, criterion.validated_on = CriterionStatus.TO_DOCUMENT, None
            elif number % 7 == 1 and criterion.validated_on is not None:
                criterion.validated_on = date(2025, 11, 30)  # late for most starts
        employments = session.scalars(select(Employment).order_by(Employment.uuid)).all()
        for number, employment in enumerate(employments[:40]):
            employment.start_date = date(2025, 3, 31)
            edge = date(2024, 9, 30) if number % 2 else date(2024, 9, 29)  # in time / expired
            for criterion in session.scalars(
                select(ParticipantCriterion).where(
                    ParticipantCriterion.participant_uuid == employment.participant_uuid
                )
            ):
                criterion.status, criterion.validated_on = CriterionStatus.VALIDATED, edge


def _alerts(database: Database, authority: Any) -> list[tuple[str, str, str, str]]:
    with database.session() as session:
        return sorted(
            (alert.kind, str(alert.record_uuid), str(alert.due), alert.message)
            for alert in collect_alerts(
                session, date(2026, 2, 15), Period.year(2025), authority
            ).alerts()
        )


@requires_postgres
def test_alerts_and_pending_hours_agree_on_both_databases(
    database: Database, pg_database: Database
) -> None:
    for each in (database, pg_database):
        generate_demo(each, "small", 5)
        _make_some_eligibility_pending(each)
    with database.session() as session:
        authority = session.scalars(select(PublicContract.authority_uuid)).first()
    for scope in (None, authority):
        on_sqlite = _alerts(database, scope)
        assert on_sqlite == _alerts(pg_database, scope)
        kinds = Counter(kind for kind, *_ in on_sqlite)
        if scope is None:  # the data raise the kinds whose reading differs per database
            assert kinds["eligibility_unvalidated"] and kinds["missing_statement"], kinds
            assert kinds["behind_schedule"], kinds
    figures = []
    for each in (database, pg_database):
        with each.session() as session:
            figures.append(dashboard_figures(session, 2025))
    assert figures[0].pending_counted > 0
    assert figures[0] == figures[1]


@requires_postgres
def test_marks_hold_on_both_databases(database: Database, pg_database: Database) -> None:
    """Most alerts keep their record's id as the database stores it (text of another form on
    each database) until it is shown: a mark, stored against the UUID, still finds them."""
    today = date(2026, 2, 15)
    for each in (database, pg_database):
        generate_demo(each, "small", 5)
        _make_some_eligibility_pending(each)
        with each.session() as session:
            book = collect_alerts(session, today, Period.year(2025))
            chosen = [book.pending(kind, 0, 1)[0] for kind, n in book.counts().items() if n]
        assert len(chosen) >= 4, book.counts()
        with each.transaction() as session:
            for item in chosen:
                mark_alert(session, item, AlertStatus.DONE, today)
        with each.session() as session:
            book = collect_alerts(session, today, Period.year(2025))
        worked = {(item.kind, item.record_uuid) for item, _ in book.worked_pending()}
        assert worked == {(item.kind, item.record_uuid) for item in chosen}
