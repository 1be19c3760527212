"""The alerts and pending hours of a facilitator on a team database: every member reads the
work contracts (they carry no identity), the people only of their portfolio (row-level
security)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import ProgrammingError

from clauses_app.models import Employment, ParticipantCriterion
from clauses_app.services.alerts import AlertKind, AlertRecord, compute_alerts
from clauses_app.services.dashboard import dashboard_figures
from clauses_app.services.periods import Period
from clauses_app.services.settings import UnvalidatedHours, load_settings
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


def test_a_person_out_of_sight_validated_in_time_has_no_pending_hours(
    team: Team, portfolios: Portfolios
) -> None:
    """Yvon (on Y, out of facilitator a's sight) was validated before his start: a cannot
    read his criteria, yet his hours are not « en attente » for a (they were once, read as
    having no criterion), as for the coordinator, who reads them."""
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


@pytest.mark.parametrize("unvalidated", [UnvalidatedHours.PROVISIONAL, UnvalidatedHours.EXCLUDED])
def test_every_member_finds_the_same_pending_hours(
    team: Team, portfolios: Portfolios, unvalidated: str
) -> None:
    """Yvon (on Y, out of facilitator a's sight) has no criterion: his 100 h are « en
    attente » for everybody, counted or left out as the setting says, though a cannot read
    his criteria (the database's validation dates view, docs/team.md): a balance of Y is the
    same whoever makes it."""
    with team.owner.transaction() as s:
        s.execute(delete(ParticipantCriterion).where(
            ParticipantCriterion.participant_uuid == portfolios.p_y))  # fmt: skip
        work = s.scalars(
            select(Employment).where(Employment.participant_uuid == portfolios.p_y)
        ).one()
        b.month_hours(s, work, 2025, 4, "100")
        settings = load_settings(s)
    settings = replace(
        settings, counting=replace(settings.counting, unvalidated_hours=unvalidated)
    )
    seen = {}
    for who in ("a", "c"):
        with team.open(who).session() as s:
            figures = dashboard_figures(s, 2025, portfolios.y, settings=settings)
        seen[who] = (figures.hours_done, figures.pending_counted, figures.pending_excluded)
    counted = unvalidated == UnvalidatedHours.PROVISIONAL
    assert seen["c"] == (
        Decimal(100) if counted else Decimal(0),
        Decimal(100) if counted else Decimal(0),
        Decimal(0) if counted else Decimal(100),
    )
    assert seen["a"] == seen["c"]


def test_a_facilitator_reads_validation_dates_only_and_changes_nothing_through_them(
    team: Team, portfolios: Portfolios
) -> None:
    """The view that keeps pending hours whole shows every validated criterion's person,
    date and whether evidence was given: not the criterion, and it changes nothing."""
    with team.open("a").session() as s:
        people = set(s.execute(text("SELECT participant_uuid FROM criterion_validation")).scalars())
        columns = set(s.execute(text("SELECT * FROM criterion_validation")).keys())
    assert {portfolios.p_x, portfolios.p_y, portfolios.p_b} <= people
    assert columns == {"participant_uuid", "validated_on", "evidence_given"}
    for statement in (
        "DELETE FROM criterion_validation",
        "UPDATE criterion_validation SET validated_on = DATE '2020-01-01'",
        "INSERT INTO criterion_validation (participant_uuid, validated_on) "
        f"VALUES ('{portfolios.p_y}', DATE '2020-01-01')",
    ):
        with team.open("a").session() as s, pytest.raises(ProgrammingError, match="permission"):
            s.execute(text(statement))
    with team.owner.session() as s:
        assert s.execute(
            select(ParticipantCriterion.validated_on).where(
                ParticipantCriterion.participant_uuid == portfolios.p_y)
        ).scalars().all() == [date(2025, 1, 2)]  # fmt: skip


def test_migration_0016_lets_the_team_read_the_validation_dates_only(
    team: Team, portfolios: Portfolios
) -> None:
    """A team database upgraded to 0016 after ``clauses team init``: the view belongs to the
    criteria's owner (so it reads every row) and the members read it at once, nothing more."""
    from clauses_app.storage.migrate import downgrade, upgrade

    downgrade(team.owner.engine, "0015")
    upgrade(team.owner.engine)
    with team.owner.session() as s:
        owners = s.execute(text(
            "SELECT (SELECT viewowner FROM pg_views WHERE viewname = 'criterion_validation'), "
            "(SELECT tableowner FROM pg_tables WHERE tablename = 'participant_criterion')"
        )).one()  # fmt: skip
    assert owners[0] == owners[1]
    with team.open("a").session() as s:
        people = set(s.execute(text("SELECT participant_uuid FROM criterion_validation")).scalars())
    assert portfolios.p_y in people
    with team.open("a").session() as s, pytest.raises(ProgrammingError, match="permission"):
        s.execute(text("DELETE FROM criterion_validation"))
