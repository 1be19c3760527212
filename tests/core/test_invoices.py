"""Amounts invoiced on framework contracts: entered in the award's record (a child list) or
with ``clauses invoiced add|list``; bad input refused with French messages, nothing saved;
the figures follow what was saved."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from clauses_app.cli import main
from clauses_app.models import Award, ClauseMode, Invoice
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Period
from clauses_app.services.records import Kind, load_record, save_record
from clauses_app.services.records.crud import ValidationError
from clauses_app.services.sizing import LotSizing, SizingError, load_lot_sizing, save_lot_sizing
from clauses_app.storage import Database
from tests import builders as b

PER_2000 = {"clause_mode": ClauseMode.INVOICED, "tranche_amount": D(2000), "tranche_hours": D(1)}


def _awards(database: Database) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A framework lot's award, an ordinary lot's award, and their contract."""
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), "AC-1", start_date=date(2026, 1, 1))
        framework = b.award(s, b.lot(s, con, "1", **PER_2000), b.company(s, "SIAE"))
        ordinary = b.award(s, b.lot(s, con, "2", required_hours=D(100)), b.company(s, "BTP"))
        return framework.uuid, ordinary.uuid, con.uuid


def _invoices(database: Database) -> list[tuple[date, D, str | None]]:
    with database.session() as s:
        rows = s.query(Invoice).order_by(Invoice.invoiced_on).all()
        return [(r.invoiced_on, r.amount_ht, r.reference) for r in rows]


def test_the_award_form_s_amounts_are_saved_and_counted(database: Database) -> None:
    framework, _ordinary, _contract = _awards(database)
    with database.session() as s:
        base = load_record(s, Kind.AWARD, framework)
    assert base["invoices"] == []
    mine = {**base, "invoices": [
        {"uuid": None, "invoiced_on": date(2026, 3, 31), "amount_ht": D("100000"),
         "reference": "BC-1"},
        {"uuid": None, "invoiced_on": date(2026, 6, 30), "amount_ht": D("48000"),
         "reference": " "},
    ]}  # fmt: skip
    save_record(database, Kind.AWARD, mine, framework, base=base)
    assert _invoices(database) == [(date(2026, 3, 31), D("100000.00"), "BC-1"),
                                   (date(2026, 6, 30), D("48000.00"), None)]  # fmt: skip
    with database.session() as s:
        figures = compute_figures(s, Period.year(2026))
        again = load_record(s, Kind.AWARD, framework)
    assert {a.award_uuid: a.hours_required for a in figures.awards}[framework] == D(74)
    # Removing one amount in the form deletes it (and the hours follow).
    save_record(database, Kind.AWARD, {**again, "invoices": again["invoices"][:1]}, framework,
                base=again)  # fmt: skip
    assert len(_invoices(database)) == 1


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"invoiced_on": date(2026, 1, 31), "amount_ht": D("-1500")}, "amount_ht",
         "Un montant facturé ne peut pas être négatif."),
        ({"invoiced_on": None, "amount_ht": D("1500")}, "invoiced_on", "Champ obligatoire."),
        ({"invoiced_on": date(2026, 1, 31), "amount_ht": None}, "amount_ht",
         "Champ obligatoire."),
    ],
)  # fmt: skip
def test_a_wrong_amount_is_refused_and_nothing_saved(
    database: Database, row: dict[str, object], field: str, message: str
) -> None:
    framework, _ordinary, _contract = _awards(database)
    with database.session() as s:
        base = load_record(s, Kind.AWARD, framework)
    good = {"uuid": None, "invoiced_on": date(2026, 1, 1), "amount_ht": D(1), "reference": None}
    with pytest.raises(ValidationError) as refused:
        save_record(database, Kind.AWARD, {**base, "invoices": [good, {"uuid": None, **row}]},
                    framework, base=base)  # fmt: skip
    assert refused.value.errors == {f"invoices.1.{field}": message}
    assert _invoices(database) == []


