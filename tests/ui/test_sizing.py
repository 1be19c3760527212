"""The clause-sizing assistant: live result and saving on a lot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from clauses_app.models import ClauseMode, Lot
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.sizing import SizingDialog
from tests import builders as b

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def lot_uuid(database):  # type: ignore[no-untyped-def]
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), "2025-010", start_date=date(2025, 1, 1))
        b.lot(s, con, "1", title="Gros œuvre")
        return b.lot(s, con, "2", title="Peinture").uuid


def _type_amount(qtbot, spin, text: str) -> None:  # type: ignore[no-untyped-def]
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)


def test_live_result_of_the_guide_example(qtbot, database, lot_uuid) -> None:  # type: ignore[no-untyped-def]
    dialog = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.lot_label.text() == "Marché 2025-010, lot 2 — Peinture"
    # defaults: 50 % labour share, 5 % insertion rate, 30 €/h from the settings
    _type_amount(qtbot, dialog.amount, "1000000")
    assert dialog.hours_label.text() == f"833{NBSP}h"  # 1,000,000 × 50 % × 5 % / 30
    assert dialog.etp_label.text() == f"soit 0,52{NBSP}ETP"
    assert dialog.formula_label.text() == (
        f"1{NNBSP}000{NNBSP}000,00{NBSP}€ × 50{NBSP}% × 5{NBSP}% ÷ 30,00{NBSP}€/h"
    )
    dialog.hourly_cost.setValue(25)
    assert dialog.hours_label.text() == f"1{NNBSP}000{NBSP}h"
    dialog.trade.setCurrentIndex(dialog.trade.findData("PEINTURE"))  # 70 % in the table
    assert dialog.labour_share.value() == 70
    assert dialog.hours_label.text() == f"1{NNBSP}400{NBSP}h"
    dialog.labour_share.setValue(65)  # the share may be edited for this lot
    assert dialog.hours_label.text() == f"1{NNBSP}300{NBSP}h"


def test_saves_the_result_on_the_lot(qtbot, database, lot_uuid) -> None:  # type: ignore[no-untyped-def]
    dialog = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(dialog)
    _type_amount(qtbot, dialog.amount, "1000000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sizing() is not None
    with database.session() as s:
        lot = s.get(Lot, lot_uuid)
        assert lot is not None
        assert lot.clause_mode == ClauseMode.HOURS
        assert lot.required_hours == D("833")
        assert (lot.amount_ht, lot.labour_share, lot.insertion_rate, lot.hourly_cost) == (
            D("1000000"), D("50"), D("5"), D("30"),
        )  # fmt: skip
    # reopening shows what was saved
    again = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(again)
    assert again.hours_label.text() == f"833{NBSP}h"


def test_percentage_of_worked_hours(qtbot, database, lot_uuid) -> None:  # type: ignore[no-untyped-def]
    dialog = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.percent_mode.setChecked(True)
    assert dialog.percent_box.isVisible() and not dialog.hours_box.isVisible()
    dialog.required_percent.setValue(7.5)
    assert dialog.hours_label.text() == f"7,5{NBSP}% des heures travaillées"
    dialog.worked_hours.setValue(20000)
    assert dialog.hours_label.text() == f"1{NNBSP}500{NBSP}h estimées"  # 20,000 × 7.5 %
    dialog.accept()
    with database.session() as s:
        lot = s.get(Lot, lot_uuid)
        assert lot is not None
        assert (lot.clause_mode, lot.required_percent) == (ClauseMode.PERCENT, D("7.5"))


def test_invalid_input_says_why_and_cannot_be_saved(qtbot, database, lot_uuid) -> None:  # type: ignore[no-untyped-def]
    dialog = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(dialog)
    dialog.hourly_cost.setMinimum(0)  # the box already refuses 0; check the service's message
    dialog.hourly_cost.setValue(0)
    assert dialog.error_label.text() == "Le coût horaire doit être supérieur à 0 €."
    assert not dialog.save_button.isEnabled()


def test_without_a_lot_it_is_a_calculator(qtbot, database) -> None:  # type: ignore[no-untyped-def]
    dialog = SizingDialog(AppContext(database))
    qtbot.addWidget(dialog)
    dialog.amount.setValue(1_000_000)
    assert dialog.lot_label.text() == "Calcul sans lot : le résultat n'est pas enregistré."
    assert dialog.sizing() is not None and dialog.sizing().required_hours == D("833")
    assert dialog.save_button.text() == "Fermer"


def test_framework_contract_on_the_amount_invoiced(qtbot, database, lot_uuid) -> None:  # type: ignore[no-untyped-def]
    dialog = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.invoiced_mode, Qt.MouseButton.LeftButton)
    assert dialog.invoiced_box.isVisible() and not dialog.hours_box.isVisible()
    # defaults: 1 h per 2,000 € HT; 148,000 € invoiced → 74 h, 74 / 1,607 = 0.046 ETP
    _type_amount(qtbot, dialog.invoiced, "148000")
    assert dialog.hours_label.text() == f"74{NBSP}h"
    assert dialog.etp_label.text() == f"soit 0,05{NBSP}ETP"
    assert dialog.formula_label.text().startswith(
        f"148{NNBSP}000,00{NBSP}€ × 1{NBSP}h ÷ 2{NNBSP}000,00{NBSP}€, arrondi une fois"
    )
    dialog.tranche_amount.setValue(0)
    assert "supérieur à 0" in dialog.error_label.text()
    assert not dialog.save_button.isEnabled()
    _type_amount(qtbot, dialog.tranche_amount, "2500")
    assert dialog.save_button.isEnabled()  # the lot stores the tranche
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with database.session() as s:
        lot = s.get(Lot, lot_uuid)
        assert (lot.clause_mode, lot.tranche_amount, lot.tranche_hours) == (
            ClauseMode.INVOICED, D("2500.00"), D("1.00"),
        )  # fmt: skip
        b.invoice(s, b.award(s, lot, b.company(s, "SIAE")), date(2026, 3, 31), "5000")
        s.commit()
    again = SizingDialog(AppContext(database), lot_uuid)
    qtbot.addWidget(again)
    assert again.invoiced_mode.isChecked()
    assert again.hours_label.text() == f"2{NBSP}h"  # 5,000 € invoiced so far ÷ 2,500 €
