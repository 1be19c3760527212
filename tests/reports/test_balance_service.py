"""services.balance on the hand-computed dataset (figures worked out in dataset.py)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from clauses_app.services.balance import UnknownAuthorityError, build_balance
from clauses_app.services.balance_people import age_band
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests.reports.dataset import Dataset


def _counts(rows: list) -> dict[str, int]:  # type: ignore[type-arg]
    return {r.code: r.count for r in rows}


def test_headline_figures_2025(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        data = build_balance(s, dataset.authority, Period.year(2025))
    assert data.totals.hours_required == D("1700.00")
    assert data.totals.hours_done == D("1787.18")
    assert round(data.totals.completion_rate or 0, 4) == D("1.0513")  # 1787.18 / 1700
    assert data.totals.etp_done == D("1.1121")  # 1787.18 / 1607
    assert (data.participant_count, data.employment_count) == (4, 4)
    assert (data.company_count, data.siae_count) == (2, 1)
    assert not data.is_empty
    assert data.nominative is None


def test_tables_per_operation_contract_lot_company(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        data = build_balance(s, dataset.authority, Period.year(2025))
    assert [(r.label, r.hours_required, r.hours_done) for r in data.by_operation] == [
        ("Rénovation quartier Nord", D("1100.00"), D("1187.18")),
        ("Marchés hors opération", D("600.00"), D("600.00")),
    ]
    rates = [(r.label, r.detail, round(r.completion_rate or 0, 4)) for r in data.by_contract]
    assert rates == [
        ("2025-001", "Réhabilitation de l'école Jaurès", D("1.0793")),
        ("2025-002", "Entretien des espaces verts", D("1.0000")),
    ]
    lots = [(r.contract_reference, r.number, r.hours_done, r.hours_done_pooled, r.pooled)
            for r in data.by_lot]  # fmt: skip
    assert lots == [
        ("2025-001", "1", D("803.84"), D("687.18"), True),  # gives its surplus to lot 2
        ("2025-001", "2", D("383.34"), D("500.00"), True),  # shortfall 116.66 covered
        ("2025-002", "1", D("600.00"), D("600.00"), False),
    ]
    assert [(r.label, r.hours_done) for r in data.by_company] == [
        ("BTP Durand", D("1187.18")),
        ("Jardins Martin", D("600.00")),
    ]


def test_hours_breakdowns_and_months(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        data = build_balance(s, dataset.authority, Period.year(2025))
    assert [(r.code, r.hours, r.share) for r in data.by_modality] == [
        ("EMBAUCHE", D("1436.68"), D("0.8039")),
        ("MAD", D("350.50"), D("0.1961")),
    ]
    assert {r.code: r.hours for r in data.by_contract_type} == {
        "CDI": D("383.34"), "CDD": D("1053.34"), "MISSION_ETTI": D("350.50"),
    }  # fmt: skip
    months = {m.month[1]: m.hours for m in data.monthly}
    assert len(months) == 12
    assert (months[1], months[2], months[3], months[4], months[12]) == (
        D("80.00"), D("303.34"), D("423.34"), D("280.50"), D("0"),
    )  # fmt: skip
    assert sum(months.values()) == D("1787.18")


def test_people_breakdowns(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        data = build_balance(s, dataset.authority, Period.year(2025))
    p = data.people
    assert _counts(p.by_sex) == {"F": 2, "M": 2}
    assert _counts(p.by_age_band) == {"-26": 1, "26-44": 1, "45-49": 1, "50+": 1}
    assert _counts(p.by_criterion) == {"DELD": 1, "BRSA": 1, "RQTH": 1, "QPV": 1, "PLIE": 1}
    assert _counts(p.by_qpv) == {"QPV": 1, "HORS_QPV": 3}
    assert _counts(p.by_qualification) == {"INFRA3": 1, "3": 1, "4": 1, "INCONNU": 1}
    assert [c.name for c in data.involved] == ["BTP Durand", "Jardins Martin",
                                               "Intérim Insertion 93"]  # fmt: skip


def test_outcomes_count_employments_ended_in_period(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        o = build_balance(s, dataset.authority, Period.year(2025)).outcomes
    assert (o.ended, o.known_at_end, o.durable_at_end, o.training_at_end) == (3, 3, 1, 1)
    assert (o.known_at_6m, o.durable_at_6m, o.training_at_6m) == (1, 1, 0)
    assert _counts(o.at_end) == {"CDI": 1, "CDD_MOINS_6": 1, "FORMATION": 1}


def test_2024_has_only_the_former_employment(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        data = build_balance(s, dataset.authority, Period.year(2024))
    # Contract 2025-002 runs 24 months: 600 h of its 1,200 fall in 2024.
    assert data.totals.hours_required == D("600.00")
    assert data.totals.hours_done == D("100.00")
    assert (data.participant_count, data.employment_count) == (1, 1)


def test_nominative_rows_only_when_asked(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        data = build_balance(s, dataset.authority, Period.year(2025), nominative=True)
    assert data.nominative is not None
    rows = {r.participant_name: r for r in data.nominative}
    assert set(rows) == {"BENALI Karim", "DUPONT Sophie", "MARTIN Léa", "NGUYEN Paul"}
    assert rows["BENALI Karim"].eligibility == "Validation expirée"
    assert rows["DUPONT Sophie"].eligibility == "Éligibilité à documenter"
    assert rows["MARTIN Léa"].criteria == "BRSA (10/01/2025), QPV (10/01/2025)"


def test_empty_authority_and_unknown_authority(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        empty = build_balance(s, dataset.other_authority, Period.year(2025))
        assert empty.is_empty and empty.by_contract == [] and empty.monthly[0].hours == 0
        with pytest.raises(UnknownAuthorityError):
            build_balance(s, uuid.uuid4(), Period.year(2025))


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2000, 6, 2), date(2026, 6, 1), "-26"),  # 25 the day before the 26th birthday
        (date(2000, 6, 1), date(2026, 6, 1), "26-44"),
        (date(1980, 1, 1), date(2025, 1, 1), "45-49"),
        (date(1975, 1, 2), date(2025, 1, 1), "45-49"),  # 49 until the next day
        (date(1975, 1, 1), date(2025, 1, 1), "50+"),
        (None, date(2025, 1, 1), "INCONNU"),
    ],
)
def test_age_band_at_start(born: date | None, on: date, band: str) -> None:
    assert age_band(born, on) == band
