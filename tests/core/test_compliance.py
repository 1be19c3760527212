"""The 2026 social-consideration rule: thresholds by period, judgement, alert, bad input.

Every expected value is worked out by hand in the comments, on each side of each threshold
and of the obligation's first day (22 August 2026).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clauses_app.cli import main
from clauses_app.models import (
    BuyerType,
    ContractNature,
    PublicContract,
    SocialConsideration,
    SocialException,
)
from clauses_app.services import records
from clauses_app.services.alerts import AlertKind, compute_alerts
from clauses_app.services.compliance import Compliance, contracts_compliance, judge
from clauses_app.services.records import Kind
from clauses_app.services.thresholds import (
    SHIPPED_PERIODS,
    ThresholdError,
    ThresholdPeriod,
    ThresholdTable,
    check_table,
    load_thresholds,
    needs_update,
    next_revision,
    save_thresholds,
    threshold,
)
from tests import builders as b

TABLE = ThresholdTable()
W, S, U = ContractNature.WORKS, ContractNature.SERVICES, ContractNature.SUPPLIES
START = date(2026, 8, 22)


def _status(nature: str, value: str, launch: date = START, buyer: str = BuyerType.LOCAL,
            utilities: bool = False, consideration: str = SocialConsideration.NONE,
            exception: str | None = None, reason: str | None = None) -> str:  # fmt: skip
    status, _ = judge(
        TABLE, nature=nature, buyer_type=buyer, utilities=utilities, launch_date=launch,
        value=Decimal(value), social_consideration=consideration, social_exception=exception,
        social_exception_reason=reason,
    )  # fmt: skip
    return status


# --- thresholds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nature", "buyer", "utilities", "day", "expected"),
    [
        (W, BuyerType.LOCAL, False, date(2026, 1, 1), "5404000"),  # 2026-2027 works
        (W, BuyerType.STATE, True, date(2026, 1, 1), "5404000"),  # works whoever buys
        (ContractNature.SERVICES_CONCESSION, BuyerType.LOCAL, False, date(2026, 6, 1), "5404000"),
        (S, BuyerType.STATE, False, date(2026, 6, 1), "140000"),  # central government
        (U, BuyerType.LOCAL, False, date(2026, 6, 1), "216000"),  # local authorities
        (S, BuyerType.LOCAL, True, date(2026, 6, 1), "432000"),  # utilities
        (ContractNature.DEFENCE, BuyerType.STATE, False, date(2026, 6, 1), "432000"),
        (W, BuyerType.LOCAL, False, date(2025, 12, 31), "5538000"),  # 2024-2025
        (S, BuyerType.STATE, False, date(2024, 1, 1), "143000"),
        (U, BuyerType.LOCAL, False, date(2025, 6, 1), "221000"),
        (S, BuyerType.LOCAL, True, date(2025, 6, 1), "443000"),
        (U, BuyerType.LOCAL, False, date(2031, 3, 1), "216000"),  # after the table: the last
    ],
)
def test_threshold_by_nature_buyer_and_period(nature, buyer, utilities, day, expected) -> None:  # type: ignore[no-untyped-def]
    period = TABLE.period_on(day)
    assert period is not None
    assert threshold(period, nature, buyer, utilities) == Decimal(expected)


def test_after_the_last_period_the_table_needs_updating() -> None:
    assert not needs_update(TABLE, date(2027, 12, 31))
    assert needs_update(TABLE, date(2028, 1, 1))
    assert TABLE.period_on(date(2023, 12, 31)) is None  # before the table: no threshold


def test_the_next_biennial_revision_asks_for_an_update() -> None:
    # Revisions take effect on 1 January of even years: the shipped table (last period from
    # 1/1/2026) is due for one on 1/1/2028.
    assert next_revision(TABLE) == date(2028, 1, 1)
    # A last period typed without a real end (31/12/2099) is still revised two years on.
    typed = replace(SHIPPED_PERIODS[1], start=date(2028, 1, 1), end=date(2099, 12, 31))
    open_ended = ThresholdTable((SHIPPED_PERIODS[0], SHIPPED_PERIODS[1], typed))
    assert next_revision(open_ended) == date(2030, 1, 1)
    assert not needs_update(open_ended, date(2029, 12, 31))
    assert needs_update(open_ended, date(2030, 1, 1))
    # A period starting in an odd year: the revision of the next (even) year.
    odd = ThresholdTable((replace(SHIPPED_PERIODS[0], start=date(2025, 3, 1)),))
    assert next_revision(odd) == date(2025, 12, 31) + timedelta(days=1)


def test_overlapping_periods_are_refused_and_nothing_is_saved(session) -> None:  # type: ignore[no-untyped-def]
    first, second = SHIPPED_PERIODS
    overlapping = replace(second, start=date(2025, 12, 1))  # 1/12/2025 ≤ 31/12/2025
    with pytest.raises(ThresholdError, match="se chevauchent"):
        save_thresholds(session, ThresholdTable((first, overlapping)))
    with pytest.raises(ThresholdError, match="finit avant de commencer"):
        check_table(ThresholdTable((replace(first, end=date(2023, 1, 1)),)))
    with pytest.raises(ThresholdError, match="positif"):
        check_table(ThresholdTable((replace(first, works=Decimal(0)),)))
    assert load_thresholds(session) == ThresholdTable()  # still the shipped table


def test_a_new_period_is_stored_and_read_back(session) -> None:  # type: ignore[no-untyped-def]
    later = ThresholdPeriod(date(2028, 1, 1), date(2029, 12, 31), Decimal("5500000"),
                            Decimal("145000"), Decimal("220000"), Decimal("440000"))  # fmt: skip
    table = ThresholdTable((*SHIPPED_PERIODS, later), date(2026, 8, 21))
    save_thresholds(session, table)
    session.commit()
    assert load_thresholds(session) == table
    assert not needs_update(load_thresholds(session), date(2028, 1, 1))


# --- judgement: each side of each threshold and of 22 August 2026 ---------------------------


def test_each_side_of_the_works_threshold() -> None:
    assert _status(W, "5403999.99") == Compliance.BELOW
    assert _status(W, "5404000") == Compliance.MISSING  # reaches it


def test_each_side_of_the_supplies_thresholds() -> None:
    assert _status(S, "215999.99") == Compliance.BELOW  # local: 216,000
    assert _status(S, "216000") == Compliance.MISSING
    assert _status(S, "139999.99", buyer=BuyerType.STATE) == Compliance.BELOW  # State: 140,000
    assert _status(S, "140000", buyer=BuyerType.STATE) == Compliance.MISSING
    assert _status(S, "431999.99", utilities=True) == Compliance.BELOW  # utilities: 432,000
    assert _status(S, "432000", utilities=True) == Compliance.MISSING


def test_each_side_of_22_august_2026() -> None:
    assert _status(W, "6000000", launch=date(2026, 8, 21)) == Compliance.BEFORE
    assert _status(W, "6000000", launch=date(2026, 8, 22)) == Compliance.MISSING
    # The day is a setting: from the 21st (the decree's date), the 21st is covered.
    early = replace(TABLE, obligation_start=date(2026, 8, 21))
    status, limit = judge(early, nature=W, buyer_type=BuyerType.LOCAL, utilities=False,
                          launch_date=date(2026, 8, 21), value=Decimal("6000000"),
                          social_consideration=SocialConsideration.NONE, social_exception=None,
                          social_exception_reason=None)  # fmt: skip
    assert (status, limit) == (Compliance.MISSING, Decimal("5404000"))


def test_consideration_or_justified_exception_complies() -> None:
    for consideration in (SocialConsideration.INSERTION_CLAUSE, SocialConsideration.RESERVED,
                          SocialConsideration.OTHER):  # fmt: skip
        assert _status(W, "6000000", consideration=consideration) == Compliance.CONSIDERATION
    assert (_status(W, "6000000", exception=SocialException.NO_LINK, reason="Fourniture d'énergie")
            == Compliance.EXCEPTION)  # fmt: skip
    unjustified = _status(W, "6000000", exception=SocialException.NO_LINK, reason="  ")
    assert unjustified == Compliance.MISSING


# --- database: the alert, the command line, bad input ---------------------------------------


@pytest.fixture
def launched(session):  # type: ignore[no-untyped-def]
    """A town (local buyer) with four contracts launched around the obligation's start."""
    town = b.authority(session, "Ville")
    b.contract(
        session,
        town,
        "MISSING",
        nature=W,
        estimated_value=Decimal("5404000"),
        launch_date=START,
        social_consideration=SocialConsideration.NONE,
    )
    b.contract(
        session,
        town,
        "BEFORE",
        nature=W,
        estimated_value=Decimal("9000000"),
        launch_date=date(2026, 8, 21),
        social_consideration=SocialConsideration.NONE,
    )
    b.contract(
        session,
        town,
        "BELOW",
        nature=S,
        estimated_value=Decimal("215999.99"),
        launch_date=date(2026, 9, 1),
        social_consideration=SocialConsideration.NONE,
    )
    # No estimated value: the awarded amount 250,000 € ≥ 216,000 € is judged instead.
    b.contract(
        session,
        town,
        "AMOUNT",
        nature=S,
        amount_ht=Decimal("250000"),
        launch_date=date(2026, 9, 1),
        social_consideration=SocialConsideration.NONE,
    )
    b.contract(
        session,
        town,
        "CLAUSE",
        nature=W,
        estimated_value=Decimal("8000000"),
        launch_date=date(2026, 10, 1),
    )  # the insertion clause by default
    b.contract(session, town, "OLD")  # no launch date: not judged
    session.commit()
    return town  # fmt: skip


