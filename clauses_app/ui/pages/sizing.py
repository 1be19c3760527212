"""Assistant de dimensionnement: the insertion hours a lot should require, updated live.

Two ways of writing a clause (guide §3): a number of hours (amount × labour share × insertion
rate ÷ loaded hourly cost, services.sizing.size_clause) or a percentage of the hours worked
on the lot. On "Enregistrer", the result and its inputs are saved on the lot in one
transaction. Without a lot, the dialog is a calculator (``result()`` gives the last sizing).
A third way, for framework contracts (« N h per X € HT invoiced », services.sizing.
size_invoiced): the lot stores its tranche; the amount shown is what its awards invoiced so
far (or a forecast typed in), the required hours of each period follow the amounts invoiced
in it (the figures).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import (
    format_etp,
    format_hours,
    format_money,
    format_number,
    format_percent,
)
from clauses_app.models import ClauseMode, ReferenceKind
from clauses_app.services.reference import labels, trade_labour_shares
from clauses_app.services.settings import AppSettings
from clauses_app.services.sizing import (
    LotSizing,
    Sizing,
    SizingError,
    hours_from_percent,
    load_lot_sizing,
    save_lot_sizing,
    size_clause,
    size_invoiced,
)
from clauses_app.ui.context import AppContext
from clauses_app.ui.tasks import notify_data_changed

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
OTHER_TRADE = "Autre (part saisie)"
INVOICED = ClauseMode.INVOICED


def decimal_spin(
    maximum: float, decimals: int, suffix: str, minimum: float = 0.0, step: float = 1.0
) -> QDoubleSpinBox:
    """A number box typed the French way (``1 000 000,00``)."""
    spin = QDoubleSpinBox()
    spin.setLocale(FRENCH)
    spin.setGroupSeparatorShown(True)
    spin.setDecimals(decimals)
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(170)
    return spin


def spin_decimal(spin: QDoubleSpinBox) -> Decimal:
    """The box's value as an exact Decimal with the box's decimals."""
    return Decimal(f"{spin.value():.{spin.decimals()}f}")


def _percent(spin: QDoubleSpinBox) -> str:
    """A box holding a number of percent, as French text (``12,5 %``)."""
    return format_percent(spin_decimal(spin) / 100, decimals=2)


class SizingDialog(QDialog):
    """Live sizing of a clause; saves it on the lot when one is given."""

    def __init__(
        self, context: AppContext, lot_uuid: uuid.UUID | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.lot_uuid = lot_uuid
        self.settings: AppSettings = context.settings()
        self._result: Sizing | None = None
        self._percent_hours: Decimal | None = None
        self.setWindowTitle("Dimensionner la clause")
        with context.database.session() as session:
            self._trades = labels(session, ReferenceKind.TRADE)
            self._shares = trade_labour_shares(session)
            loaded = load_lot_sizing(session, lot_uuid) if lot_uuid else None
        if loaded is None:
            lot_title, stored = "Calcul sans lot : le résultat n'est pas enregistré.", None
        else:
            lot_title, stored = loaded
        self._build(lot_title)
        self._prefill(stored)
        self._connect()
        self._update()

    # --- layout ----------------------------------------------------------------------------

    def _build(self, lot_title: str) -> None:
        layout = QVBoxLayout(self)
        self.lot_label = QLabel(lot_title)
        self.lot_label.setWordWrap(True)
        bold = QFont(self.lot_label.font())
        bold.setBold(True)
        self.lot_label.setFont(bold)
        layout.addWidget(self.lot_label)

        self.hours_mode = QRadioButton("Un nombre d'heures d'insertion")
        self.percent_mode = QRadioButton("Un pourcentage des heures travaillées sur le lot")
        self.invoiced_mode = QRadioButton(
            "Un nombre d'heures par montant facturé (accord-cadre à bons de commande)"
        )
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.hours_mode)
        self.modes.addButton(self.percent_mode)
        self.modes.addButton(self.invoiced_mode)
        self.hours_mode.setChecked(True)
        layout.addWidget(QLabel("La clause exige :"))
        layout.addWidget(self.hours_mode)
        layout.addWidget(self.percent_mode)
        layout.addWidget(self.invoiced_mode)

        self.hours_box = QGroupBox(
            "Montant × part de main-d'œuvre × taux d'insertion ÷ coût horaire"
        )
        form = QFormLayout(self.hours_box)
        self.amount = decimal_spin(9_999_999_999.99, 2, "\u00a0€", step=10_000)
        self.trade = QComboBox()
        self.trade.addItem(OTHER_TRADE, None)
        for code, label in self._trades.items():
            share = self._shares.get(code)
            text = f"{label} ({format_number(share, 1)} %)" if share is not None else label
            self.trade.addItem(text, code)
        self.labour_share = decimal_spin(100, 1, "\u00a0%")
        self.insertion_rate = decimal_spin(100, 2, "\u00a0%", step=0.5)
        self.hourly_cost = decimal_spin(1000, 2, "\u00a0€/h", minimum=0.01)
        form.addRow("Montant HT :", self.amount)
        form.addRow("Métier :", self.trade)
        form.addRow("Part de main-d'œuvre :", self.labour_share)
        form.addRow("Taux d'insertion :", self.insertion_rate)
        form.addRow("Coût horaire chargé :", self.hourly_cost)
        layout.addWidget(self.hours_box)

        self.percent_box = QGroupBox("Pourcentage des heures travaillées")
        form = QFormLayout(self.percent_box)
        self.required_percent = decimal_spin(100, 2, "\u00a0%", step=0.5)
        self.worked_hours = decimal_spin(9_999_999, 2, "\u00a0h", step=100)
        self.worked_hours.setSpecialValueText("non estimées")
        form.addRow("Part des heures en insertion :", self.required_percent)
        form.addRow("Heures travaillées prévues :", self.worked_hours)
        layout.addWidget(self.percent_box)

        self.invoiced_box = QGroupBox("N heures par tranche de X € HT facturés")
        form = QFormLayout(self.invoiced_box)
        self.tranche_hours = decimal_spin(1000, 2, "\u00a0h", minimum=0.01)
        self.tranche_amount = decimal_spin(9_999_999.99, 2, "\u00a0€ HT", step=500)
        self.invoiced = decimal_spin(9_999_999_999.99, 2, "\u00a0€ HT", step=10_000)
        form.addRow("Heures par tranche :", self.tranche_hours)
        form.addRow("Tranche facturée :", self.tranche_amount)
        form.addRow("Montant facturé (ou prévu) :", self.invoiced)
        layout.addWidget(self.invoiced_box)

        result = QGroupBox("Résultat")
        box = QVBoxLayout(result)
        self.hours_label = QLabel("")
        big = QFont(self.hours_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.hours_label.setFont(big)
        self.etp_label = QLabel("")
        self.formula_label = QLabel("")
        self.formula_label.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b03a2e;")
        self.error_label.setWordWrap(True)
        for widget in (self.hours_label, self.etp_label, self.formula_label, self.error_label):
            box.addWidget(widget)
        layout.addWidget(result)

        self.buttons = QDialogButtonBox()
        if self.lot_uuid is not None:
            self.save_button = self.buttons.addButton(
                "Enregistrer sur le lot", QDialogButtonBox.ButtonRole.AcceptRole
            )
            cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.setText("Annuler")
        else:
            self.save_button = self.buttons.addButton(
                "Fermer", QDialogButtonBox.ButtonRole.AcceptRole
            )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _prefill(self, lot: LotSizing | None) -> None:
        self.hourly_cost.setValue(float(self.settings.hourly_cost))
        self.tranche_hours.setValue(1.0)
        self.tranche_amount.setValue(2000.0)
        self.insertion_rate.setValue(5.0)
        self.labour_share.setValue(50.0)
        if lot is None:
            return
        if lot.amount_ht is not None:
            self.amount.setValue(float(lot.amount_ht))
        index = self.trade.findData(lot.trade_code) if lot.trade_code else -1
        if index >= 0:
            self.trade.setCurrentIndex(index)
            share = self._shares.get(lot.trade_code or "")
            if share is not None:
                self.labour_share.setValue(float(share))
        for value, spin in (
            (lot.labour_share, self.labour_share),
            (lot.insertion_rate, self.insertion_rate),
            (lot.hourly_cost, self.hourly_cost),
            (lot.required_percent, self.required_percent),
        ):
            if value is not None:
                spin.setValue(float(value))
        self.percent_mode.setChecked(lot.clause_mode == ClauseMode.PERCENT)
        self.invoiced_mode.setChecked(lot.clause_mode == ClauseMode.INVOICED)
        if lot.tranche_amount is not None:
            self.tranche_amount.setValue(float(lot.tranche_amount))
        if lot.tranche_hours is not None:
            self.tranche_hours.setValue(float(lot.tranche_hours))
        self.invoiced.setValue(float(lot.invoiced_ht))

    def _connect(self) -> None:
        for spin in (self.amount, self.labour_share, self.insertion_rate, self.hourly_cost,
                     self.required_percent, self.worked_hours, self.tranche_hours,
                     self.tranche_amount, self.invoiced):  # fmt: skip
            spin.valueChanged.connect(self._update)
        self.trade.currentIndexChanged.connect(self._trade_chosen)
        self.modes.buttonToggled.connect(self._update)

    # --- live result -----------------------------------------------------------------------

    def _trade_chosen(self) -> None:
        share = self._shares.get(self.trade.currentData() or "")
        if share is not None:
            self.labour_share.setValue(float(share))  # updates the result through valueChanged
        self._update()

    @property
    def clause_mode(self) -> str:
        if self.invoiced_mode.isChecked():
            return INVOICED
        return ClauseMode.HOURS if self.hours_mode.isChecked() else ClauseMode.PERCENT

    def _update(self) -> None:
        mode = self.clause_mode
        hours_mode = mode == ClauseMode.HOURS
        self.hours_box.setVisible(hours_mode)
        self.percent_box.setVisible(mode == ClauseMode.PERCENT)
        self.invoiced_box.setVisible(mode == INVOICED)
        self.error_label.setText("")
        self._result, self._percent_hours = None, None
        try:
            if hours_mode:
                self._show_hours()
            elif mode == INVOICED:
                self._show_invoiced()
            else:
                self._show_percent()
        except SizingError as error:
            self.hours_label.setText("—")
            self.etp_label.setText("")
            self.formula_label.setText("")
            self.error_label.setText(str(error))
        if self.lot_uuid is not None:
            self.save_button.setEnabled(mode == ClauseMode.PERCENT or self._result is not None)
        self.adjustSize()

    def _show_hours(self) -> None:
        sizing = size_clause(
            spin_decimal(self.amount),
            spin_decimal(self.labour_share),
            spin_decimal(self.insertion_rate),
            spin_decimal(self.hourly_cost),
            self.settings,
        )
        self._result = sizing
        self.hours_label.setText(format_hours(sizing.required_hours))
        self.etp_label.setText(f"soit {format_etp(sizing.etp)}")
        self.formula_label.setText(
            f"{format_money(spin_decimal(self.amount))} × "
            f"{_percent(self.labour_share)} × {_percent(self.insertion_rate)} ÷ "
            f"{format_money(spin_decimal(self.hourly_cost))}/h"
        )

    def _show_invoiced(self) -> None:
        invoiced = spin_decimal(self.invoiced)
        sizing = size_invoiced(
            invoiced, spin_decimal(self.tranche_amount), spin_decimal(self.tranche_hours),
            self.settings,
        )  # fmt: skip
        self._result = sizing
        self.hours_label.setText(format_hours(sizing.required_hours))
        self.etp_label.setText(f"soit {format_etp(sizing.etp)}")
        formula = (
            f"{format_money(invoiced)} × {format_hours(spin_decimal(self.tranche_hours))} ÷ "
            f"{format_money(spin_decimal(self.tranche_amount))}, arrondi une fois sur le total."
        )
        if self.lot_uuid is not None:
            formula += (
                " Le lot enregistre la tranche ; les heures exigées de chaque période suivent "
                "les montants facturés saisis dans ses attributions."
            )
        self.formula_label.setText(formula)

    def _show_percent(self) -> None:
        percent = spin_decimal(self.required_percent)
        worked = spin_decimal(self.worked_hours)
        text = f"{_percent(self.required_percent)} des heures travaillées"
        if worked > 0:
            hours = hours_from_percent(worked, percent, self.settings)
            self._percent_hours = hours
            text = f"{format_hours(hours)} estimées"
            self.formula_label.setText(
                f"{_percent(self.required_percent)} × {format_hours(worked)} travaillées prévues"
            )
        else:
            hours_from_percent(Decimal(0), percent, self.settings)  # checks the range
            self.formula_label.setText(
                "Les heures exigées se calculeront sur les heures travaillées déclarées."
            )
        self.hours_label.setText(text)
        self.etp_label.setText("")

    def sizing(self) -> Sizing | None:
        """The last valid sizing in hours or invoiced mode (None in percentage mode or when
        invalid)."""
        return self._result

    # --- saving ----------------------------------------------------------------------------

    def accept(self) -> None:
        if self.lot_uuid is not None and not self.save():
            return
        super().accept()

    def save(self) -> bool:
        """Store the result and its inputs on the lot, in one transaction."""
        assert self.lot_uuid is not None
        if self.clause_mode == ClauseMode.HOURS:
            if self._result is None:
                return False
            sizing = LotSizing(
                clause_mode=ClauseMode.HOURS,
                amount_ht=spin_decimal(self.amount),
                trade_code=self.trade.currentData(),
                labour_share=spin_decimal(self.labour_share),
                insertion_rate=spin_decimal(self.insertion_rate),
                hourly_cost=spin_decimal(self.hourly_cost),
                required_hours=self._result.required_hours,
            )
        elif self.clause_mode == ClauseMode.INVOICED:
            if self._result is None:
                return False
            sizing = LotSizing(
                clause_mode=ClauseMode.INVOICED,
                tranche_amount=spin_decimal(self.tranche_amount),
                tranche_hours=spin_decimal(self.tranche_hours),
            )
        else:
            sizing = LotSizing(
                clause_mode=ClauseMode.PERCENT,
                required_percent=spin_decimal(self.required_percent),
            )
        with self.context.database.transaction() as session:
            saved = save_lot_sizing(session, self.lot_uuid, sizing)
        if not saved:
            QMessageBox.warning(self, "Enregistrement impossible", "Ce lot n'existe plus.")
            return False
        notify_data_changed()
        return True
