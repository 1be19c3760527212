"""Paramètres ▸ Seuils européens: the threshold table by period, its sources, the obligation's
first day, and a notice when the table is due for its biennial revision.

The rule and the checks are :mod:`clauses_app.services.thresholds`; this tab only reads the
cells (French dates and amounts) and shows the table.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import format_date, format_number
from clauses_app.services.thresholds import (
    SHIPPED_PERIODS,
    ThresholdError,
    ThresholdPeriod,
    ThresholdTable,
    needs_update,
    next_revision,
)
from clauses_app.ui.widgets.fields import parse_date, parse_decimal

COLUMNS = (
    "Du",
    "Au",
    "Travaux et concessions",
    "Fournitures et services : État",
    "Fournitures et services : collectivités",
    "Entités adjudicatrices, défense",
    "Source",
)
# The same on two lines, for the table's header (the sources need the width).
HEADERS = (
    "Du", "Au", "Travaux et\nconcessions", "Fournitures et\nservices : État",
    "Fournitures et services :\ncollectivités", "Entités adjudicatrices,\ndéfense", "Source",
)  # fmt: skip
DATES = (0, 1)
AMOUNTS = (2, 3, 4, 5)
SOURCE = 6
NOTICE_STYLE = "background: #fdecea; color: #8c1d18; padding: 6px; border-radius: 4px;"


def today() -> date:
    """The day the notice is judged on (tests replace it)."""
    return date.today()


class ThresholdsTab(QWidget):
    """The editable threshold table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.notice = QLabel()
        self.notice.setObjectName("thresholdsNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()
        layout.addWidget(self.notice)
        intro = QLabel(
            "Seuils européens de procédure formalisée (€ HT) par période. Un marché lancé à "
            "partir de la date ci-dessous dont la valeur estimée atteint son seuil doit comporter "
            "une considération sociale ou d'emploi, sauf exception justifiée (art. L2112-2-1 et "
            "L3114-2-1 du code de la commande publique). Les seuils sont révisés tous les deux "
            "ans, au 1er janvier des années paires : ajoutez alors la nouvelle période."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        start_row = QHBoxLayout()
        start_row.addWidget(QLabel("Obligation applicable aux consultations lancées à partir du :"))
        self.obligation_start = QLineEdit()
        self.obligation_start.setPlaceholderText("JJ/MM/AAAA")
        self.obligation_start.setMaximumWidth(120)
        start_row.addWidget(self.obligation_start)
        start_row.addStretch(1)
        layout.addLayout(start_row)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)  # a long source is elided; its tooltip shows it whole
        header = self.table.horizontalHeader()
        for column in range(SOURCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SOURCE, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Ajouter une période")
        self.add_button.clicked.connect(self.add_period)
        self.remove_button = QPushButton("Supprimer la période")
        self.remove_button.clicked.connect(self.remove_period)
        self.shipped_button = QPushButton("Reprendre les seuils livrés")
        self.shipped_button.clicked.connect(self.restore_shipped)
        for button in (self.add_button, self.remove_button, self.shipped_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._loaded = ThresholdTable()

    # --- showing -------------------------------------------------------------------------
    def set_table(self, table: ThresholdTable) -> None:
        """Show ``table`` (the stored one) and whether it needs updating."""
        self._loaded = table
        self.obligation_start.setText(format_date(table.obligation_start))
        self._show_periods(table.periods)
        self._show_notice(table)

    def _show_periods(self, periods: tuple[ThresholdPeriod, ...]) -> None:
        self.table.setRowCount(0)
        for period in periods:
            self._append(
                (format_date(period.start), format_date(period.end),
                 *(format_number(a, 0) for a in _amounts(period)), period.source)
            )  # fmt: skip
        self.table.resizeRowsToContents()

    def _append(self, texts: tuple[str, ...]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column in AMOUNTS:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == SOURCE:
                item.setToolTip(text)
            self.table.setItem(row, column, item)

    def _show_notice(self, table: ThresholdTable) -> None:
        revision = next_revision(table)
        if revision is None or not needs_update(table, today()):
            self.notice.hide()
            return
        last = max(table.periods, key=lambda p: p.start)
        self.notice.setText(
            f"<b>Seuils à mettre à jour.</b> Les seuils européens sont révisés au "
            f"{format_date(revision)} : ajoutez la période publiée au Journal officiel. "
            f"D'ici là, les seuils de la période du {format_date(last.start)} s'appliquent."
        )
        self.notice.show()

    # --- editing -------------------------------------------------------------------------
    def add_period(self) -> None:
        """A new row after the last period, two years long, with its amounts to type."""
        try:
            periods = self.periods()
        except ThresholdError:
            periods = ()
        if periods:
            last = max(periods, key=lambda p: p.start)
            start = date(last.end.year + 1, 1, 1)
            texts = (format_date(start), format_date(date(start.year + 1, 12, 31)))
        else:
            texts = ("", "")
        self._append((*texts, "", "", "", "", ""))
        self.table.setCurrentCell(self.table.rowCount() - 1, AMOUNTS[0])

    def remove_period(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def restore_shipped(self) -> None:
        self._show_periods(SHIPPED_PERIODS)

    # --- reading -------------------------------------------------------------------------
    def periods(self) -> tuple[ThresholdPeriod, ...]:
        """The periods as typed (raises :class:`ThresholdError` naming the row and column)."""
        return tuple(self._period(row) for row in range(self.table.rowCount()))

    def _period(self, row: int) -> ThresholdPeriod:
        works, central, local, utilities = (self._amount(row, c) for c in AMOUNTS)
        return ThresholdPeriod(
            self._date(row, DATES[0]), self._date(row, DATES[1]), works, central, local,
            utilities, self._text(row, SOURCE),
        )  # fmt: skip

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _where(self, row: int, column: int) -> str:
        return f"Seuils, période {row + 1}, colonne « {COLUMNS[column]} »"

    def _date(self, row: int, column: int) -> date:
        try:
            value = parse_date(self._text(row, column))
        except ValueError:
            value = None
        if value is None:
            raise ThresholdError(f"{self._where(row, column)} : date attendue (JJ/MM/AAAA).")
        return value

    def _amount(self, row: int, column: int) -> Decimal:
        try:
            value = parse_decimal(self._text(row, column))
        except ValueError:
            value = None
        if value is None:
            raise ThresholdError(f"{self._where(row, column)} : montant attendu en euros HT.")
        return value

    def form_table(self) -> ThresholdTable:
        """The table as typed (raises :class:`ThresholdError` on what cannot be read)."""
        try:
            start = parse_date(self.obligation_start.text())
        except ValueError:
            start = None
        if start is None:
            raise ThresholdError("Date de début de l'obligation attendue (JJ/MM/AAAA).")
        return ThresholdTable(self.periods(), start)

    def has_changes(self) -> bool:
        try:
            return self.form_table() != self._loaded
        except ThresholdError:
            return True


def _amounts(period: ThresholdPeriod) -> tuple[Decimal, ...]:
    return (period.works, period.central_supplies, period.local_supplies,
            period.utilities_defence)  # fmt: skip
