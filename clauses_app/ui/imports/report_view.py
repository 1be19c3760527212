"""The preview (or result) of an import, as both import dialogs show it: a summary line and
tabs for counts per entity, errors, warnings, conflicts and uncertain participant matches."""

from __future__ import annotations

import uuid

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange import ImportReport
from clauses_app.formatting import format_number
from clauses_app.ui.imports.report_models import (
    CONFLICT_HEADERS,
    COUNT_HEADERS,
    ISSUE_HEADERS,
    MATCH_HEADERS,
    ReportTableModel,
    conflict_rows,
    counts_rows,
    issue_rows,
    match_rows,
    summary_text,
)

ERROR_STYLE = "color: #b3261e;"
MAX_COLUMN_WIDTH = 260
NUMBER_COLUMN_WIDTH = 110
# Up to this many issues, each row is sized to show its whole message.
FULL_TEXT_ROWS = 500


def report_table(model: ReportTableModel, stretch_last: bool = True) -> QTableView:
    """A read-only table; with ``stretch_last`` its last column (the message) takes the
    remaining width."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def fit_columns(view: QTableView) -> None:
    """Columns as wide as their content, within reason; numbers get room to compare."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    model = view.model()
    numeric = model.numeric if isinstance(model, ReportTableModel) else frozenset()
    last = header.count() - 1 if header.stretchLastSection() else header.count()
    for section in range(last):
        width = min(header.sectionSize(section) + 10, MAX_COLUMN_WIDTH)
        if section in numeric:
            width = max(width, NUMBER_COLUMN_WIDTH)
        header.resizeSection(section, width)


class ReportView(QWidget):
    """Summary and tables of one :class:`ImportReport`; empty until :meth:`show_report`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        bold = QFont(self.summary.font())
        bold.setBold(True)
        self.summary.setFont(bold)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.counts = ReportTableModel(COUNT_HEADERS, numeric=(1, 2, 3, 4), parent=self)
        self.errors = ReportTableModel(ISSUE_HEADERS, numeric=(2,), parent=self)
        self.warnings = ReportTableModel(ISSUE_HEADERS, numeric=(2,), parent=self)
        self.conflicts = ReportTableModel(CONFLICT_HEADERS, parent=self)
        self.matches = ReportTableModel(MATCH_HEADERS, numeric=(0,), parent=self)
        self.views: dict[str, QTableView] = {}
        for key, model in (
            ("counts", self.counts),
            ("errors", self.errors),
            ("warnings", self.warnings),
            ("conflicts", self.conflicts),
            ("matches", self.matches),
        ):
            view = report_table(model, stretch_last=key != "counts")
            view.setObjectName(f"report_{key}")
            self.views[key] = view
            self.tabs.addTab(view, "")
        self.left_out = QLabel("")
        self.left_out.setStyleSheet(ERROR_STYLE)
        self.left_out.hide()
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.left_out)
        self._set_titles()

    def clear(self, message: str = "") -> None:
        for model in (self.counts, self.errors, self.warnings, self.conflicts, self.matches):
            model.set_rows([])
        self.summary.setText(message)
        self.summary.setStyleSheet("")
        self.left_out.hide()
        self._set_titles()

    def show_report(
        self,
        report: ImportReport,
        done: bool = False,
        labels: dict[uuid.UUID, str] | None = None,
    ) -> None:
        """Fill the tables (``labels`` name the conflicting records); the errors tab comes
        first when there are errors."""
        self.counts.set_rows(counts_rows(report))
        self.errors.set_rows(issue_rows(report.errors))
        self.warnings.set_rows(issue_rows(report.warnings))
        self.conflicts.set_rows(conflict_rows(report.conflicts, labels))
        self.matches.set_rows(match_rows(report.uncertain_matches))
        self.summary.setText(summary_text(report, done))
        refused = done and not report.applied
        self.summary.setStyleSheet(ERROR_STYLE if refused or not report.ok else "")
        self.left_out.setText(
            f"… et {format_number(report.errors_left_out, 0)} autres erreurs non affichées."
        )
        self.left_out.setVisible(report.errors_left_out > 0)
        self._set_titles()
        for view in self.views.values():
            fit_columns(view)
        for key in ("errors", "warnings"):
            # Messages wrap inside their column, rows as tall as their text: read in full.
            view = self.views[key]
            view.setWordWrap(True)
            if view.model().rowCount() <= FULL_TEXT_ROWS:
                view.resizeRowsToContents()
        first = "errors" if report.errors else "counts"
        self.tabs.setCurrentWidget(self.views[first])

    def _set_titles(self) -> None:
        titles = {
            "counts": "Lignes par entité",
            "errors": f"Erreurs ({self._n(self.errors)})",
            "warnings": f"Avertissements ({self._n(self.warnings)})",
            "conflicts": f"Conflits ({self._n(self.conflicts)})",
            "matches": f"Correspondances incertaines ({self._n(self.matches)})",
        }
        for key, title in titles.items():
            self.tabs.setTabText(self.tabs.indexOf(self.views[key]), title)

    @staticmethod
    def _n(model: ReportTableModel) -> str:
        return format_number(model.rowCount(), 0)

    def tab_title(self, key: str) -> str:
        return self.tabs.tabText(self.tabs.indexOf(self.views[key]))
