"""Progress on the lists (services.list_progress): each contract's, award's, company's and
employment's figures, hand-computed on a small dataset and checked against the figures
service; sorting on a figure over the whole filtered list, page after page; kept between
runs until the data change."""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from clauses_app.cli import main
from clauses_app.exchange.list_export import export_list, list_export_columns
from clauses_app.models import ContractingAuthority, Employment
from clauses_app.services import list_progress
from clauses_app.services.figures import compute_figures
from clauses_app.services.list_progress import FigureOrder, list_figures, load_list_figures
from clauses_app.services.periods import Period
from clauses_app.services.progress import Cancelled
from clauses_app.services.records import Kind, ListQuery, fetch_rows
from clauses_app.storage import Database
from tests import builders as b

D = Decimal


@dataclass
class Dataset:
    uuids: dict[str, Any]


def build(database: Database) -> Dataset:
    """Two contracts, three awards (X holds two), three employments:

    - Martin on C1 lot 1 (X, 100 h): 30 h in January 2025, 20 h in February, 0 h in March;
    - Durand on C1 lot 2 (Y, 50 h): 10 h in December 2024, 15.50 h in January 2025;
    - Petit on C2 lot 1 (X, 200 h): 40 h in April 2025.
    """
    with database.transaction() as s:
        auth = b.authority(s)
        c1 = b.contract(s, auth, "C1", start_date=date(2024, 1, 1), end_date=date(2025, 12, 31))
        c2 = b.contract(s, auth, "C2", start_date=date(2024, 1, 1), end_date=date(2025, 12, 31))
        x, y = b.company(s, "Xavier BTP"), b.company(s, "Yvon SA")
        a1 = b.award(s, b.lot(s, c1, "1"), x, 100)
        a2 = b.award(s, b.lot(s, c1, "2"), y, 50)
        a3 = b.award(s, b.lot(s, c2, "1"), x, 200)
        martin = b.employment(s, a1, b.participant(s, "Martin"), date(2025, 1, 1))
        durand = b.employment(s, a2, b.participant(s, "Durand"), date(2024, 12, 1))
        petit = b.employment(s, a3, b.participant(s, "Petit"), date(2025, 4, 1))
        for month, hours in ((1, 30), (2, 20), (3, 0)):
            b.month_hours(s, martin, 2025, month, hours)
        b.month_hours(s, durand, 2024, 12, 10)
        b.month_hours(s, durand, 2025, 1, "15.50")
        b.month_hours(s, petit, 2025, 4, 40)
        uuids = {
            "C1": c1.uuid, "C2": c2.uuid, "X": x.uuid, "Y": y.uuid, "a1": a1.uuid,
            "a2": a2.uuid, "a3": a3.uuid, "martin": martin.uuid, "durand": durand.uuid,
            "petit": petit.uuid,
        }  # fmt: skip
    return Dataset(uuids)


def shown(database: Database, kind: str, year: int | None = None) -> dict[Any, dict[str, Any]]:
    """The list's rows as the window shows them, with their figures, by row key."""
    with database.session() as s:
        figures = list_figures(s, year)[kind]
        query = ListQuery(filters={"year": year} if year else {})
        rows = figures.fill(fetch_rows(s, kind, query, 0, 200))
    return {figures.row_key(row): row.values for row in rows}


def test_contracts_companies_and_awards_show_hand_computed_progress(any_database: Database) -> None:
    database = any_database
    u = build(database).uuids
    contracts = shown(database, Kind.CONTRACT)
    c1 = contracts[u["C1"].hex]
    assert (c1["hours_required"], c1["hours_done"]) == (D("150.00"), D("75.50"))
    assert c1["completion_rate"] == D("75.50") / D("150.00") * 100  # 50.33… %
    c2 = contracts[u["C2"].hex]
    assert (c2["hours_required"], c2["hours_done"], c2["completion_rate"]) == (200, 40, 20)
    companies = shown(database, Kind.COMPANY)
    assert (companies[u["X"].hex]["hours_required"], companies[u["X"].hex]["hours_done"]) == (
        300,
        90,
    )
    assert companies[u["X"].hex]["completion_rate"] == 30
    assert companies[u["Y"].hex]["completion_rate"] == 51
    with database.session() as s:
        figures = list_figures(s, None)[Kind.LOT]
        lots = figures.fill(
            fetch_rows(s, Kind.LOT, ListQuery(filters={"contract_uuid": u["C1"]}), 0, 200)
        )
    by_award = {row.values["award_uuid"]: row.values for row in lots}
    assert by_award[u["a1"]]["hours_done"] == 50
    assert by_award[u["a2"]]["completion_rate"] == 51


