"""The contract view shows its hours, with what is shown apart: hours of pending eligibility
and planned hours of lots without an awardee (hand-computed, tests/core/test_hours_apart)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clauses_app.models import PublicContract
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from clauses_app.ui.forms.contracts import ContractForm
from tests import builders as b

NNBSP, NBSP = "\u202f", "\u00a0"


def seed_ville_c(s: Session) -> PublicContract:
    """Ville C, contract C-1 over 2025. Lot 1: 1,000 h, Zoé's 120 h in March (criterion
    undated: to document, pending) and Noé's 80 h (validated in time); lot 2: 1,400 h
    planned, no awardee."""
    con = b.contract(s, b.authority(s, "Ville C"), "C-1", start_date=date(2025, 1, 1),
                     end_date=date(2025, 12, 31))  # fmt: skip
    aw = b.award(s, b.lot(s, con), b.company(s, "SARL C"), 1000)
    b.lot(s, con, "2", required_hours=1400)
    zoe, noe = b.participant(s, "Roux", "Zoé"), b.participant(s, "Blanc", "Noé")
    b.criterion(s, zoe, "BRSA", status="A_DOCUMENTER")
    b.criterion(s, noe, "BRSA", validated_on=date(2025, 1, 2))
    for person, worked in ((zoe, 120), (noe, 80)):
        emp = b.employment(s, aw, person, date(2025, 2, 1), date(2025, 12, 31))
        b.month_hours(s, emp, 2025, 3, worked)
    return con


def test_contract_view_shows_pending_and_unawarded_hours(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        contract = seed_ville_c(s).uuid
    form = open_form(app_context, Kind.CONTRACT, contract)
    qtbot.addWidget(form)
    assert isinstance(form, ContractForm)
    qtbot.waitUntil(lambda: form.figures_task is None, timeout=10_000)
    assert form.figures_label.text().split("\n") == [
        f"Heures exigées : 1{NNBSP}000{NBSP}h",
        f"Heures réalisées : 200{NBSP}h (dont 120{NBSP}h en attente de justification "
        f"d'éligibilité) — 20{NBSP}%",
        f"Heures prévues non attribuées : 1{NNBSP}400{NBSP}h (lot 2 sans entreprise "
        "attributaire), hors heures exigées",
    ]


def test_a_new_contract_has_no_figures_yet(qtbot: Any, app_context: AppContext) -> None:
    form = open_form(app_context, Kind.CONTRACT)
    qtbot.addWidget(form)
    assert isinstance(form, ContractForm)
    assert form.figures_task is None and not form.figures_label.isVisibleTo(form)
