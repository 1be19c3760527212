"""« Préparer les relevés du mois »: one pre-filled workbook per employer, written in the
background (exchange.sheets.statements.prepare_statements through run_task)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange.sheets.statements import PreparedStatements, prepare_statements
from clauses_app.formatting import format_month, format_number, of_month
from clauses_app.services.month_entry import employers_in_month, previous_month
from clauses_app.services.periods import Month
from clauses_app.services.progress import CancelFlag
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.common import TaskDialog, hint_label, show_status, status_label
from clauses_app.ui.pages.month_grid import month_choices
from clauses_app.ui.widgets.files import FileKind, WrittenFileLinks, ask_folder_path

ALL_EMPLOYERS = "Tous les employeurs"


class PrepareStatementsDialog(TaskDialog):
    """Choose a month, an employer (or all) and a folder; write the workbooks."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.prepared: PreparedStatements | None = None
        self.setObjectName("prepare_statements_dialog")
        self.setWindowTitle("Préparer les relevés du mois")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.month_combo = QComboBox()
        today = date.today()
        default = previous_month((today.year, today.month))
        for month in month_choices(today):
            self.month_combo.addItem(format_month(*month).capitalize(), f"{month[0]}-{month[1]}")
        self.month_combo.setCurrentIndex(month_choices(today).index(default))
        self.month_combo.currentIndexChanged.connect(self._fill_employers)
        form.addRow("Mois :", self.month_combo)
        self.employer_combo = QComboBox()
        form.addRow("Employeur :", self.employer_combo)
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("Aucun dossier choisi")
        self.folder_edit.textChanged.connect(self._update_buttons)
        choose = QPushButton("Choisir…")
        choose.clicked.connect(self.choose_folder)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        form.addRow("Dossier :", folder_row)
        layout.addLayout(form)
        layout.addWidget(hint_label(
            "Un classeur Excel par employeur (l'employeur du contrat de travail, sinon "
            "l'entreprise attributaire), listant ses contrats actifs dans le mois sur des marchés "
            "avec clause : nom, prénom, type de contrat, marché, lot et heures du mois précédent. "
            "L'employeur remplit les heures travaillées et de formation puis vous le renvoie ; "
            "importez les classeurs reçus tous ensemble par Fichier › Importer un tableur "
            "(relevé d'heures) : ils sont reconnus sans correspondance de colonnes. Aucun critère "
            "d'éligibilité ni date de naissance n'y figure."
        ))  # fmt: skip
        layout.addStretch(1)
        self.status = status_label()
        layout.addWidget(self.status)
        self.written = WrittenFileLinks()
        layout.addWidget(self.written)
        layout.addWidget(self.progress_row)
        buttons = QDialogButtonBox()
        self.prepare_button = QPushButton("Préparer les classeurs")
        self.prepare_button.setDefault(True)
        self.prepare_button.clicked.connect(self.start)
        buttons.addButton(self.prepare_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_employers()

    def month(self) -> Month:
        year, month = str(self.month_combo.currentData()).split("-")
        return int(year), int(month)

    def employer(self) -> uuid.UUID | None:
        data = self.employer_combo.currentData()
        return uuid.UUID(data) if data else None

    def folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text) if text else None

    def _fill_employers(self, *_args: Any) -> None:
        with self.context.database.session() as session:
            employers = employers_in_month(session, self.month())
        self.employer_combo.clear()
        self.employer_combo.addItem(ALL_EMPLOYERS, "")
        for employer, name, count in employers:
            self.employer_combo.addItem(f"{name} ({format_number(count, 0)})", str(employer))
        self._update_buttons()

    def choose_folder(self) -> None:
        path = ask_folder_path(self, FileKind.SHEET, "Dossier des relevés à envoyer")
        if path is not None:
            self.folder_edit.setText(str(path))

    def _update_buttons(self, *_args: Any) -> None:
        self.prepare_button.setEnabled(not self.busy and self.folder() is not None)

    def start(self) -> None:
        folder = self.folder()
        if folder is None or self.busy:
            return
        month, employer = self.month(), self.employer()

        def work(database: Database, progress: CancelFlag) -> PreparedStatements:
            return prepare_statements(database, month, folder, employer, progress=progress)

        show_status(self.status, "Préparation des classeurs…")
        self.start_task(
            "Préparation des relevés", self.context.database, work, on_done=self._done,
            on_error=self._failed, on_cancel=self._cancelled, changes_data=False,
        )  # fmt: skip
        self._update_buttons()

    def _done(self, result: PreparedStatements) -> None:
        self.prepared = result
        self._update_buttons()
        label = format_month(*result.month)
        if not result.files:
            show_status(self.status, f"Aucun contrat de travail actif en {label} sur un marché "
                                     "avec clause : aucun classeur écrit.", error=True)  # fmt: skip
            return
        show_status(
            self.status,
            f"Relevés {of_month(*result.month)} : "
            f"{format_number(len(result.files), 0)} classeur(s), "
            f"{format_number(result.rows, 0)} ligne(s), dans {result.folder}.",
            success=True,
        )
        self.written.show_for(result.folder)

    def _failed(self, error: BaseException) -> None:
        self._update_buttons()
        show_status(self.status, f"Échec : {error}", error=True)

    def _cancelled(self) -> None:
        self._update_buttons()
        show_status(self.status, "Annulé : les classeurs déjà écrits restent dans le dossier.",
                    error=True)  # fmt: skip


__all__ = ["PrepareStatementsDialog"]