def test_the_lists_agree_with_the_figures_service(database: Database) -> None:
    u = build(database).uuids
    with database.session() as s:
        for year in (None, 2025):
            figures = compute_figures(s, Period.year(year) if year else None)
            contracts = shown(database, Kind.CONTRACT, year)
            for key, totals in figures.by_contract().items():
                assert contracts[key.hex]["hours_done"] == totals.hours_done  # type: ignore[attr-defined]
                assert contracts[key.hex]["hours_required"] == totals.hours_required  # type: ignore[attr-defined]
            companies = shown(database, Kind.COMPANY, year)
            for key, totals in figures.by_company().items():
                assert companies[key.hex]["hours_done"] == totals.hours_done  # type: ignore[attr-defined]
    assert u


def test_employments_show_their_hours_and_last_month_with_hours(any_database: Database) -> None:
    database = any_database
    u = build(database).uuids
    every_year = shown(database, Kind.EMPLOYMENT)
    martin = every_year[u["martin"].hex]
    # March's statement says 0 h: February is the last month with hours.
    assert (martin["hours_done"], martin["last_month"]) == (D("50.00"), date(2025, 2, 1))
    durand = every_year[u["durand"].hex]
    assert (durand["hours_done"], durand["last_month"]) == (D("25.50"), date(2025, 1, 1))
    year_2024 = shown(database, Kind.EMPLOYMENT, 2024)
    assert year_2024[u["durand"].hex]["hours_done"] == 10
    assert year_2024[u["durand"].hex]["last_month"] == date(2024, 12, 1)
    assert u["martin"].hex not in year_2024  # the year filter: starts in 2025


@pytest.mark.parametrize("fast_path", [True, False])
def test_each_employment_s_hours_on_both_paths(database: Database, fast_path: bool) -> None:
    u = build(database).uuids
    with database.session() as s:
        figures = compute_figures(s, None, fast_path=fast_path, employment_hours=True)
    by_employment = figures.by_employment()
    assert by_employment[u["martin"]].hours_done == 50
    assert by_employment[u["martin"]].last_month == (2025, 2)
    assert by_employment[u["petit"]].last_month == (2025, 4)


def test_sorting_on_a_figure_covers_the_whole_filtered_list(any_database: Database) -> None:
    database = any_database
    """450 employments with 1 … 450 hours: the largest come first on page one, the next
    page goes on where it stopped, and the search narrows what is sorted."""
    with database.transaction() as s:
        auth = b.authority(s)
        aw = b.award(s, b.lot(s, b.contract(s, auth)), b.company(s), 100)
        for n in range(1, 451):
            person = b.participant(s, f"Nom{n:03d}", "Léa")
            b.month_hours(s, b.employment(s, aw, person, date(2025, 1, 1)), 2025, 1, n)
    query = ListQuery(sort_key="hours_done", descending=True)
    with database.session() as s:
        figures = list_figures(s, None)[Kind.EMPLOYMENT]
        order = FigureOrder(s, Kind.EMPLOYMENT, query, figures)
        assert order.total == 450
        first = order.page(s, 0, 200)
        second = order.page(s, 200, 200)
        last = order.page(s, 400, 200)
        assert [r.values["hours_done"] for r in first[:3]] == [450, 449, 448]
        assert second[0].values["hours_done"] == 250
        assert [r.values["hours_done"] for r in last][-1] == 1
        assert len({r.uuid for r in first + second + last}) == 450
        found = FigureOrder(s, Kind.EMPLOYMENT, ListQuery("Nom1", {}, "hours_done", False), figures)
        # « Nom1 » matches Nom100 … Nom199: those only, sorted.
        hours = [r.values["hours_done"] for r in found.page(s, 0, 200)]
        assert hours == sorted(hours) and len(hours) == found.total == 100


