"""Paramètres: organisation identity, calculations, counting rules, alerts, European
thresholds, reference lists.

Everything is saved in one transaction (services.settings.save_settings, the alert thresholds,
the procurement thresholds and the edited reference rows); open pages then re-read the settings
(``settings_changed``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clauses_app.services.alerts import (
    AlertThresholds,
    load_alert_thresholds,
    save_alert_thresholds,
)
from clauses_app.services.profile import (
    FacilitatorProfile,
    ProfileError,
    load_profile,
    save_profile,
    signed_organisation,
)
from clauses_app.services.reference import (
    ReferenceRow,
    load_reference_rows,
    save_reference_rows,
)
from clauses_app.services.settings import (
    AppSettings,
    CountingRules,
    SubcontractingMode,
    UnvalidatedHours,
    load_settings,
    save_settings,
)
from clauses_app.services.thresholds import (
    ThresholdError,
    check_table,
    load_thresholds,
    save_thresholds,
)
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.reference_table import KIND_LABELS, ReferenceTableModel
from clauses_app.ui.pages.sizing import FRENCH, decimal_spin, spin_decimal
from clauses_app.ui.pages.thresholds_tab import ThresholdsTab
from clauses_app.ui.tasks import notify_data_changed
from clauses_app.ui.widgets.files import FileKind, ask_open_path

ROUNDING_LABELS = {
    "HALF_UP": "Au plus proche, 0,5 vers le haut",
    "HALF_EVEN": "Au plus proche, 0,5 vers le pair",
}
SUBCONTRACTING_LABELS = {
    SubcontractingMode.HOURS: "Heures des salariés en insertion",
    SubcontractingMode.AMOUNT: "Montant facturé converti en heures",
}


def int_spin(minimum: int, maximum: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setLocale(FRENCH)
    spin.setGroupSeparatorShown(True)
    spin.setRange(minimum, maximum)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(120)
    return spin


def small_decimal_spin(maximum: float, decimals: int, suffix: str, minimum: float = 0.0) -> Any:
    spin = decimal_spin(maximum, decimals, suffix, minimum=minimum)
    spin.setMinimumWidth(120)
    return spin


def compact_form(parent: QWidget) -> QFormLayout:
    """A form whose fields keep their natural width (numbers do not need 900 pixels)."""
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


class OptionalSpin(QWidget):
    """A check box that enables a number: unchecked means "no cap" (None)."""

    def __init__(self, text: str, spin: Any) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(text)
        self.spin = spin
        layout.addWidget(self.check)
        layout.addWidget(spin)
        layout.addStretch(1)
        self.check.toggled.connect(spin.setEnabled)
        spin.setEnabled(False)

    def set_value(self, value: Any) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.spin.setValue(float(value) if hasattr(self.spin, "decimals") else int(value))
        self.spin.setEnabled(value is not None)


class SettingsPage(QWidget):
    """Every setting of the application, with a Save button."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._loaded: tuple[AppSettings, AlertThresholds] | None = None
        self._loaded_profile = FacilitatorProfile()
        self._references: dict[str, list[ReferenceRow]] = {}
        self._build()
        self.refresh()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel("Paramètres")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._organisation_tab(), "Structure et documents")
        self.tabs.addTab(self._calculation_tab(), "Calculs et comptabilisation")
        self.tabs.addTab(self._alerts_tab(), "Alertes")
        self.thresholds_tab = ThresholdsTab()
        self.tabs.addTab(self.thresholds_tab, "Seuils européens")
        self.tabs.addTab(self._reference_tab(), "Listes de référence")
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        bottom.addWidget(self.status_label, 1)
        self.revert_button = QPushButton("Annuler les modifications")
        self.revert_button.clicked.connect(self.refresh)
        self.save_button = QPushButton("Enregistrer")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)

    def _organisation_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.org_name = QLineEdit()
        self.org_address = QPlainTextEdit()
        self.org_address.setTabChangesFocus(True)
        self.org_address.setFixedHeight(70)
        self.facilitator_name = QLineEdit()
        self.facilitator_email = QLineEdit()
        self.facilitator_phone = QLineEdit()
        for edit in (self.org_name, self.facilitator_name, self.facilitator_email):
            edit.setMaxLength(200)
        for widget in (self.org_name, self.org_address, self.facilitator_name,
                       self.facilitator_email, self.facilitator_phone):  # fmt: skip
            widget.setMaximumWidth(640)
        self.logo_path = QLineEdit()
        self.logo_path.setPlaceholderText("Image PNG ou JPEG imprimée en tête des documents")
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        self.logo_path.setMaximumWidth(540)
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(browse)
        logo_row.addStretch(0)
        self.logo_preview = QLabel()
        self.logo_preview.setFixedHeight(64)
        self.logo_path.textChanged.connect(self._show_logo)
        form.addRow("Nom de la structure :", self.org_name)
        form.addRow("Adresse :", self.org_address)
        form.addRow("Facilitateur ou facilitatrice :", self.facilitator_name)
        form.addRow("Courriel :", self.facilitator_email)
        form.addRow("Téléphone :", self.facilitator_phone)
        form.addRow("Logo :", logo_row)
        form.addRow("", self.logo_preview)
        note = QLabel(
            "Ces informations figurent sur les bilans et les clauses rédigées. Le nom, le "
            "courriel et le téléphone du facilitateur sont les vôtres : ils sont enregistrés "
            "pour votre session sur cet ordinateur, pas dans la base, que d'autres "
            "facilitateurs peuvent partager."
        )
        note.setWordWrap(True)
        form.addRow("", note)
        return page

    def _calculation_tab(self) -> QWidget:
        page = QWidget()
        row = QVBoxLayout(page)
        calc = QGroupBox("Calculs")
        form = compact_form(calc)
        self.etp_basis = int_spin(1, 3000, "\u00a0h par an")
        self.hourly_cost = small_decimal_spin(1000, 2, "\u00a0€/h", minimum=0.01)
        self.rounding_mode = QComboBox()
        for code, label in ROUNDING_LABELS.items():
            self.rounding_mode.addItem(label, code)
        self.rounding_step = int_spin(1, 1000, "\u00a0h")
        self.penalty = small_decimal_spin(100_000, 2, "\u00a0€/h")
        self.statement_penalty = small_decimal_spin(100_000, 2, "\u00a0€ par jour")
        self.criterion_weight = int_spin(0, 100, "\u00a0%")
        self.validity = int_spin(1, 60, "\u00a0mois")
        self.retention = int_spin(1, 30, "\u00a0ans")
        self.backup_keep = int_spin(1, 100, "\u00a0sauvegardes")
        form.addRow("Base d'un ETP :", self.etp_basis)
        form.addRow("Coût horaire chargé par défaut :", self.hourly_cost)
        form.addRow("Arrondi des heures exigées :", self.rounding_mode)
        form.addRow("Pas de l'arrondi :", self.rounding_step)
        form.addRow("Pénalité par heure non réalisée :", self.penalty)
        form.addRow("Pénalité par jour de retard d'un relevé :", self.statement_penalty)
        form.addRow("Pondération du critère d'insertion :", self.criterion_weight)
        form.addRow("Validité d'une éligibilité :", self.validity)
        form.addRow("Conservation après le dernier contact :", self.retention)
        form.addRow("Sauvegardes conservées (les plus récentes) :", self.backup_keep)
        row.addWidget(calc)

        rules = QGroupBox("Règles de comptabilisation (par défaut)")
        form = compact_form(rules)
        self.cdi_cap = OptionalSpin("Plafonner à", int_spin(1, 120, "\u00a0mois"))
        self.training_counted = QCheckBox("Comptabiliser les heures de formation")
        self.training_cap = OptionalSpin(
            "Plafonner à", small_decimal_spin(100, 1, "\u00a0% des heures")
        )
        self.training_counted.toggled.connect(self.training_cap.setEnabled)
        self.subcontracting_mode = QComboBox()
        for code, label in SUBCONTRACTING_LABELS.items():
            self.subcontracting_mode.addItem(label, code)
        self.subcontracting_share = small_decimal_spin(100, 1, "\u00a0%")
        self.transferred_counted = QCheckBox("Comptabiliser le personnel transféré")
        self.only_performance = QCheckBox("Seulement pendant la période d'exécution du marché")
        # What hours of a person whose eligibility is not validated in time count for.
        self.unvalidated_hours = QComboBox()
        for code, label in UnvalidatedHours.LABELS.items():
            self.unvalidated_hours.addItem(label.capitalize(), code)
        form.addRow("Heures d'un CDI :", self.cdi_cap)
        form.addRow("", self.training_counted)
        form.addRow("Heures de formation :", self.training_cap)
        form.addRow("Sous-traitance à une SIAE :", self.subcontracting_mode)
        form.addRow("Part de main-d'œuvre (conversion) :", self.subcontracting_share)
        form.addRow("", self.transferred_counted)
        form.addRow("", self.only_performance)
        form.addRow("Heures d'une éligibilité non validée :", self.unvalidated_hours)
        note = QLabel("Une opération ou un marché peut remplacer ces règles.")
        note.setWordWrap(True)
        form.addRow("", note)
        row.addWidget(rules)
        row.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _alerts_tab(self) -> QWidget:
        page = QWidget()
        form = compact_form(page)
        self.ending_days = int_spin(1, 365, "\u00a0jours avant la fin")
        self.monthly_warning = decimal_spin(744, 2, "\u00a0h par mois et par personne")
        self.tolerance = decimal_spin(100, 1, "\u00a0% de l'attendu")
        self.outcome_months = int_spin(1, 24, "\u00a0mois après le dernier contrat")
        for spin in (self.ending_days, self.monthly_warning, self.tolerance, self.outcome_months):
            spin.setMinimumWidth(330)
        form.addRow("Marché bientôt terminé :", self.ending_days)
        form.addRow("Heures mensuelles à vérifier au-delà de :", self.monthly_warning)
        form.addRow("Retard toléré sur l'échéancier :", self.tolerance)
        form.addRow("Situation de sortie à renseigner :", self.outcome_months)
        return page

    def _reference_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addWidget(QLabel("Liste :"))
        self.reference_kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.reference_kind.addItem(label, kind)
        top.addWidget(self.reference_kind)
        top.addStretch(1)
        layout.addLayout(top)
        hint = QLabel(
            "Les libellés et les parts de main-d'œuvre se modifient (double-clic) ; "
            "les codes sont fixes. Décochez « Utilisé » pour retirer une valeur des listes."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.reference_model = ReferenceTableModel(self)
        self.reference_view = QTableView()
        self.reference_view.setModel(self.reference_model)
        self.reference_view.verticalHeader().hide()
        self.reference_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.reference_view.horizontalHeader()
        header.setSectionResizeMode(
            ReferenceTableModel.CODE, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(ReferenceTableModel.LABEL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            ReferenceTableModel.SHARE, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(
            ReferenceTableModel.ACTIVE, QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.reference_view, 1)
        self.reference_kind.currentIndexChanged.connect(self._show_reference_kind)
        self.reference_model.input_refused.connect(self._refused)
        return page

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the stored settings into the form (dropping unsaved edits)."""
        with self.context.database.session() as session:
            settings = load_settings(session)
            thresholds = load_alert_thresholds(session)
            self._references = load_reference_rows(session)
            self.thresholds_tab.set_table(load_thresholds(session))
        self._loaded = (settings, thresholds)
        self._loaded_profile = load_profile()
        self._fill(settings, thresholds)
        self._show_reference_kind()
        self.status_label.setStyleSheet("")
        self.status_label.setText("")

    def _fill(self, settings: AppSettings, thresholds: AlertThresholds) -> None:
        org = settings.organisation
        self.org_name.setText(org.name)
        self.org_address.setPlainText(org.address)
        signed = signed_organisation(org, self._loaded_profile)  # the user's, or the legacy
        self.facilitator_name.setText(signed.facilitator_name)
        self.facilitator_email.setText(signed.facilitator_email)
        self.facilitator_phone.setText(signed.facilitator_phone)
        self.logo_path.setText(org.logo_path)
        self._show_logo(org.logo_path)
        self.etp_basis.setValue(settings.etp_basis)
        self.hourly_cost.setValue(float(settings.hourly_cost))
        self.rounding_mode.setCurrentIndex(
            max(0, self.rounding_mode.findData(settings.rounding_mode))
        )
        self.rounding_step.setValue(settings.rounding_step)
        self.penalty.setValue(float(settings.default_penalty_per_hour))
        self.statement_penalty.setValue(float(settings.default_statement_penalty_per_day))
        self.criterion_weight.setValue(settings.default_award_criterion_weight)
        self.validity.setValue(settings.eligibility_validity_months)
        self.retention.setValue(settings.retention_years)
        self.backup_keep.setValue(settings.backup_keep)
        rules = settings.counting
        self.cdi_cap.set_value(rules.cdi_cap_months)
        self.training_counted.setChecked(rules.training_counted)
        self.training_cap.set_value(rules.training_cap_percent)
        self.training_cap.setEnabled(rules.training_counted)
        self.subcontracting_mode.setCurrentIndex(
            max(0, self.subcontracting_mode.findData(rules.subcontracting_mode))
        )
        self.subcontracting_share.setValue(float(rules.subcontracting_labour_share))
        self.transferred_counted.setChecked(rules.transferred_staff_counted)
        self.only_performance.setChecked(rules.only_performance_period)
        self.unvalidated_hours.setCurrentIndex(
            max(0, self.unvalidated_hours.findData(rules.unvalidated_hours))
        )
        self.ending_days.setValue(settings.contract_ending_alert_days)
        self.monthly_warning.setValue(float(settings.monthly_hours_warning))
        self.tolerance.setValue(float(thresholds.schedule_tolerance_percent))
        self.outcome_months.setValue(thresholds.outcome_followup_months)

    def _show_reference_kind(self) -> None:
        kind = self.reference_kind.currentData()
        self.reference_model.set_rows(self._references.get(kind, []), trades=kind == "trade")
        self.reference_view.setColumnHidden(ReferenceTableModel.SHARE, kind != "trade")

    # --- reading the form ------------------------------------------------------------------

    def form_settings(self) -> tuple[AppSettings, AlertThresholds]:
        """The settings as the form shows them."""
        assert self._loaded is not None
        base, _ = self._loaded
        counting = CountingRules(
            cdi_cap_months=self.cdi_cap.spin.value() if self.cdi_cap.check.isChecked() else None,
            training_counted=self.training_counted.isChecked(),
            training_cap_percent=(
                spin_decimal(self.training_cap.spin)
                if self.training_cap.check.isChecked()
                else None
            ),
            subcontracting_mode=self.subcontracting_mode.currentData(),
            subcontracting_labour_share=spin_decimal(self.subcontracting_share),
            transferred_staff_counted=self.transferred_counted.isChecked(),
            only_performance_period=self.only_performance.isChecked(),
            unvalidated_hours=self.unvalidated_hours.currentData(),
        )
        # The facilitator's contact is the user's own (form_profile), not the database's:
        # what the database holds there is kept as it is.
        organisation = replace(
            base.organisation,
            name=self.org_name.text().strip(),
            address=self.org_address.toPlainText().strip(),
            logo_path=self.logo_path.text().strip(),
        )
        settings = replace(
            base,
            etp_basis=self.etp_basis.value(),
            hourly_cost=spin_decimal(self.hourly_cost),
            rounding_mode=self.rounding_mode.currentData(),
            rounding_step=self.rounding_step.value(),
            default_penalty_per_hour=spin_decimal(self.penalty),
            default_statement_penalty_per_day=spin_decimal(self.statement_penalty),
            default_award_criterion_weight=self.criterion_weight.value(),
            eligibility_validity_months=self.validity.value(),
            retention_years=self.retention.value(),
            backup_keep=self.backup_keep.value(),
            contract_ending_alert_days=self.ending_days.value(),
            monthly_hours_warning=spin_decimal(self.monthly_warning),
            counting=counting,
            organisation=organisation,
        )
        thresholds = AlertThresholds(spin_decimal(self.tolerance), self.outcome_months.value())
        return settings, thresholds

    def form_profile(self) -> FacilitatorProfile:
        """The facilitator's own contact as the form shows it (kept in the user's file)."""
        return FacilitatorProfile(
            name=self.facilitator_name.text().strip(),
            email=self.facilitator_email.text().strip(),
            phone=self.facilitator_phone.text().strip(),
        )

    def _profile_changed(self) -> bool:
        if self._loaded is None:
            return False
        shown = signed_organisation(self._loaded[0].organisation, self._loaded_profile)
        loaded = FacilitatorProfile(
            shown.facilitator_name, shown.facilitator_email, shown.facilitator_phone
        )
        return self.form_profile() != loaded

    def problems(self) -> list[str]:
        """What prevents saving, in French (empty when the form can be saved)."""
        settings, _ = self.form_settings()
        org = settings.organisation
        found = []
        if not org.name:
            found.append("Le nom de la structure est obligatoire.")
        found.extend(self.form_profile().problems())
        if org.logo_path:
            path = Path(org.logo_path).expanduser()
            if not path.is_file():
                found.append("Le fichier du logo est introuvable.")
            elif QImageReader(str(path)).format().isEmpty():
                found.append("Le fichier du logo n'est pas une image (PNG ou JPEG).")
        if settings.hourly_cost <= 0:
            found.append("Le coût horaire doit être supérieur à 0 €.")
        try:
            check_table(self.thresholds_tab.form_table())
        except ThresholdError as exc:
            found.append(str(exc))
        return found

    def has_unsaved_changes(self) -> bool:
        if self._loaded is None:
            return False
        changed_rows = any(r.changed for rows in self._references.values() for r in rows)
        return (
            self.form_settings() != self._loaded
            or changed_rows
            or self._profile_changed()
            or self.thresholds_tab.has_changes()
        )

    def confirm_leave(self) -> bool:
        """Before the window shows another page: save, discard or stay (unsaved edits)."""
        if not self.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self,
            "Modifications non enregistrées",
            "Les paramètres comportent des modifications non enregistrées.\n\nLes enregistrer ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.refresh()
            return True
        return False

    # --- actions ---------------------------------------------------------------------------

    def save(self) -> bool:
        """Validate, then store settings, thresholds and reference rows in one transaction."""
        problems = self.problems()
        if problems:
            self._refused(" ".join(problems))
            return False
        settings, thresholds = self.form_settings()
        rows = [row for rows in self._references.values() for row in rows]
        if self._profile_changed():
            try:
                save_profile(self.form_profile())
            except ProfileError as exc:
                self._refused(str(exc))
                return False
        with self.context.database.transaction() as session:
            save_settings(session, settings)
            save_alert_thresholds(session, thresholds)
            if self.thresholds_tab.has_changes():  # else the shipped table stays in force
                save_thresholds(session, self.thresholds_tab.form_table())
            changed = save_reference_rows(session, rows)
        self.refresh()
        self.status_label.setText(
            "Paramètres enregistrés."
            + (f" {changed} libellé(s) de référence modifié(s)." if changed else "")
        )
        self.context.settings_changed.emit()
        notify_data_changed()
        return True

    def _refused(self, message: str) -> None:
        self.status_label.setStyleSheet("color: #b03a2e;")
        self.status_label.setText(message)

    def _choose_logo(self) -> None:
        path = ask_open_path(
            self, FileKind.IMAGE, "Choisir le logo", "Images (*.png *.jpg *.jpeg)",
            self.logo_path.text() or None,
        )  # fmt: skip
        if path is not None:
            self.logo_path.setText(str(path))

    def _show_logo(self, text: str) -> None:
        pixmap = QPixmap(text) if text and Path(text).is_file() else QPixmap()
        if pixmap.isNull():
            self.logo_preview.setText("Aucun logo" if not text else "Image introuvable")
        else:
            self.logo_preview.setPixmap(
                pixmap.scaledToHeight(60, Qt.TransformationMode.SmoothTransformation)
            )
