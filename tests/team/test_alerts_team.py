"""The alerts and pending hours of a facilitator on a team database: every member reads the
work contracts (they carry no identity), the people only of their portfolio (row-level
security)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clauses_app.models import Employment
from clauses_app.services.alerts import AlertKind, AlertRecord, compute_alerts
from clauses_app.services.dashboard import dashboard_figures
from clauses_app.services.periods import Period
from tests import builders as b
from tests.conftest import requires_postgres
from tests.team.conftest import Portfolios, Team

pytestmark = requires_postgres


def test_a_facilitators_alerts_name_only_people_of_their_portfolio(
    team: Team, portfolios: Portfolios
) -> None:
    with team.owner.session() as s:
        work = {person: key for key, person in s.execute(
            select(Employment.uuid, Employment.participant_uuid))}  # fmt: skip
    today, year = date(2025, 12, 15), Period.year(2025)
    with team.open("a").session() as s:
        alerts = compute_alerts(s, today, year)
    statements = {a.record_uuid for a in alerts if a.kind == AlertKind.MISSING_STATEMENT}
    # Xavier's months after March lack statements; Yvon's work contract (on Y) is seen
    # without its person, so it raises nothing here.
    assert work[portfolios.p_x] in statements
    assert work[portfolios.p_y] not in statements
    assert all(
        a.record_kind != AlertRecord.PARTICIPANT or a.record_uuid != portfolios.p_y
        for a in alerts
    )
    assert not any("Yvon" in a.message for a in alerts)
    with team.open("c").session() as s:  # the coordinator sees both
        everyone = compute_alerts(s, today, year)
    assert work[portfolios.p_y] in {a.record_uuid for a in everyone}


def test_a_facilitator_sees_no_pending_hours_of_people_out_of_sight(
    team: Team, portfolios: Portfolios
) -> None:
    """Yvon (on Y, out of facilitator a's sight) was validated before his start: a cannot
    read his criteria, and his hours are not « en attente » for a either (they were, read
    as having no criterion); the coordinator, who reads them, finds them validated."""
    with team.owner.transaction() as s:
        work = s.scalars(
            select(Employment).where(Employment.participant_uuid == portfolios.p_y)
        ).one()
        b.month_hours(s, work, 2025, 4, "100")
    seen = {}
    for who in ("a", "c"):
        with team.open(who).session() as s:
            figures = dashboard_figures(s, 2025)
        seen[who] = (figures.hours_done, figures.pending_counted, figures.pending_excluded)
    assert seen["a"] == seen["c"]