def test_kept_figures_are_read_back_until_the_data_change(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    u = build(database).uuids
    first = load_list_figures(database, None)
    computed: list[int | None] = []
    real = list_progress.list_figures

    def counting(session: Any, year: int | None, *args: Any, **kwargs: Any) -> Any:
        computed.append(year)
        return real(session, year, *args, **kwargs)

    monkeypatch.setattr(list_progress, "list_figures", counting)
    again = load_list_figures(database, None)
    assert computed == []  # read back
    assert {k: f.values for k, f in again.items()} == {k: f.values for k, f in first.items()}
    with database.transaction() as s:
        b.month_hours(s, s.get(Employment, u["petit"]), 2025, 5, 10)
    changed = load_list_figures(database, None)
    assert computed == [None]
    assert changed[Kind.CONTRACT].values[u["C2"].hex] == (20000, 5000)


def test_the_command_line_prints_the_same_progress(
    database: Database, db_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    u = build(database).uuids
    database.dispose()
    args = ["--db", str(db_path), "progress"]
    assert main([*args, "--by", "company", "--sort", "rate", "--desc", "--json"]) == 0
    companies = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["hours_required"], c["hours_done"], c["completion_rate"])
            for c in companies] == [
        ("Yvon SA", "50.00", "25.50", "0.5100"), ("Xavier BTP", "300.00", "90.00", "0.3000"),
    ]  # fmt: skip
    assert main([*args, "--by", "employment", "--year", "2025", "--json"]) == 0
    employments = {e["uuid"]: e for e in json.loads(capsys.readouterr().out)}
    assert employments[str(u["durand"])]["hours_done"] == "15.50"
    assert employments[str(u["martin"])]["last_month"] == "2025-02"
    assert main([*args, "--by", "lot", "--contract", str(u["C1"])]) == 0
    text = capsys.readouterr().out
    assert "Xavier BTP" in text and "51\u00a0%" in text
    assert "2 lignes ; heures : toutes années" in text
    assert main([*args, "--by", "company", "--sort", "last"]) == 2
    assert "ne s'applique pas" in capsys.readouterr().err


def test_export_list_writes_the_list_as_its_export_button_does(
    database: Database, db_path: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    build(database)
    with database.session() as s:
        authority = str(s.scalars(select(ContractingAuthority.uuid)).one())
    database.dispose()
    args = ["--db", str(db_path), "export-list"]
    out = tmp_path / "marches.xlsx"
    assert main([*args, "contracts", str(out)]) == 0
    assert capsys.readouterr().out == f"2 lignes écrites dans {out}\n"
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    labels = [c.label for c in list_export_columns(Kind.CONTRACT)]
    assert sheet.title == "Marchés" and list(rows[0]) == labels
    by_reference = {row[0]: dict(zip(labels, row, strict=True)) for row in rows[1:]}
    required, done = "Heures\nexigées", "Heures\nréalisées"
    assert [(r, by_reference[r][required], by_reference[r][done]) for r in ("C1", "C2")] == [
        ("C1", 150, 75.5), ("C2", 200, 40),  # C1: 100 + 50 h; 30 + 20 + 10 + 15.50 h
    ]  # fmt: skip
    csv_out = tmp_path / "contrats.csv"
    command = [*args, "employments", str(csv_out), "--year", "2025", "--authority", authority]
    assert main([*command, "--search", "Petit"]) == 0
    with csv_out.open(encoding="utf-8-sig", newline="") as handle:
        header, *lines = list(csv.reader(handle, delimiter=";"))
    assert header == [c.label for c in list_export_columns(Kind.EMPLOYMENT)]
    assert [(line[0], line[-2]) for line in lines] == [("PETIT Léa", "40\u00a0h")]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["contracts", "marches.txt"], "choisissez un fichier .xlsx ou .csv"),
        (["authorities", "d.xlsx", "--year", "2025"], "--year ne s'applique pas"),
        (["contracts", "m.xlsx", "--authority", str(uuid.uuid4())], "Donneur d'ordre inconnu"),
    ],
)
def test_export_list_refuses_in_french_and_writes_nothing(
    database: Database, db_path: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str],
    command: list[str], message: str,
) -> None:  # fmt: skip
    database.dispose()
    folder = tmp_path / "exports"
    folder.mkdir()
    command[1] = str(folder / command[1])
    assert main(["--db", str(db_path), "export-list", *command]) == 2
    assert message in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_a_cancelled_export_leaves_no_half_file(database: Database, tmp_path: Any) -> None:
    build(database)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "contrats.csv"

    def cancel_after_the_first_rows(done: int, total: int, message: str = "") -> None:
        if done:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_list(database, Kind.EMPLOYMENT, ListQuery(), list_export_columns(Kind.EMPLOYMENT),
                    out, "Contrats et heures", cancel_after_the_first_rows)  # fmt: skip
    assert list(folder.iterdir()) == []
