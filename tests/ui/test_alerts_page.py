"""The « Alertes » page: grouped by contract, severity and lateness shown; « Marquer traitée »
takes an alert off the open list; double-click and Enter open the record to work on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clauses_app.services.alerts import AlertKind, AlertStatus
from clauses_app.services.records import Kind
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.alerts_page import AlertsPage
from tests import builders as b

TODAY = date(2025, 6, 15)


@pytest.fixture
def seeded(database: Database) -> dict[str, Any]:
    """Ville: contract 2025-001 (2025) with lot 2 « Voirie » not awarded and Léa at work since
    03/02/2025 with an undated criterion, her statements all in; Bourg: contract B-7, nothing
    wrong."""
    with database.transaction() as s:
        town = b.authority(s, "Ville")
        con = b.contract(s, town, "2025-001", start_date=date(2025, 1, 1),
                         end_date=date(2025, 12, 31))  # fmt: skip
        aw = b.award(s, b.lot(s, con, "1"), b.company(s, "SARL Bâti"), None)
        voirie = b.lot(s, con, "2", title="Voirie", required_hours=Decimal(1400))
        lea = b.participant(s, "Martin", "Léa")
        b.criterion(s, lea, "BRSA", None, status="TO_DOCUMENT")
        work = b.employment(s, aw, lea, date(2025, 2, 3), date(2025, 12, 31))
        for month in (2, 3, 4, 5, 6):  # every statement in: no missing-statement alert
            b.month_hours(s, work, 2025, month, 100)
        b.contract(s, b.authority(s, "Bourg"), "B-7")
        return {"voirie": voirie.uuid, "lea": lea.uuid}


@pytest.fixture
def page(qtbot: Any, database: Database, seeded: dict[str, Any]) -> AlertsPage:
    widget = AlertsPage(AppContext(database))
    widget.today = lambda: TODAY
    widget.resize(1300, 600)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.show()
    return widget


def _groups(page: AlertsPage) -> list[str]:
    return [page.model.item(row).text() for row in range(page.model.rowCount())]


def test_grouped_by_contract_with_severity_and_lateness(page: AlertsPage) -> None:
    assert _groups(page) == ["2025-001 — Ville (2)"]
    group = page.model.item(0)
    rows = [[group.child(r, c).text() for c in range(5)] for r in range(group.rowCount())]
    # Both high: the lot's start (01/01, 165 days before 15/06) comes before Léa's (03/02)
    assert [row[:2] + row[3:] for row in rows] == [
        ["Lot sans attributaire", "Haute", "01/01/2025 (en retard de 165 jours)", "Ouverte"],
        ["Éligibilité non validée", "Haute", "03/02/2025 (en retard de 132 jours)", "Ouverte"],
    ]
    assert page.status_label.text() == "Alertes : 2 ouverte(s), 0 traitée(s) ou reportée(s)."


def test_mark_as_treated_leaves_the_open_list(qtbot: Any, page: AlertsPage, seeded) -> None:  # type: ignore[no-untyped-def]
    assert page.select_alert(AlertKind.LOT_UNAWARDED, seeded["voirie"]).isValid()
    # The whole message, which the table cuts to its column, then what to do.
    [voirie] = [a for a in page.alerts_shown() if a.kind == AlertKind.LOT_UNAWARDED]
    assert page.action_label.text() == (
        f"{voirie.message}\nÀ faire : Saisissez l'entreprise attributaire du lot."
    )
    page.note_edit.setText("Attribution prévue au conseil de juillet")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        assert page.mark_done()
    assert [a.kind for a in page.alerts_shown()] == [AlertKind.ELIGIBILITY_UNVALIDATED]
    assert page.status_label.text() == "Alertes : 1 ouverte(s), 1 traitée(s) ou reportée(s)."
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show_combo.setCurrentIndex(page.show_combo.findData("worked"))
    [treated] = page.alerts_shown()
    assert treated.status == AlertStatus.DONE
    status = page.model.item(0).child(0, 4)
    assert status.text() == "Traitée"
    assert "Traitée le " in status.toolTip()
    assert status.toolTip().count(": Attribution prévue au conseil de juillet") == 1
    page.select_alert(AlertKind.LOT_UNAWARDED, seeded["voirie"])
    assert not page.done_button.isEnabled() and page.unmark_button.isEnabled()
    assert page.action_label.text().splitlines()[-1].startswith("Traitée le ")
    assert page.action_label.text().endswith(": Attribution prévue au conseil de juillet")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        assert page.unmark()  # undone: open again
    assert page.alerts_shown() == []


def test_double_click_and_enter_open_the_record(qtbot: Any, page: AlertsPage, seeded) -> None:  # type: ignore[no-untyped-def]
    opened: list[tuple[str, Any]] = []
    page.context.open_record_requested.connect(lambda kind, u: opened.append((kind, u)))
    index = page.select_alert(AlertKind.LOT_UNAWARDED, seeded["voirie"])
    rect = page.tree.visualRect(index)
    # A real double-click is a click then a double-click event (Qt's test helper alone sends
    # no release between them, which the view ignores).
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page.select_alert(AlertKind.ELIGIBILITY_UNVALIDATED, seeded["lea"])
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert opened == [(Kind.LOT, seeded["voirie"]), (Kind.PARTICIPANT, seeded["lea"])]


def test_postpone_and_group_by_kind(qtbot: Any, page: AlertsPage, seeded) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.group_combo.setCurrentIndex(page.group_combo.findData("kind"))
    assert _groups(page) == ["Éligibilité non validée (1)", "Lot sans attributaire (1)"]
    page.select_alert(AlertKind.ELIGIBILITY_UNVALIDATED, seeded["lea"])
    page.snooze_date.setDate(QDate(2025, 7, 1))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        assert page.mark_snoozed()
    assert _groups(page) == ["Lot sans attributaire (1)"]
    page.today = lambda: date(2025, 7, 1)  # the postponement's date: open again
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    assert _groups(page) == ["Éligibilité non validée (1)", "Lot sans attributaire (1)"]


def test_in_the_window_a_double_click_opens_the_participant_form(
    qtbot: Any, database: Database, seeded: dict[str, Any]
) -> None:
    from clauses_app.ui.forms.base import RecordForm
    from clauses_app.ui.main_window import MainWindow

    window = MainWindow(AppContext(database), remember=False)
    qtbot.addWidget(window)
    window.show()
    window.switch_page("alerts")
    page = window.page("alerts")
    assert isinstance(page, AlertsPage)
    page.today = lambda: TODAY
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    index = page.select_alert(AlertKind.ELIGIBILITY_UNVALIDATED, seeded["lea"])
    center = page.tree.visualRect(index).center()
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert window.current_name == "participants"
    forms = [f for f in window.findChildren(RecordForm) if f.isVisible()]
    assert [f.fields["last_name"].field.value() for f in forms] == ["Martin"]
