"""``clauses thresholds``: the table shown, a period added, an overlap refused."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from clauses_app.cli import main
from clauses_app.services.thresholds import ThresholdTable, load_thresholds


def test_show_says_when_the_table_needs_updating(database, capsys) -> None:  # type: ignore[no-untyped-def]
    url = str(database.engine.url)
    assert main(["--db", url, "thresholds", "show", "--json", "--today", "2027-12-31"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["obligation_start"], out["next_revision"], out["needs_update"]) == (
        "2026-08-22", "2028-01-01", False,
    )  # fmt: skip
    assert out["periods"][1]["local_supplies"] == "216000"
    assert main(["--db", url, "thresholds", "show", "--today", "2028-01-01"]) == 0
    text = capsys.readouterr().out
    assert "Seuils à mettre à jour : révision du 01/01/2028." in text
    assert "5\u202f404\u202f000,00\u00a0€" in text


def test_add_a_period_then_an_overlap_is_refused(database, capsys) -> None:  # type: ignore[no-untyped-def]
    url = str(database.engine.url)
    add = ["--db", url, "thresholds", "add", "--works", "5500000", "--state", "145000",
           "--local", "220000", "--utilities", "440000"]  # fmt: skip
    assert main([*add, "--from", "2028-01-01", "--to", "2029-12-31", "--source", "JO"]) == 0
    with database.session() as s:
        table = load_thresholds(s)
    assert table.periods[-1].start == date(2028, 1, 1)
    assert table.periods[-1].central_supplies == Decimal("145000")
    assert main([*add, "--from", "2029-06-01", "--to", "2031-12-31"]) != 0
    assert "se chevauchent" in capsys.readouterr().err
    with database.session() as s:
        assert len(load_thresholds(s).periods) == 3  # nothing saved
    assert main(["--db", url, "thresholds", "start", "2026-08-21"]) == 0
    with database.session() as s:
        assert load_thresholds(s).obligation_start == date(2026, 8, 21)
    assert ThresholdTable().obligation_start == date(2026, 8, 22)
