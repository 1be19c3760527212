"""The demo data makes sense: what a facilitator would check, on the small and facilitator
sizes, without trusting the generator's own bookkeeping."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.fr import siret

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    CriterionStatus,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    Participant,
    ParticipantCriterion,
    PublicContract,
)
from clauses_app.services.periods import add_months, month_of, months_between
from clauses_app.services.reference import DEFAULTS
from clauses_app.storage import Database

FULL_MONTH = Decimal("151.67")
YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)


@pytest.fixture(params=["small", "facilitator"], scope="module")
def demo(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue(f"{request.param}_db")


def _all(session: Session, model: type) -> list:  # type: ignore[type-arg]
    return list(session.scalars(select(model)))


def test_counts_of_each_size(small_db: Database, facilitator_db: Database) -> None:
    expected = [
        # Contracts: the plan's, and its consultations launched after 22 August 2026.
        (small_db, {ContractingAuthority: 2, PublicContract: 10 + 4, Employment: 30}),
        (
            facilitator_db,
            {
                ContractingAuthority: 10,
                PublicContract: 160 + 8,
                Company: 50,
                Participant: 150,
                Employment: 200,
            },
        ),
    ]
    for database, counts in expected:
        with database.session() as session:
            for model, count in counts.items():
                assert len(_all(session, model)) == count, model


def test_employments_inside_performance_period_and_year(demo: Database) -> None:
    with demo.session() as session:
        rows = session.execute(
            select(Employment, Lot, PublicContract)
            .join(Award, Employment.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        ).all()
        assert rows
        for employment, lot, contract in rows:
            start = lot.start_date or contract.start_date
            end = lot.end_date or contract.end_date
            assert start <= employment.start_date <= employment.end_date <= end
            assert employment.start_date >= YEAR_START and employment.end_date <= YEAR_END


def test_statements_inside_employment_and_full_month_per_person(demo: Database) -> None:
    """At most 151.67 h per person per month, all employments together, undivided totals
    spread evenly over their months (guide §6)."""
    per_person_month: dict[tuple[object, tuple[int, int]], Decimal] = defaultdict(Decimal)
    with demo.session() as session:
        rows = session.execute(
            select(HoursRecord, Employment).join(
                Employment, HoursRecord.employment_uuid == Employment.uuid
            )
        ).all()
        for record, employment in rows:
            assert record.worked_hours >= 0 and record.training_hours >= 0
            if record.kind == HoursKind.MONTH:
                assert record.period_start.day == 1
                assert (record.period_end + timedelta(days=1)).day == 1
                assert month_of(employment.start_date) <= month_of(record.period_start)
                assert month_of(record.period_end) <= month_of(employment.end_date)
                months = [month_of(record.period_start)]
            else:
                assert (record.period_start, record.period_end) == (
                    employment.start_date,
                    employment.end_date,
                )
                months = list(
                    months_between(month_of(record.period_start), month_of(record.period_end))
                )
            share = (record.worked_hours + record.training_hours) / len(months)
            for month in months:
                per_person_month[(employment.participant_uuid, month)] += share
    assert per_person_month
    assert max(per_person_month.values()) <= FULL_MONTH + Decimal("0.01")


def test_criteria_validated_before_start_within_six_months(demo: Database) -> None:
    with demo.session() as session:
        validated: dict[object, list[date]] = defaultdict(list)
        for criterion in _all(session, ParticipantCriterion):
            if criterion.status == CriterionStatus.VALIDATED:
                assert criterion.validated_on is not None and criterion.evidence
                validated[criterion.participant_uuid].append(criterion.validated_on)
        for employment in _all(session, Employment):
            dates = validated[employment.participant_uuid]
            assert any(d <= employment.start_date <= add_months(d, 6) for d in dates), employment
        to_document = [
            c
            for c in _all(session, ParticipantCriterion)
            if c.status == CriterionStatus.TO_DOCUMENT
        ]
        assert to_document and all(c.validated_on is None for c in to_document)
        # Every participant works at least once.
        assert {e.participant_uuid for e in _all(session, Employment)} == {
            p.uuid for p in _all(session, Participant)
        }


def test_every_modality_and_contract_type_with_its_employer(demo: Database) -> None:
    with demo.session() as session:
        kinds = {c.uuid: c.kind for c in _all(session, Company)}
        awards = {a.uuid: a for a in _all(session, Award)}
        employments = _all(session, Employment)
        modalities = {code for code, _ in DEFAULTS["modality"]}
        types = {code for code, _ in DEFAULTS["contract_type"]}
        assert {e.modality_code for e in employments} == modalities
        assert {e.contract_type_code for e in employments} == types
        for e in employments:
            employer_kind = kinds.get(e.employer_uuid)  # type: ignore[arg-type]
            if e.contract_type_code == "MISSION_ETTI":
                assert employer_kind == "ETTI"
            if e.contract_type_code == "MISSION_AI":
                assert employer_kind == "AI"
            if e.modality_code == "SOUS_TRAITANCE":
                assert employer_kind in {"EI", "ACI", "REGIE", "EA", "ESAT"}
                assert e.invoiced_amount is not None and e.invoiced_amount > 0
            if e.modality_code == "CO_TRAITANCE":
                assert awards[e.award_uuid].role == "CO_TRAITANT"
                assert kinds[awards[e.award_uuid].company_uuid] in {"EI", "ACI", "REGIE"}
        trained = [
            r
            for r in _all(session, HoursRecord)
            if r.training_hours > 0 and r.employment.contract_type_code == "APPRENTISSAGE"
        ]
        assert trained
        assert sum(e.transferred_staff for e in employments) == 1
        transferred = next(e for e in employments if e.transferred_staff)
        assert awards[transferred.award_uuid].lot.trade_code == "NETTOYAGE"
        assert any(e.outcome_end_code for e in employments)
        assert any(e.outcome_6m_code for e in employments)
        totals = [r for r in _all(session, HoursRecord) if r.kind == HoursKind.TOTAL]
        assert 1 <= len(totals) <= 4


def test_valid_unique_sirets(demo: Database) -> None:
    with demo.session() as session:
        numbers = [c.siret for c in _all(session, Company)]
        numbers += [a.siret for a in _all(session, ContractingAuthority)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert number is not None and len(number) == 14
        assert siret.is_valid(number), number


def test_required_hours_follow_the_sizing_formula(demo: Database) -> None:
    """amount × labour share × insertion rate ÷ hourly cost, half-up to the hour (guide §3),
    and the awards of a lot share its hours exactly."""
    with demo.session() as session:
        lots = _all(session, Lot)
        for lot in lots:
            if lot.clause_mode == "PERCENT":
                assert lot.required_percent and lot.awards[0].worked_hours_total
                continue
            cost = lot.hourly_cost or Decimal(30)
            raw = lot.amount_ht * lot.labour_share / 100 * lot.insertion_rate / 100 / cost
            assert lot.required_hours == raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            assert sum(a.required_hours for a in lot.awards) == lot.required_hours
            assert lot.title.startswith(f"Lot {lot.number} – ") or lot.title.startswith(
                "Lot unique – "
            )
        contracts = _all(session, PublicContract)
        for contract in contracts:
            if contract.notification_date is None:  # in consultation: no lot, no amount yet
                assert not contract.lots and contract.amount_ht is None
                continue
            assert contract.amount_ht == sum(lot.amount_ht for lot in contract.lots)
        assert {c.pooling_scope for c in contracts} >= {"CONTRACT", "OPERATION"}
        assert any(lot.clause_mode == "PERCENT" for lot in lots)
        assert any(len(lot.awards) == 2 for lot in lots)


def test_fixed_timestamps(demo: Database) -> None:
    with demo.session() as session:
        stamps = {(r.created_at, r.updated_at) for r in _all(session, Employment)}
        stamps |= {(r.created_at, r.updated_at) for r in _all(session, ContractingAuthority)}
    assert stamps == {(datetime(2026, 1, 5, 8, 1, tzinfo=UTC),) * 2}


def test_schedules_and_pooling_a_facilitator_follows(demo: Database) -> None:
    """Contracts behind schedule, contracts ending within 60 days of 31/12/2025 with hours
    still due, and pooling that moves hours between two lots of the same company."""
    from clauses_app.services.figures import compute_figures
    from clauses_app.services.periods import Period

    with demo.session() as session:
        contracts = {c.uuid: c for c in _all(session, PublicContract)}
        year = compute_figures(session, Period.year(2025))
        all_time = compute_figures(session)
    behind = [t for t in year.by_contract().values() if (t.completion_rate or 2) < Decimal("0.7")]
    assert behind
    ahead = [t for t in year.by_contract().values() if (t.completion_rate or 0) > 1]
    assert ahead
    ending = [
        uid
        for uid, totals in all_time.by_contract().items()
        if YEAR_END <= contracts[uid].end_date <= YEAR_END + timedelta(days=60)  # type: ignore[index]
        and totals.hours_required > totals.hours_done
    ]
    assert ending
    pooled = year.by_lot(pooled=True)
    moved = [
        lot for lot, totals in year.by_lot().items() if pooled[lot].hours_done != totals.hours_done
    ]
    assert len(moved) >= 2  # one lot gives, another receives
