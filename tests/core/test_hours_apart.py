"""What the dashboard and the contract view show apart: hours of pending eligibility and
planned hours of lots without an awardee, against a hand-computed contract."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from clauses_app.cli import main
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.contract_figures import contract_figures
from clauses_app.services.dashboard import (
    DashboardSnapshot,
    dashboard_figures,
    snapshot_from_json,
    snapshot_to_json,
)
from clauses_app.services.hours_apart import pending_phrase, unawarded_phrase
from clauses_app.services.settings import AppSettings, CountingRules, UnvalidatedHours
from tests import builders as b
from tests.core.test_pending_hours import award_with_five_people

EXCLUDED = AppSettings(counting=CountingRules(unvalidated_hours=UnvalidatedHours.EXCLUDED))


def _contract(session: Session):  # type: ignore[no-untyped-def]
    """Lot 1: 1,000 h over 2025, awarded, 215 h done of which 85 h pending (see
    award_with_five_people). Lot 2: 1,400 h planned, no awardee. Lot 3: 600 h planned over
    July 2025 to June 2026, no awardee: 300 h in 2025 (6 of its 12 months)."""
    auth, con = award_with_five_people(
        session, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    b.lot(session, con, "2", required_hours=D("1400"))
    b.lot(session, con, "3", required_hours=D("600"), start_date=date(2025, 7, 1),
          end_date=date(2026, 6, 30))  # fmt: skip
    return auth, con


def test_dashboard_shows_pending_and_unawarded_hours(session: Session) -> None:
    auth, _ = _contract(session)
    figures = dashboard_figures(session, 2025, auth.uuid, AppSettings())
    assert (figures.hours_required, figures.hours_done) == (D("1000.00"), D("215.00"))
    assert figures.pending_counted == D("85.00")  # 50 h to document + 35 h validated late
    assert figures.pending_excluded == D(0)
    assert figures.unawarded_hours == D("1700.00")  # 1,400 + 600 × 6/12
    kept = snapshot_from_json(snapshot_to_json(DashboardSnapshot([2025], [], figures)))
    assert kept.figures == figures  # kept between runs with them

    left_out = dashboard_figures(session, 2025, auth.uuid, EXCLUDED)
    assert (left_out.hours_done, left_out.pending_excluded) == (D("130.00"), D("85.00"))


def test_contract_view_shows_them_in_french(session: Session) -> None:
    _, con = _contract(session)
    figures = contract_figures(session, con.uuid, AppSettings())
    assert figures.hours_required == D("1000.00")
    assert figures.unawarded_hours == D("2000.00")  # whole lots: 1,400 + 600 h
    assert figures.lines() == [
        "Heures exigées : 1\u202f000\u00a0h",
        "Heures réalisées : 215\u00a0h (dont 85\u00a0h en attente de justification "
        "d'éligibilité) — 21,5\u00a0%",
        "Heures prévues non attribuées : 2\u202f000\u00a0h (lots 2, 3 sans entreprise "
        "attributaire), hors heures exigées",
    ]
    left_out = contract_figures(session, con.uuid, EXCLUDED).lines()
    assert left_out[1] == (
        "Heures réalisées : 130\u00a0h (85\u00a0h en attente de justification d'éligibilité, "
        "non comptées) — 13\u00a0%"
    )


def test_nothing_is_said_when_there_is_nothing() -> None:
    assert pending_phrase(D(0), D(0)) is None
    assert unawarded_phrase(D(0)) is None


def test_clauses_stats_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``clauses stats --apart``: what the dashboard shows apart, from the command line."""
    path = tmp_path / "data.sqlite3"
    database = open_app_database(str(path))
    with database.transaction() as s:
        _contract(s)
    database.dispose()
    assert main(["--db", str(path), "stats", "--year", "2025", "--apart", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["hours_done"], stats["pending_counted"], stats["pending_excluded"]) == (
        215.0,
        85.0,
        0.0,
    )
    assert stats["unawarded_hours"] == 1700.0  # 1,400 + 600 × 6/12
    assert main(["--db", str(path), "stats", "--year", "2025", "--apart"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.split(None, 4)[:4] == ["Heures", "mises", "à", "part"]
    assert line.endswith(
        "dont 85\u00a0h en attente de justification d'éligibilité; "
        "1\u202f700\u00a0h prévues non attribuées"
    )
    assert main(["--db", str(path), "stats", "--year", "2025", "--json"]) == 0
    assert "pending_counted" not in json.loads(capsys.readouterr().out)  # only when asked