def test_amounts_on_a_lot_not_written_on_the_amount_invoiced_are_refused(
    database: Database,
) -> None:
    _framework, ordinary, _contract = _awards(database)
    with database.session() as s:
        base = load_record(s, Kind.AWARD, ordinary)
    row = {"uuid": None, "invoiced_on": date(2026, 1, 1), "amount_ht": D(1500), "reference": None}
    with pytest.raises(ValidationError) as refused:
        save_record(database, Kind.AWARD, {**base, "invoices": [row]}, ordinary, base=base)
    assert "n'est pas dimensionné sur le montant facturé" in refused.value.errors["invoices"]


@pytest.mark.parametrize(
    ("tranche", "field", "message"),
    [
        ({"tranche_amount": None}, "tranche_amount", "Champ obligatoire."),
        ({"tranche_amount": D(0)}, "tranche_amount",
         "Le montant facturé par tranche doit être supérieur à 0 € HT."),
        ({"tranche_amount": D(-2000)}, "tranche_amount",
         "Le montant facturé par tranche doit être supérieur à 0 € HT."),
        ({"tranche_amount": D(2000), "tranche_hours": D(0)}, "tranche_hours",
         "Le nombre d'heures par tranche facturée doit être supérieur à 0."),
    ],
)  # fmt: skip
def test_an_invoiced_clause_needs_a_positive_tranche(
    database: Database, tranche: dict[str, object], field: str, message: str
) -> None:
    _f, _o, contract = _awards(database)
    values = {"contract_uuid": contract, "number": "3", "title": "Propreté",
              "clause_mode": ClauseMode.INVOICED, **tranche}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        save_record(database, Kind.LOT, values)
    assert refused.value.errors == {field: message}