def test_compliance_of_an_authority(session, launched) -> None:  # type: ignore[no-untyped-def]
    statuses = {c.reference: c.status for c in contracts_compliance(session, launched.uuid)}
    assert statuses == {"AMOUNT": Compliance.MISSING, "BEFORE": Compliance.BEFORE,
                        "BELOW": Compliance.BELOW, "CLAUSE": Compliance.CONSIDERATION,
                        "MISSING": Compliance.MISSING}  # fmt: skip


def test_alert_for_each_contract_with_neither(session, launched) -> None:  # type: ignore[no-untyped-def]
    alerts = [a for a in compute_alerts(session, date(2026, 12, 4))
              if a.kind == AlertKind.SOCIAL_CONSIDERATION_MISSING]  # fmt: skip
    assert [(a.message.split(" : ")[0], a.due) for a in alerts] == [
        ("Marché MISSING (Ville)", START), ("Marché AMOUNT (Ville)", date(2026, 9, 1))
    ]  # fmt: skip
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert alerts[0].message == (
        f"Marché MISSING (Ville) : consultation lancée le 22/08/2026, valeur estimée "
        f"5{nnbsp}404{nnbsp}000,00{nbsp}€ pour un seuil de 5{nnbsp}404{nnbsp}000,00{nbsp}€ : "
        "ni considération sociale ni exception justifiée (art. L2112-2-1 du code de la "
        "commande publique)."
    )
    assert "montant attribué" in alerts[1].message


