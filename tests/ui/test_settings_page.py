"""The settings page: edits are validated, saved in one transaction and read back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from clauses_app.models import ReferenceItem, ReferenceKind
from clauses_app.services.alerts import AlertThresholds, load_alert_thresholds
from clauses_app.services.profile import load_profile, profile_path
from clauses_app.services.settings import SubcontractingMode, UnvalidatedHours, load_settings
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.reference_table import ReferenceTableModel
from clauses_app.ui.pages.settings_page import SettingsPage

D = Decimal


@pytest.fixture
def page(qtbot, database):  # type: ignore[no-untyped-def]
    widget = SettingsPage(AppContext(database))
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    widget.show()
    return widget


def _select_kind(page, kind: str) -> ReferenceTableModel:  # type: ignore[no-untyped-def]
    page.reference_kind.setCurrentIndex(page.reference_kind.findData(kind))
    return page.reference_model


def _row_of(model: ReferenceTableModel, code: str) -> int:
    return next(r for r in range(model.rowCount()) if model.row(r).code == code)


def test_shows_the_defaults(page) -> None:  # type: ignore[no-untyped-def]
    assert page.etp_basis.value() == 1607
    assert page.etp_basis.text() == "1\u202f607\u00a0h par an"
    assert page.hourly_cost.value() == 30
    assert page.monthly_warning.value() == 208
    assert page.ending_days.value() == 60
    assert page.tolerance.value() == 10
    assert not page.cdi_cap.check.isChecked()
    assert page.only_performance.isChecked()
    assert not page.has_unsaved_changes()


def test_saves_and_reloads_every_kind_of_setting(
    qtbot, page, database, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    logo = tmp_path / "logo.png"
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#2f6fb0"))
    assert image.save(str(logo))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(logo), ""))
    page.org_name.setText("PLIE du Pays d'Albi")
    page.facilitator_email.setText("clauses@plie-albi.fr")
    page._choose_logo()  # the "Parcourir…" button's action, with the dialog answered
    assert page.logo_path.text() == str(logo)
    assert page.logo_preview.pixmap() is not None and not page.logo_preview.pixmap().isNull()
    page.hourly_cost.setValue(27.5)
    page.rounding_mode.setCurrentIndex(page.rounding_mode.findData("HALF_EVEN"))
    page.cdi_cap.check.setChecked(True)
    page.cdi_cap.spin.setValue(12)
    page.training_cap.check.setChecked(True)
    page.training_cap.spin.setValue(20)
    page.subcontracting_mode.setCurrentIndex(
        page.subcontracting_mode.findData(SubcontractingMode.AMOUNT)
    )
    assert page.unvalidated_hours.currentData() == UnvalidatedHours.PROVISIONAL  # the default
    page.unvalidated_hours.setCurrentIndex(page.unvalidated_hours.findText("Non comptées"))
    page.tolerance.setValue(15)
    page.outcome_months.setValue(3)
    trades = _select_kind(page, ReferenceKind.TRADE)
    row = _row_of(trades, "PEINTURE")
    assert trades.setData(trades.index(row, ReferenceTableModel.SHARE), "65,5")
    criteria = _select_kind(page, ReferenceKind.CRITERION)
    row = _row_of(criteria, "DELD")
    assert criteria.setData(criteria.index(row, ReferenceTableModel.LABEL), "DELD 12 mois")
    assert page.has_unsaved_changes()
    with qtbot.waitSignal(page.context.settings_changed, timeout=2000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status_label.text() == (
        "Paramètres enregistrés. 2 libellé(s) de référence modifié(s)."
    )
    assert not page.has_unsaved_changes()
    with database.session() as s:
        settings = load_settings(s)
        assert settings.organisation.name == "PLIE du Pays d'Albi"
        # the facilitator's contact is the user's own, not the shared database's
        assert settings.organisation.facilitator_email == ""
        assert load_profile().email == "clauses@plie-albi.fr"
        assert settings.organisation.logo_path == str(logo)
        assert settings.hourly_cost == D("27.5")
        assert settings.rounding_mode == "HALF_EVEN"
        assert settings.counting.cdi_cap_months == 12
        assert settings.counting.training_cap_percent == D("20")
        assert settings.counting.subcontracting_mode == SubcontractingMode.AMOUNT
        assert settings.counting.unvalidated_hours == UnvalidatedHours.EXCLUDED
        assert load_alert_thresholds(s) == AlertThresholds(D("15"), 3)
        items = {
            i.code: i
            for i in s.scalars(
                select(ReferenceItem).where(ReferenceItem.code.in_(["PEINTURE", "DELD"]))
            )
        }
        assert items["PEINTURE"].labour_share == D("65.5")
        assert items["DELD"].label == "DELD 12 mois"
    # a new page reads the same values back
    again = SettingsPage(page.context)
    assert again.hourly_cost.value() == 27.5
    assert again.cdi_cap.check.isChecked() and again.cdi_cap.spin.value() == 12
    assert again.unvalidated_hours.currentData() == UnvalidatedHours.EXCLUDED
    assert again.org_name.text() == "PLIE du Pays d'Albi"
    assert again.facilitator_email.text() == "clauses@plie-albi.fr"
    again.deleteLater()


def test_invalid_values_are_refused_with_the_reason(qtbot, page, database) -> None:  # type: ignore[no-untyped-def]
    page.facilitator_email.setText("pas-une-adresse")
    page.logo_path.setText("/nulle/part/logo.png")
    assert not page.save()
    assert page.status_label.text() == (
        "Le courriel du facilitateur n'est pas une adresse valide. "
        "Le fichier du logo est introuvable."
    )
    with database.session() as s:
        assert load_settings(s).organisation.facilitator_email == ""
    assert not profile_path().exists()
    criteria = _select_kind(page, ReferenceKind.CRITERION)
    assert not criteria.setData(criteria.index(0, ReferenceTableModel.LABEL), "  ")
    assert page.status_label.text() == "Le libellé de « DELD » ne peut pas être vide."
    trades = _select_kind(page, ReferenceKind.TRADE)
    assert not trades.setData(trades.index(0, ReferenceTableModel.SHARE), "120")


def test_revert_drops_unsaved_edits(page) -> None:  # type: ignore[no-untyped-def]
    page.hourly_cost.setValue(99)
    assert page.has_unsaved_changes()
    page.revert_button.click()
    assert page.hourly_cost.value() == 30
    assert not page.has_unsaved_changes()


def test_codes_are_fixed_labels_editable(page) -> None:  # type: ignore[no-untyped-def]
    model = _select_kind(page, ReferenceKind.CONTRACT_TYPE)
    assert not model.flags(model.index(0, ReferenceTableModel.CODE)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, ReferenceTableModel.LABEL)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, ReferenceTableModel.SHARE)) & Qt.ItemFlag.ItemIsEditable
    assert page.reference_view.isColumnHidden(ReferenceTableModel.SHARE)


def test_reference_model(qtmodeltester, page) -> None:  # type: ignore[no-untyped-def]
    model = _select_kind(page, ReferenceKind.TRADE)
    assert model.rowCount() == 7
    assert model.data(model.index(_row_of(model, "PEINTURE"), ReferenceTableModel.SHARE)) == (
        "70\u00a0%"
    )
    qtmodeltester.check(model)


def test_leaving_with_unsaved_edits_asks(page, database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    page.hourly_cost.setValue(28)
    answers = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: answers[0])
    assert not page.confirm_leave()  # Cancel: stay on the page, edits kept
    assert page.hourly_cost.value() == 28
    answers[0] = QMessageBox.StandardButton.Save
    assert page.confirm_leave()
    with database.session() as s:
        assert load_settings(s).hourly_cost == D("28")
    page.hourly_cost.setValue(31)
    answers[0] = QMessageBox.StandardButton.Discard
    assert page.confirm_leave()
    assert page.hourly_cost.value() == 28


def test_backups_kept_is_a_setting(qtbot, app_context) -> None:  # type: ignore[no-untyped-def]
    from clauses_app.services.settings import load_settings
    from clauses_app.storage.backup import read_policy
    from clauses_app.ui.pages.settings_page import SettingsPage

    page = SettingsPage(app_context)
    qtbot.addWidget(page)
    assert page.backup_keep.value() == 10  # the default (docs/privacy.md)
    page.backup_keep.setValue(4)
    page.save()
    with app_context.database.session() as s:
        assert load_settings(s).backup_keep == 4
    assert read_policy(app_context.database.file_path).keep == 4  # what rotation reads
