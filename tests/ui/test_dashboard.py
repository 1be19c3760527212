"""The dashboard page: hand-computed figures shown as French text, background loading, alerts
that open their record."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from PySide6.QtWidgets import QTableView

from clauses_app.services import dashboard as dashboard_service
from clauses_app.services.alerts import (
    AlertBook,
    AlertKind,
    AlertRecord,
    PendingAlert,
    compute_alerts,
)
from clauses_app.services.dashboard import DashboardSnapshot, load_alerts
from clauses_app.services.periods import Period
from clauses_app.ui.context import AppContext, RecordKind
from clauses_app.ui.pages.dashboard import DashboardPage
from clauses_app.ui.pages.dashboard_alerts import AlertTableModel
from clauses_app.ui.tasks import notify_data_changed
from tests import builders as b
from tests.ui.test_contract_figures_view import seed_ville_c

NNBSP, NBSP = "\u202f", "\u00a0"
TODAY = date(2025, 6, 30)


@pytest.fixture
def seeded(database):  # type: ignore[no-untyped-def]
    """Ville A: 1,316 h required over 2025, 1,607 h done (Léa 800 + 400, Ali 407).
    Bourg B: a contract ending 31/07/2025 with 1,200 h required, none done; a planned start
    whose validation expires; a former participant with no six-month outcome."""
    ids = {}
    with database.transaction() as s:
        a = b.authority(s, "Ville A")
        con = b.contract(s, a, "A-1", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        aw = b.award(s, b.lot(s, con), b.company(s, "SARL A"), 1316)
        # Both validated before they started: no « éligibilité non validée » alert.
        martin, benali = b.participant(s, "Martin", "Léa"), b.participant(s, "Benali", "Ali")
        b.criterion(s, martin, "BRSA", validated_on=date(2024, 12, 15))
        b.criterion(s, benali, "DELD", validated_on=date(2025, 2, 1))
        lea = b.employment(s, aw, martin, date(2025, 1, 1), date(2025, 12, 31))
        b.month_hours(s, lea, 2025, 1, 800)
        b.month_hours(s, lea, 2025, 2, 400)
        ali = b.employment(s, aw, benali, date(2025, 3, 1), date(2025, 12, 31))
        b.month_hours(s, ali, 2025, 3, 407)
        b.month_hours(s, lea, 2025, 3, 0)
        for month in (4, 5):
            b.month_hours(s, lea, 2025, month, 0)
            b.month_hours(s, ali, 2025, month, 0)
        bourg = b.authority(s, "Bourg B")
        con_b = b.contract(s, bourg, "B-1", start_date=date(2024, 8, 1), end_date=date(2025, 7, 31))
        aw_b = b.award(s, b.lot(s, con_b), b.company(s, "SAS B"), 1200)
        samir = b.participant(s, "Nouveau", "Samir")
        b.criterion(s, samir, "BRSA", validated_on=date(2025, 1, 2))
        b.employment(s, aw_b, samir, date(2025, 7, 15), date(2025, 7, 31))
        jo = b.participant(s, "Petit", "Jo")
        old = b.employment(s, aw_b, jo, date(2024, 8, 1), date(2024, 12, 31))
        b.month_hours(s, old, 2024, 8, 10)
        ids.update(a=a.uuid, bourg=bourg.uuid, con_b=con_b.uuid, aw_b=aw_b.uuid,
                   samir=samir.uuid, old=old.uuid, lea=lea.uuid, ali=ali.uuid)  # fmt: skip
    return ids


@pytest.fixture
def page(qtbot, database, seeded):  # type: ignore[no-untyped-def]
    context = AppContext(database)
    widget = DashboardPage(context)
    widget.today = lambda: TODAY
    widget.resize(1166, 720)
    qtbot.addWidget(widget)
    yield widget
    qtbot.waitUntil(lambda: not widget.is_loading, timeout=10_000)


def _show(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()


def _card(page, key: str) -> str:  # type: ignore[no-untyped-def]
    return page.cards[key].value_label.text()


def test_shows_hand_computed_figures_as_french_text(qtbot, page, seeded) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, page)
    assert page.year_combo.currentText() == "2025"
    index = page.authority_combo.findText("Ville A")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.authority_combo.setCurrentIndex(index)
    assert page.authority_combo.currentText() == "Ville A"  # kept after the reload
    assert _card(page, "hours_required") == f"1{NNBSP}316{NBSP}h"
    assert _card(page, "hours_done") == f"1{NNBSP}607{NBSP}h"
    assert _card(page, "completion_rate") == f"122,1{NBSP}%"  # 1,607 / 1,316 = 1.2211…
    assert _card(page, "etp_done") == f"1,00{NBSP}ETP"
    assert _card(page, "participants") == "2"
    assert _card(page, "employments") == "2"
    bars = page.chart.bars()
    assert [bar.label for bar in bars][:3] == ["janv.", "févr.", "mars"]
    assert [bar.value for bar in bars][:4] == [800.0, 400.0, 407.0, 0.0]
    assert bars[0].value_text == f"800{NBSP}h"


def test_every_authority_of_the_year(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, page)
    assert page.authority_combo.currentText() == "Tous les donneurs d'ordre"
    # 1,316 + 1,200 × 7/12 months (Jan–Jul 2025 of Aug 2024–Jul 2025) = 1,316 + 700
    assert _card(page, "hours_required") == f"2{NNBSP}016{NBSP}h"
    assert _card(page, "hours_done") == f"1{NNBSP}607{NBSP}h"
    assert _card(page, "completion_rate") == f"79,7{NBSP}%"  # 1,607 / 2,016
    assert _card(page, "participants") == "3"  # Léa, Ali and Samir's planned contract


def test_paints_before_the_figures_then_fills_them_in(qtbot, database, seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    real = dashboard_service.dashboard_figures

    def slow_figures(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert release.wait(10), "the test never released the figures"
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_service, "dashboard_figures", slow_figures)
    page = DashboardPage(AppContext(database))
    page.today = lambda: TODAY
    page.resize(1166, 720)
    qtbot.addWidget(page)
    page.show()  # starts the background task
    assert page.is_loading
    image = page.grab()  # the window paints while the figures are being computed
    assert not image.isNull() and image.width() == 1166
    assert _card(page, "hours_done") == "…"
    assert page.status_label.text() == "Calcul des chiffres en cours…"
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        release.set()
    assert _card(page, "hours_done") == f"1{NNBSP}607{NBSP}h"
    assert not page.is_loading


def test_each_alert_opens_its_record(qtbot, page, seeded) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, page)
    model = page.alert_model
    kinds = [model.alert(row).kind for row in range(model.rowCount())]
    # every month of 2025 up to May has a statement: no "missing statement" alert
    assert kinds == [
        AlertKind.CONTRACT_ENDING,  # B-1 ends 31/07 (31 days away), 1,190 h still due
        AlertKind.ELIGIBILITY_EXPIRING,  # validated 02/01, valid until 02/07, starts 15/07
        AlertKind.BEHIND_SCHEDULE,  # B-1: 1,200 × 11/12 = 1,100 h expected by 30/06, 10 done
        AlertKind.OUTCOME_MISSING,  # Jo's contract ended 31/12/2024: due 30/06/2025
    ]
    expected = {
        (RecordKind.CONTRACT, seeded["con_b"]),
        (RecordKind.PARTICIPANT, seeded["samir"]),
        (RecordKind.AWARD, seeded["aw_b"]),
        (RecordKind.EMPLOYMENT, seeded["old"]),
    }
    opened = []
    page.context.open_record_requested.connect(lambda kind, uuid: opened.append((kind, uuid)))
    for row in range(model.rowCount()):
        page.alert_view.activated.emit(model.index(row, 1))
    assert set(opened) == expected
    assert len(opened) == model.rowCount() == 4


def test_alert_kind_filter(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, page)
    assert page.kind_combo.itemText(0) == "Toutes les alertes (4)"
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(AlertKind.CONTRACT_ENDING))
    assert page.alert_model.rowCount() == 1
    message = page.alert_model.alert(0).message
    assert message.startswith("Marché B-1 (Bourg B) : se termine le 31/07/2025")


def test_refreshes_when_data_changes(qtbot, page, database, seeded) -> None:  # type: ignore[no-untyped-def]
    _show(qtbot, page)
    with database.transaction() as s:
        lea = s.get(b.Employment, seeded["lea"])
        b.month_hours(s, lea, 2025, 6, 100)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        notify_data_changed()
    assert _card(page, "hours_done") == f"1{NNBSP}707{NBSP}h"


def test_alert_model(qtmodeltester, database, seeded) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        alerts = compute_alerts(s, TODAY, Period.year(2025))
    model = AlertTableModel()
    model.set_book(load_alerts(database, 2025, None, TODAY))
    assert model.rowCount() == len(alerts) > 0
    assert [model.alert(row) for row in range(model.rowCount())] == alerts
    qtmodeltester.check(model)


@pytest.fixture
def gated_alerts(monkeypatch):  # type: ignore[no-untyped-def]
    """The alerts wait for ``gate.set()``, then run for real (cancellable between steps)."""
    gate = threading.Event()
    real = dashboard_service.collect_alerts

    def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert gate.wait(10), "the test never opened the gate"
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_service, "collect_alerts", gated)
    yield gate
    gate.set()


def test_figures_shown_before_the_alerts(qtbot, page, gated_alerts) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.figures_loaded, timeout=10_000):
        page.show()
    assert page.figures_filled and not page.alerts_filled
    assert _card(page, "hours_done") == f"1{NNBSP}607{NBSP}h"
    assert page.alerts_title.text() == "Alertes : calcul des alertes…"
    assert page.alert_model.rowCount() == 0 and not page.kind_combo.isEnabled()
    assert page.is_loading
    with qtbot.waitSignal(page.alerts_loaded, timeout=10_000):
        gated_alerts.set()
    assert page.alerts_filled and page.alert_model.rowCount() == 4
    assert page.alerts_title.text() == "Alertes (4)"


def test_the_computation_is_let_go_of_once_the_figures_are_painted(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    """Freeing it takes ~0.05 s on national data: after the paint, not before."""
    shown: list[DashboardSnapshot] = []
    original = page._show_figures
    page._show_figures = lambda snapshot: (shown.append(snapshot), original(snapshot))
    painted: list[str] = []
    card = page.cards["hours_done"].value_label
    original_paint = card.paintEvent
    card.paintEvent = lambda event: (painted.append(card.text()), original_paint(event))
    at_signal: list[tuple[int, bool]] = []
    page.figures_loaded.connect(
        lambda: at_signal.append((len(shown[-1].computation), f"1{NNBSP}607{NBSP}h" in painted))
    )
    with qtbot.waitSignal(page.loaded, timeout=10_000):  # the alerts too: nothing left running
        page.show()
    assert at_signal == [(1, True)]  # the value painted, the computation still held
    assert shown[-1].computation == []  # then let go of


def test_leaving_the_page_cancels_the_alerts(qtbot, page, gated_alerts) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.figures_loaded, timeout=10_000):
        page.show()
    task = page._alerts_task
    page.hide()
    gated_alerts.set()
    qtbot.waitUntil(lambda: not page.is_loading, timeout=10_000)
    assert task.was_cancelled and task.result is None
    assert not page.alerts_filled and page.alert_model.rowCount() == 0
    with qtbot.waitSignal(page.alerts_loaded, timeout=10_000):
        page.show()  # back on the page: the alerts are computed again, not the figures
    assert page.alert_model.rowCount() == 4 and page.figures_filled


def test_another_authority_while_the_alerts_run(qtbot, page, seeded, gated_alerts) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.figures_loaded, timeout=10_000):
        page.show()
    first = page._alerts_task
    page.authority_combo.setCurrentIndex(page.authority_combo.findText("Ville A"))
    assert page._alerts_task is first and page.status_label.text().startswith("Année 2025")
    with qtbot.waitSignal(page.alerts_loaded, timeout=10_000):
        gated_alerts.set()
    assert first.was_cancelled
    # Ville A is on schedule (1,607 h done for 1,316 h) with every statement: no alert
    assert page.authority_combo.currentText() == "Ville A"
    assert _card(page, "hours_required") == f"1{NNBSP}316{NBSP}h"
    assert page.alerts_title.text() == "Alertes : aucune" and page.alert_model.rowCount() == 0


def test_the_table_words_only_the_rows_it_shows(qtbot) -> None:  # type: ignore[no-untyped-def]
    worded: list[int] = []

    def words(number: int) -> str:
        worded.append(number)
        return f"n° {number}."

    book = AlertBook(
        PendingAlert(AlertKind.MISSING_STATEMENT, AlertRecord.EMPLOYMENT, uuid.uuid4(),
                     date(2025, 1, 31), f"{n:04d} : ", words, (n,))
        for n in range(250)
    )  # fmt: skip
    model = AlertTableModel()
    model.set_book(book)
    assert model.rowCount() == 250
    for row in range(250):
        assert model.index(row, AlertTableModel.KIND).data() == "Relevé d'heures manquant"
        assert model.index(row, AlertTableModel.DUE).data() == "31/01/2025"
    assert worded == []
    assert model.index(150, AlertTableModel.DETAIL).data() == "0150 : n° 150."
    assert sorted(worded) == list(range(100, 200))  # the page of the row, once
    assert model.index(120, AlertTableModel.DETAIL).data() == "0120 : n° 120."
    assert len(worded) == 100
    view = QTableView()
    view.setModel(model)
    view.resize(800, 300)
    qtbot.addWidget(view)
    assert not view.grab().isNull()  # paints the first rows
    assert len(worded) == 200  # the first rows shown: page 0 worded, the others not


def test_hours_apart_under_their_cards(qtbot, database) -> None:  # type: ignore[no-untyped-def]
    """Ville C (seed_ville_c): 200 h done of which Zoé's 120 h pending; 1,400 h planned on a
    lot without an awardee."""
    with database.transaction() as s:
        seed_ville_c(s)
    page = DashboardPage(AppContext(database))
    page.today = lambda: TODAY
    page.resize(1166, 720)
    qtbot.addWidget(page)
    _show(qtbot, page)
    done, required = page.cards["hours_done"], page.cards["hours_required"]
    assert done.value_label.text() == f"200{NBSP}h"
    assert done.note_label.text() == (f"dont 120{NBSP}h en attente de justification d'éligibilité")
    assert required.value_label.text() == f"1{NNBSP}000{NBSP}h"
    assert required.note_label.text() == (
        f"hors 1{NNBSP}400{NBSP}h prévues non attribuées (lots sans entreprise attributaire)"
    )
    assert done.note_label.isVisibleTo(page) and required.note_label.isVisibleTo(page)
    assert not page.cards["etp_done"].note_label.isVisibleTo(page)
    qtbot.waitUntil(lambda: not page.is_loading, timeout=10_000)