def test_cli_alerts_json(database, launched, capsys) -> None:  # type: ignore[no-untyped-def]
    url = str(database.engine.url)
    assert main(["--db", url, "alerts", "--json", "--today", "2026-12-04",
                 "--kind", "social_consideration_missing"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert [(a["kind"], a["severity"], a["due"], a["status"]) for a in out] == [
        ("social_consideration_missing", "high", "2026-08-22", "open"),
        ("social_consideration_missing", "high", "2026-09-01", "open"),
    ]
    assert {"record_uuid", "message"} <= set(out[0])


def _contract_values(session, town, **kw):  # type: ignore[no-untyped-def]
    values = {"authority_uuid": town.uuid, "reference": "X", "object": "Travaux",
              "legal_basis": "L2112-2", "pooling_scope": "NONE"}  # fmt: skip
    return {**values, **kw}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"launch_date": date(2026, 9, 2), "notification_date": date(2026, 9, 1)},
         "launch_date", "La consultation doit être lancée avant la notification."),
        ({"launch_date": date(2026, 9, 2), "start_date": date(2026, 9, 1)},
         "launch_date", "La consultation doit être lancée avant le début d'exécution."),
        ({"estimated_value": Decimal("-1")}, "estimated_value",
         "La valeur ne peut pas être négative."),
        ({"social_consideration": "NONE", "social_exception": "NO_LINK"},
         "social_exception_reason", "Une exception doit être justifiée."),
        ({"social_consideration": "INSERTION_CLAUSE", "social_exception": "NO_LINK",
          "social_exception_reason": "x"}, "social_exception",
         "Une exception ne s'invoque qu'en l'absence de considération sociale."),
        ({"award_criterion_weight": 120}, "award_criterion_weight",
         "Un pourcentage est compris entre 0 et 100 %."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_saved(database, session, values, field, message) -> None:  # type: ignore[no-untyped-def]
    town = b.authority(session, "Ville")
    session.commit()
    with pytest.raises(records.ValidationError) as caught:
        records.save_record(database, Kind.CONTRACT, _contract_values(session, town, **values))
    assert caught.value.errors[field] == message
    assert session.query(PublicContract).count() == 0


def test_good_input_is_saved(database, session) -> None:  # type: ignore[no-untyped-def]
    town = b.authority(session, "Ville")
    session.commit()
    values = _contract_values(
        session, town, launch_date=date(2026, 9, 1), notification_date=date(2026, 12, 1),
        estimated_value=Decimal("300000"), nature=S, social_consideration="NONE",
        social_exception="IMMEDIATE_SOLUTION", social_exception_reason="Achat sur étagère",
    )  # fmt: skip
    saved = records.save_record(database, Kind.CONTRACT, values)
    row = session.get(PublicContract, saved)
    assert (row.launch_date, row.social_exception) == (date(2026, 9, 1), "IMMEDIATE_SOLUTION")
    assert contracts_compliance(session)[0].status == Compliance.EXCEPTION
