"""Numbers and days the application cannot hold are refused where they come in (services/
bounds.py): the command line's options in one French sentence (exit 2), the services that
store amounts invoiced and thresholds (so the window's forms too), with nothing written.

Before, ``--amount 1e400`` committed an infinite amount that made ``stats``, ``alerts`` and
the reports crash for good, and ``--today 0001-01-01`` ended in a traceback."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from clauses_app.cli import main
from clauses_app.models import ClauseMode
from clauses_app.services.bounds import MAX_HOURS, MAX_MONEY
from clauses_app.services.invoices import add_invoice
from clauses_app.services.records import Kind, load_record, save_record
from clauses_app.services.records.crud import ValidationError
from clauses_app.services.records.validation import invoice_errors
from clauses_app.services.sizing import SizingError, size_clause, size_invoiced
from clauses_app.services.thresholds import (
    ThresholdError,
    ThresholdPeriod,
    check_table,
    load_thresholds,
    save_thresholds,
)
from clauses_app.storage import Database
from tests import builders as b
from tests.exchange.helpers import build_dataset, fingerprint

MAX_EUROS = "999\u202f999\u202f999\u202f999,99\u00a0€"
MONEY_LIMIT = f"au plus {MAX_EUROS}"
HOURS_LIMIT = "au plus 9\u202f999\u202f999\u202f999,99\u00a0h"
DAYS = "entre le 01/01/1900 et le 31/12/2200"
PER_2000 = {"clause_mode": ClauseMode.INVOICED, "tranche_amount": D(2000), "tranche_hours": D(1)}


def _framework_award(database: Database) -> uuid.UUID:
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), "AC-1", start_date=date(2026, 1, 1))
        return b.award(s, b.lot(s, con, "1", **PER_2000), b.company(s, "SIAE")).uuid


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run a command that must be refused: exit 2, one French line, no traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    return err.strip()


# ------------------------------------------------------------------ amounts invoiced


@pytest.mark.parametrize("amount", ["1e400", "1e13", "1000000000000"])
def test_invoiced_add_refuses_an_amount_too_large_and_saves_nothing(
    database: Database, capsys: pytest.CaptureFixture[str], amount: str
) -> None:
    award = _framework_award(database)
    before = fingerprint(database)
    url = str(database.engine.url)
    argv = ["--db", url, "invoiced", "add", "--award", str(award), "--date", "2026-01-01"]
    assert _refused([*argv, "--amount", amount], capsys) == (
        f"clauses: --amount : montant invalide « {amount} » ({MONEY_LIMIT})."
    )
    assert fingerprint(database) == before
    # The largest amount is taken, and every figure still reads.
    assert main([*argv, "--amount", "999999999999.99"]) == 0
    capsys.readouterr()
    for command in (["stats"], ["alerts", "--today", "2026-06-01"], ["progress", "--by", "lot"]):
        assert main(["--db", url, *command]) == 0, command
        capsys.readouterr()


def test_the_invoice_service_refuses_an_amount_too_large(database: Database) -> None:
    # What a money column holds (Numeric(14, 2)) and the Clause import takes.
    assert str(MAX_MONEY) == "999999999999.99"
    award = _framework_award(database)
    before = fingerprint(database)
    too_large = f"Un montant facturé ne peut pas dépasser {MAX_EUROS} HT."
    for amount in (D("1e400"), MAX_MONEY + D("0.01"), D("Infinity")):
        with pytest.raises(ValidationError) as caught:
            add_invoice(database, award, date(2026, 1, 1), amount)
        assert caught.value.errors == {"amount_ht": too_large}
    assert invoice_errors({"invoiced_on": date(2026, 1, 1), "amount_ht": D(-1)}) == {
        "amount_ht": "Un montant facturé ne peut pas être négatif."
    }
    # The award's form (a child list of the award) goes through the same check.
    with database.session() as s:
        base = load_record(s, Kind.AWARD, award)
    mine = {**base, "invoices": [
        {"uuid": None, "invoiced_on": date(2026, 1, 1), "amount_ht": D("1e400"), "reference": None},
    ]}  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        save_record(database, Kind.AWARD, mine, award, base=base)
    assert caught.value.errors == {"invoices.0.amount_ht": too_large}
    assert fingerprint(database) == before


# ------------------------------------------------------------------ thresholds


@pytest.mark.parametrize("option", ["--works", "--state", "--local", "--utilities"])
def test_thresholds_add_refuses_an_amount_too_large(
    database: Database, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    url = str(database.engine.url)
    amounts = {"--works": "5500000", "--state": "145000", "--local": "220000",
               "--utilities": "440000", option: "1e400"}  # fmt: skip
    before = fingerprint(database)
    argv = ["--db", url, "thresholds", "add", "--from", "2028-01-01", "--to", "2029-12-31"]
    for name, value in amounts.items():
        argv += [name, value]
    assert _refused(argv, capsys) == (
        f"clauses: {option} : montant invalide « 1e400 » ({MONEY_LIMIT})."
    )
    assert fingerprint(database) == before
    assert main(["--db", url, "thresholds", "show"]) == 0


def test_thresholds_add_refuses_a_period_whose_revision_no_date_can_hold(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(database.engine.url)
    before = fingerprint(database)
    argv = ["--db", url, "thresholds", "add", "--from", "9999-01-01", "--to", "9999-12-31",
            "--works", "1", "--state", "1", "--local", "1", "--utilities", "1"]  # fmt: skip
    assert _refused(argv, capsys) == (
        "clauses: Une période commence entre le 01/01/1900 et le 31/12/2200 (pas le 01/01/9999)."
    )
    assert fingerprint(database) == before


def test_the_threshold_service_refuses_an_amount_too_large(database: Database) -> None:
    before = fingerprint(database)
    with database.session() as s:
        table = load_thresholds(s)
    huge = ThresholdPeriod(date(2028, 1, 1), date(2029, 12, 31), D("1e400"), D(1), D(1), D(1))
    bigger = replace(huge, works=D(1), local_supplies=MAX_MONEY + D("0.01"))
    for period in (huge, bigger):
        wider = replace(table, periods=(*table.periods, period))
        with pytest.raises(ThresholdError, match="Un seuil ne peut pas dépasser"):
            check_table(wider)  # the settings page checks before saving
        with pytest.raises(ThresholdError), database.transaction() as s:
            save_thresholds(s, wider)
    assert fingerprint(database) == before


# ------------------------------------------------------------------ sizing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "1e100", "--labour-share", "30", "--rate", "5"],
         f"--amount : montant invalide « 1e100 » ({MONEY_LIMIT})."),
        (["--amount", "1e100", "--labour-share", "30", "--rate", "5", "--hourly-cost", "1e-300"],
         f"--amount : montant invalide « 1e100 » ({MONEY_LIMIT})."),
        (["--amount", "1000000", "--labour-share", "30", "--rate", "5", "--hourly-cost", "1e-300"],
         "Le coût horaire doit être supérieur à 0 €."),
        (["--amount", "1000000", "--labour-share", "30", "--rate", "5", "--hourly-cost", "1e400"],
         f"--hourly-cost : montant invalide « 1e400 » ({MONEY_LIMIT})."),
        (["--invoiced", "1e400", "--euros-per-hour", "2000"],
         f"--invoiced : montant invalide « 1e400 » ({MONEY_LIMIT})."),
        (["--invoiced", "148000", "--euros-per-hour", "1e-300"],
         "Le montant facturé par heure d'insertion doit être supérieur à 0 €."),
        (["--invoiced", "148000", "--euros-per-hour", "2000", "--hours", "1e400"],
         f"--hours : nombre d'heures invalide « 1e400 » ({HOURS_LIMIT})."),
    ],
)  # fmt: skip
def test_estimate_refuses_numbers_no_computation_holds(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _refused(["estimate", *args], capsys) == f"clauses: {message}"


def test_the_sizing_service_refuses_what_it_cannot_round() -> None:
    """The window's sizing assistant and the contract form call these directly."""
    with pytest.raises(SizingError, match="Le montant HT est trop grand"):
        size_clause(D("1e100"), D(30), D(5))
    with pytest.raises(SizingError, match="Le coût horaire doit être supérieur à 0 €"):
        size_clause(D(1000000), D(30), D(5), D("1e-300"))
    with pytest.raises(SizingError, match="Le montant facturé est trop grand"):
        size_invoiced(D("1e400"), D(2000))
    with pytest.raises(SizingError, match="supérieur à 0 €"):
        size_invoiced(D(148000), D("1e-300"))
    with pytest.raises(SizingError, match="Le nombre d'heures par tranche est trop grand"):
        size_invoiced(D(148000), D(2000), D("1e400"))
    # What an hours column holds (Numeric(12, 2)); the largest amount and the smallest cost
    # are sized.
    assert str(MAX_HOURS) == "9999999999.99"
    assert size_clause(MAX_MONEY, D(100), D(100), D("0.01")).required_hours == D(99999999999999)
    assert size_invoiced(MAX_MONEY, D("0.01"), MAX_HOURS).required_hours == (
        D("999999999998990000000000")
    )


# ------------------------------------------------------------------ --today


@pytest.mark.parametrize(
    "command",
    [
        ["alerts", "--today", "0001-01-01"],
        ["alerts", "--today", "9999-12-31"],
        ["alerts", "--today", "31/12/1899"],
        ["alerts", "mark", "unvalidated_criterion:" + str(uuid.uuid4()), "--done",
         "--today", "9999-12-31"],
        ["privacy", "purge", "--dry-run", "--today", "0001-01-01"],
        ["privacy", "purge", "--today", "0001-01-01"],
        ["privacy", "purge", "--today", "9999-12-31"],
        ["thresholds", "show", "--today", "9999-12-31"],
    ],
)  # fmt: skip
def test_today_is_refused_outside_the_days_the_computations_count_from(
    database: Database, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    build_dataset(database)
    before = fingerprint(database)
    url = str(database.engine.url)
    day = command[-1]
    assert _refused(["--db", url, *command], capsys) == (
        f"clauses: --today : date invalide « {day} » ({DAYS})."
    )
    assert fingerprint(database) == before
    if "mark" not in command:  # the first and last days are taken
        for edge in ("1900-01-01", "2200-12-31"):
            assert main(["--db", url, *command[:-1], edge]) == 0, edge
            capsys.readouterr()