def test_cli_add_then_list(database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    framework, _ordinary, contract = _awards(database)
    url = str(database.engine.url)
    add = ["--db", url, "invoiced", "add", "--award", str(framework)]
    assert main([*add, "--date", "2026-03-31", "--amount", "100000", "--reference", "BC-1"]) == 0
    assert "100\u202f000,00\u00a0€ HT le 31/03/2026" in capsys.readouterr().out
    assert main([*add, "--date", "30/06/2026", "--amount", "48 000,00"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "invoiced", "list", "--contract", str(contract), "--year",
                 "2026", "--json"]) == 0  # fmt: skip
    listed = json.loads(capsys.readouterr().out)
    assert listed["total_ht"] == "148000.00"
    assert [(a["date"], a["amount_ht"], a["reference"], a["lot"]) for a in listed["amounts"]] == [
        ("2026-03-31", "100000.00", "BC-1", "1"), ("2026-06-30", "48000.00", None, "1"),
    ]  # fmt: skip
    assert main(["--db", url, "invoiced", "list", "--year", "2025"]) == 0
    assert capsys.readouterr().out.strip() == "Aucun montant facturé."
    second = listed["amounts"][1]["uuid"]
    assert main(["--db", url, "invoiced", "remove", second]) == 0
    assert capsys.readouterr().out == (
        "Montant facturé supprimé : 48\u202f000,00\u00a0€ HT le 30/06/2026 (AC-1 lot 1, SIAE).\n"
    )
    assert [day for day, _a, _r in _invoices(database)] == [date(2026, 3, 31)]
    assert main(["--db", url, "invoiced", "remove", second]) == 2
    assert "Montant facturé introuvable" in capsys.readouterr().err


def test_cli_refuses_bad_input_and_saves_nothing(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    framework, ordinary, _contract = _awards(database)
    url = str(database.engine.url)
    add = ["--db", url, "invoiced", "add", "--date", "2026-03-31"]
    assert main([*add, "--award", str(framework), "--amount", "-1500"]) == 2
    assert capsys.readouterr().err.strip() == (
        "clauses: --amount : Un montant facturé ne peut pas être négatif. Rien n'a été enregistré."
    )
    assert main([*add, "--award", str(ordinary), "--amount", "1500"]) == 2
    assert "n'est pas dimensionné sur le montant facturé" in capsys.readouterr().err
    assert main([*add, "--award", str(uuid.uuid4()), "--amount", "1500"]) == 2
    assert "Attribution introuvable" in capsys.readouterr().err
    assert main([*add, "--award", str(framework), "--amount", "mille"]) == 2
    assert "n'est pas un nombre" in capsys.readouterr().err
    assert _invoices(database) == []


def test_a_framework_award_without_amounts_is_an_alert_not_a_silent_zero(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    framework, _ordinary, _contract = _awards(database)  # performance from 01/01/2026
    url = str(database.engine.url)

    def alerts(today: str) -> list[dict[str, str]]:
        assert main(["--db", url, "alerts", "--json", "--today", today]) == 0
        listed = json.loads(capsys.readouterr().out)
        return [a for a in listed if a["kind"] == "invoiced_amounts_missing"]

    assert alerts("2026-02-28") == []  # a first order is invoiced within two months
    [alert] = alerts("2026-03-02")
    assert (alert["record_uuid"], alert["severity"]) == (str(framework), "medium")
    assert alert["message"] == (
        "Marché AC-1, lot 1 (SIAE) : clause en 1\u00a0h par tranche de 2\u202f000,00\u00a0€ HT "
        "facturés, exécution commencée le 01/01/2026 et aucun montant facturé saisi : les "
        "heures exigées restent à 0\u00a0h."
    )
    assert main(["--db", url, "invoiced", "add", "--award", str(framework), "--date",
                 "2026-02-28", "--amount", "0"]) == 0  # fmt: skip
    capsys.readouterr()
    assert alerts("2026-03-02") == []  # an amount recorded, even nil, settles it


def test_the_sizing_assistant_stores_the_tranche_and_refuses_a_nil_one(
    database: Database,
) -> None:
    framework, ordinary, _contract = _awards(database)
    with database.session() as s:
        lot_uuid = s.get(Award, ordinary).lot_uuid
        b.invoice(s, s.get(Award, framework), date(2026, 1, 31), "3000.50")
        s.commit()
        framework_lot = s.get(Award, framework).lot_uuid
    bad = LotSizing(ClauseMode.INVOICED, tranche_amount=D(0), tranche_hours=D(1))
    with pytest.raises(SizingError, match="supérieur à 0"), database.transaction() as s:
        save_lot_sizing(s, lot_uuid, bad)
    good = LotSizing(ClauseMode.INVOICED, tranche_amount=D(1500), tranche_hours=D(2))
    with database.transaction() as s:
        assert save_lot_sizing(s, lot_uuid, good)
    with database.session() as s:
        _title, stored = load_lot_sizing(s, lot_uuid) or ("", None)
        _title, other = load_lot_sizing(s, framework_lot) or ("", None)
    assert stored is not None and other is not None
    assert (stored.clause_mode, stored.tranche_amount, stored.tranche_hours) == (
        ClauseMode.INVOICED, D("1500.00"), D("2.00"),
    )  # fmt: skip
    assert (stored.invoiced_ht, other.invoiced_ht) == (D(0), D("3000.50"))


def test_a_framework_award_is_behind_on_what_it_invoiced_to_date(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """148,000 € invoiced by March 2026 owe 74 h by then; 10 h done is behind, though a
    pro-rata of the 48-month performance (3 months: 4.63 h) would not say so."""
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), "AC-9", start_date=date(2026, 1, 1),
                         end_date=date(2029, 12, 31))  # fmt: skip
        award = b.award(s, b.lot(s, con, "1", **PER_2000), b.company(s, "SIAE"))
        b.invoice(s, award, date(2026, 3, 31), "148000")
        job = b.employment(s, award, b.participant(s), date(2026, 1, 5))
        for month in (1, 2, 3):
            b.month_hours(s, job, 2026, month, "3.5" if month < 3 else "3")
        award_uuid = award.uuid
    url = str(database.engine.url)
    assert main(["--db", url, "alerts", "--json", "--today", "2026-04-15",
                 "--kind", "behind_schedule"]) == 0  # fmt: skip
    [alert] = json.loads(capsys.readouterr().out)
    assert alert["record_uuid"] == str(award_uuid)
    assert "10\u00a0h" in alert["message"] and "74\u00a0h" in alert["message"]
