"""Demo contracts launched after 22 August 2026: the rule judged, and its alert on a demo."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clauses_app.models import PublicContract
from clauses_app.services.alerts import AlertKind, collect_alerts
from clauses_app.services.compliance import Compliance, contracts_compliance
from clauses_app.services.demo.plan import PLANS
from clauses_app.services.periods import Period
from clauses_app.storage import Database


def test_every_size_but_national_has_consultations() -> None:
    assert PLANS["national"].consultations == 0  # keeps the 2019 counts
    assert all(PLANS[size].consultations >= 4 for size in ("small", "facilitator", "territory"))


def test_the_small_demo_shows_each_outcome_and_the_alert(small_db: Database) -> None:
    with small_db.session() as session:
        judged = contracts_compliance(session)
        late = [c for c in judged if c.launch_date and c.launch_date >= date(2026, 8, 22)]
        # Thresholds 2026 of a local authority: supplies and services 216,000, works 5,404,000.
        assert sorted(c.status for c in late) == sorted(
            [Compliance.MISSING, Compliance.CONSIDERATION, Compliance.BELOW, Compliance.EXCEPTION]
        )
        missing = next(c for c in late if c.status == Compliance.MISSING)
        assert missing.value is not None and missing.value >= 216_000
        # The 2025 contracts were launched before the rule: judged, never missing.
        assert {c.status for c in judged if c not in late} <= {
            Compliance.BEFORE, Compliance.NOT_JUDGED,
        }  # fmt: skip
        assert all(
            c.launch_date is not None and c.notification_date is not None
            and c.launch_date < c.notification_date
            for c in session.scalars(select(PublicContract))
            if c.notification_date is not None
        )  # fmt: skip
        book = collect_alerts(session, date(2026, 12, 4), Period())
        alerts = book.alerts(AlertKind.SOCIAL_CONSIDERATION_MISSING)
    assert [a.record_uuid for a in alerts] == [missing.contract_uuid]
