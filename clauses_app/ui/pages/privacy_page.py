"""« Données personnelles »: the facilitator's RGPD duties in the window (docs/privacy.md).

One person: find them, see where their record stands (last activity, kept until, hold,
archive), hand them their data (right of access, PDF or DOCX), prolong or lift a retention
hold, archive or reactivate, anonymise at once on a founded request. The purge assistant:
preview who will be erased and why on a reference date, then erase (services/erasure.py:
backup first, backups rewritten after). Writing and erasing run in the background
(ui/tasks.py); the page only lays out widgets and calls the services.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
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

from clauses_app.formatting import format_date, plural
from clauses_app.services import erasure, privacy
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.tasks import Task, data_bus, notify_data_changed, run_task
from clauses_app.ui.widgets.dialogs import confirm
from clauses_app.ui.widgets.files import FileKind, WrittenFileLinks, ask_save_path

PURGE_COLUMNS = ("Participant", "Dernière activité", "État", "Pourquoi")
ACCESS_FILTERS = {"pdf": "Document PDF (*.pdf)", "docx": "Document Word (*.docx)"}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


class PrivacyPage(QWidget):
    """The personal-data page."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.task: Task | None = None
        self.preview: privacy.PurgeResult | None = None
        self.last_result: Any = None
        self._build()
        data_bus().data_changed.connect(self._on_data_changed)
        self.find_people()

    # --- what tests replace ----------------------------------------------------------------

    def ask_save_path(self, title: str, suggested: str, fmt: str) -> Path | None:
        return ask_save_path(self, FileKind.DOCUMENT, title, ACCESS_FILTERS[fmt], suggested)

    def confirm(self, title: str, text: str) -> bool:
        return confirm(self, title, text)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel("Données personnelles")
        heading.setStyleSheet("font-size: 17pt; font-weight: 600;")
        layout.addWidget(heading)
        self.retention_label = QLabel()
        self.retention_label.setWordWrap(True)
        layout.addWidget(self.retention_label)
        columns = QHBoxLayout()
        columns.addWidget(self._person_box(), 1)
        columns.addWidget(self._purge_box(), 1)
        layout.addLayout(columns, 1)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.written = WrittenFileLinks()
        layout.addWidget(self.written)

    def _person_box(self) -> QGroupBox:
        box = QGroupBox("Une personne : droit d'accès, conservation, archivage")
        layout = QVBoxLayout(box)
        search = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Nom, prénom ou identifiant externe")
        self.search_edit.returnPressed.connect(self.find_people)
        search_button = QPushButton("Rechercher")
        search_button.clicked.connect(self.find_people)
        search.addWidget(self.search_edit, 1)
        search.addWidget(search_button)
        layout.addLayout(search)
        self.person_combo = QComboBox()
        self.person_combo.currentIndexChanged.connect(self.show_person)
        layout.addWidget(self.person_combo)
        self.person_state = QLabel()
        self.person_state.setWordWrap(True)
        layout.addWidget(self.person_state)

        access = QHBoxLayout()
        access.addWidget(QLabel("Droit d'accès :"))
        self.access_pdf = QPushButton("Document PDF…")
        self.access_pdf.clicked.connect(lambda: self.write_access("pdf"))
        self.access_docx = QPushButton("Document DOCX…")
        self.access_docx.clicked.connect(lambda: self.write_access("docx"))
        access.addWidget(self.access_pdf)
        access.addWidget(self.access_docx)
        access.addStretch(1)
        layout.addLayout(access)

        hold = QGroupBox("Conservation prolongée (contrôle FSE…)")
        form = QFormLayout(hold)
        self.hold_until = date_edit(date(date.today().year + 5, 12, 31))
        self.hold_reason = QLineEdit()
        self.hold_reason.setMaxLength(200)
        self.hold_reason.setPlaceholderText("ex. : contrôle FSE 2021-2027")
        form.addRow("Conserver jusqu'au", self.hold_until)
        form.addRow("Motif", self.hold_reason)
        hold_buttons = QHBoxLayout()
        self.hold_button = QPushButton("Prolonger")
        self.hold_button.clicked.connect(self.set_hold)
        self.unhold_button = QPushButton("Lever la prolongation")
        self.unhold_button.clicked.connect(self.lift_hold)
        hold_buttons.addWidget(self.hold_button)
        hold_buttons.addWidget(self.unhold_button)
        hold_buttons.addStretch(1)
        form.addRow(hold_buttons)
        layout.addWidget(hold)

        actions = QHBoxLayout()
        self.archive_button = QPushButton("Archiver")
        self.archive_button.clicked.connect(self.toggle_archive)
        self.anonymize_button = QPushButton("Anonymiser maintenant…")
        self.anonymize_button.clicked.connect(self.anonymize_person)
        actions.addWidget(self.archive_button)
        actions.addWidget(self.anonymize_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addStretch(1)
        return box

    def _purge_box(self) -> QGroupBox:
        box = QGroupBox("Purge des dossiers dont la durée de conservation est dépassée")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Date de référence"))
        self.purge_date = date_edit(date.today())
        row.addWidget(self.purge_date)
        self.preview_button = QPushButton("Voir qui serait anonymisé")
        self.preview_button.clicked.connect(self.preview_purge)
        row.addWidget(self.preview_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.purge_table = QTableWidget(0, len(PURGE_COLUMNS))
        self.purge_table.setHorizontalHeaderLabels(PURGE_COLUMNS)
        self.purge_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.purge_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.purge_table.verticalHeader().hide()
        header = self.purge_table.horizontalHeader()
        for column in range(len(PURGE_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(PURGE_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.purge_table, 1)
        self.purge_summary = QLabel("Choisissez une date puis affichez l'aperçu.")
        self.purge_summary.setWordWrap(True)
        layout.addWidget(self.purge_summary)
        self.purge_button = QPushButton("Anonymiser ces dossiers…")
        self.purge_button.setEnabled(False)
        self.purge_button.clicked.connect(self.run_purge)
        layout.addWidget(self.purge_button)
        self.log_label = QLabel()
        self.log_label.setWordWrap(True)
        self.log_label.setStyleSheet("color: #555;")
        layout.addWidget(self.log_label)
        return box

    # --- reading ---------------------------------------------------------------------------

    @property
    def database(self) -> Database:
        return self.context.database

    def selected_person(self) -> uuid.UUID | None:
        value = self.person_combo.currentData()  # the uuid as text: findData compares it
        return uuid.UUID(value) if isinstance(value, str) and value else None

    def refresh(self) -> None:
        with self.database.session() as session:
            settings = load_settings(session)
            log = privacy.purge_log(session)
        self.retention_label.setText(
            f"Les dossiers sont conservés {plural(settings.retention_years, 'an', 'ans')} après "
            "la dernière "
            f"activité, puis anonymisés ; {settings.backup_keep} sauvegardes au plus sont "
            "gardées, aucune plus ancienne que cette durée (réglages dans Paramètres)."
        )
        if log:
            last = log[-1]
            self.log_label.setText(
                f"Journal des purges : {len(log)} purge(s) ; la dernière le "
                f"{format_date(date.fromisoformat(last['run_at'][:10]))}, "
                f"{last['purged']} dossier(s) anonymisé(s)."
            )
        else:
            self.log_label.setText("Journal des purges : aucune purge enregistrée.")
        self.show_person()

    def find_people(self) -> None:
        with self.database.session() as session:
            people = privacy.find_people(session, self.search_edit.text())
        self.person_combo.blockSignals(True)
        self.person_combo.clear()
        for person in people:
            self.person_combo.addItem(person.label, str(person.uuid))
        self.person_combo.blockSignals(False)
        if not people:
            self.person_combo.addItem("Aucun participant trouvé", None)
        self.refresh()

    def show_person(self) -> None:
        person = self.selected_person()
        for button in (self.access_pdf, self.access_docx, self.hold_button,
                       self.unhold_button, self.archive_button, self.anonymize_button):  # fmt: skip
            button.setEnabled(person is not None)
        if person is None:
            self.person_state.setText("")
            return
        with self.database.session() as session:
            try:
                state = privacy.person_status(session, person)
            except privacy.UnknownParticipantError:
                self.find_people()
                return
        lines = [
            f"Dernière activité : {format_date(state.last_activity)} ; conservé jusqu'au "
            f"{format_date(state.kept_until)} inclus."
        ]
        if state.hold_until:
            reason = f" ({state.hold_reason})" if state.hold_reason else ""
            lines.append(
                f"Conservation prolongée jusqu'au {format_date(state.hold_until)}{reason}."
            )
        if state.anonymised:
            lines.append("Dossier anonymisé.")
        elif state.archived:
            lines.append("Dossier archivé (hors des listes de travail et des alertes).")
        self.person_state.setText("\n".join(lines))
        self.archive_button.setText("Réactiver" if state.archived else "Archiver")
        self.anonymize_button.setEnabled(not state.anonymised)
        self.unhold_button.setEnabled(state.hold_until is not None)

    def _on_data_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    # --- one person ------------------------------------------------------------------------

    def write_access(self, fmt: str) -> Task | None:
        """Ask where, then write the person's data as a French document in the background."""
        person = self.selected_person()
        if person is None:
            return None
        from clauses_app.reports import access

        with self.database.session() as session:
            data = privacy.person_export(session, person)
        path = self.ask_save_path(
            "Enregistrer le droit d'accès", access.suggested_file_name(data, fmt), fmt
        )
        if path is None:
            return None
        return self._start(
            "Droit d'accès",
            lambda db, progress: access.write_access_file(db, person, fmt, path, progress),
            lambda written: self._say(
                f"Données de la personne enregistrées : {written} (fichier confidentiel).",
                written=Path(written),
            ),
        )

    def set_hold(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        until = pydate(self.hold_until.date())
        try:
            with self.database.transaction() as session:
                privacy.set_retention_hold(session, person, until, self.hold_reason.text().strip())
        except privacy.RetentionHoldError as refused:  # a past date, no reason
            self._say(str(refused), error=True)
            return
        self._say(f"Dossier conservé jusqu'au {format_date(until)} inclus.")
        notify_data_changed()

    def lift_hold(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        with self.database.transaction() as session:
            privacy.set_retention_hold(session, person, None)
        self._say("Conservation prolongée levée.")
        notify_data_changed()

    def toggle_archive(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        with self.database.transaction() as session:
            archived = privacy.person_status(session, person).archived
            privacy.archive(session, person, archived=not archived)
        self._say("Dossier réactivé." if archived else "Dossier archivé.")
        notify_data_changed()

    def anonymize_person(self) -> Task | None:
        person = self.selected_person()
        if person is None:
            return None
        name = self.person_combo.currentText()
        if not self.confirm(
            "Anonymiser ce dossier",
            f"Anonymiser maintenant le dossier de {name} ?\n\nSon nom, son adresse, ses notes "
            "et les justificatifs seront effacés de la base et de ses sauvegardes ; les "
            "heures et les contrats restent pour les bilans. C'est définitif.",
        ):
            return None
        today = date.today()
        return self._start(
            "Anonymisation",
            lambda db, progress: erasure.anonymize_in_database(db, person, today),
            lambda outcome: self._erased(outcome, 1),
            changes_data=True,
        )

    # --- the purge assistant ---------------------------------------------------------------

    def preview_purge(self) -> None:
        today = pydate(self.purge_date.date())
        with self.database.session() as session:
            settings = load_settings(session)
            result = privacy.preview_purge(session, today, settings)
            names = privacy.expired_names(session, result.expired)
        self.preview = result
        todo = [e for e in result.expired if not e.anonymised]
        self.purge_table.setRowCount(len(todo))
        why = f"plus de {plural(settings.retention_years, 'an', 'ans')} sans activité"
        for row, expired in enumerate(todo):
            values = (
                names.get(expired.uuid, str(expired.uuid)),
                format_date(expired.last_activity),
                "archivé" if expired.archived else "actif",
                why,
            )
            for column, value in enumerate(values):
                self.purge_table.setItem(row, column, QTableWidgetItem(value))
        already = sum(1 for e in result.expired if e.anonymised)
        self.purge_summary.setText(
            f"À anonymiser au {format_date(today)} : {len(todo)} dossier(s), sans activité "
            f"depuis avant le {format_date(result.cutoff)} ; déjà anonymisés : {already} ; "
            f"conservés au-delà par une prolongation : {result.held}."
        )
        self.purge_button.setEnabled(bool(todo))
        self.purge_button.setText(f"Anonymiser ces {len(todo)} dossier(s)…")

    def run_purge(self) -> Task | None:
        if self.preview is None:
            return None
        today = self.preview.today
        count = sum(1 for e in self.preview.expired if not e.anonymised)
        if not count or not self.confirm(
            "Purge des données personnelles",
            f"Anonymiser {count} dossier(s) ?\n\nUne sauvegarde est faite d'abord ; les noms, "
            "adresses, notes et justificatifs sont ensuite effacés de la base et de toutes "
            "ses sauvegardes. Les heures et les contrats restent pour les bilans.",
        ):
            return None
        self.purge_button.setEnabled(False)
        return self._start(
            "Purge des données personnelles",
            lambda db, progress: erasure.purge_database(db, today, progress),
            lambda outcome: self._erased(outcome, None),
            changes_data=True,
        )

    def _erased(self, outcome: erasure.ErasureOutcome, _expected: int | None) -> None:
        text = f"Dossier(s) anonymisé(s) : {len(outcome.erased)}."
        if outcome.backups_rewritten or outcome.backups_deleted:
            text += (
                f" Sauvegardes réécrites sans ces personnes : {outcome.backups_rewritten} ;"
                f" supprimées : {outcome.backups_deleted}."
            )
        if not outcome.compacted:
            text += (
                " La base est utilisée par un autre programme : elle sera compactée à la "
                "prochaine ouverture (l'anonymisation est bien enregistrée)."
            )
        self._say(text)
        if self.preview is not None:
            self.preview_purge()

    # --- background work and status --------------------------------------------------------

    def _start(self, title: str, function: Any, on_done: Any, **options: Any) -> Task:
        options.setdefault("changes_data", False)

        def done(result: Any) -> None:
            self.last_result = result
            self.task = None
            on_done(result)

        def failed(error: BaseException) -> None:
            self.task = None
            self._say(f"Échec : {error}", error=True)

        def cancelled() -> None:
            self.task = None
            self._say(f"{title} : annulé, rien n'a été modifié.")

        self._say(f"{title} en cours…")
        self.task = run_task(
            self, title, self.database, function,
            on_done=done, on_error=failed, on_cancel=cancelled, **options,
        )  # fmt: skip
        return self.task

    def _say(self, text: str, error: bool = False, written: Path | None = None) -> None:
        self.status_label.setStyleSheet("color: #b03a2e;" if error else "")
        self.status_label.setText(text)
        self.written.show_for(written)
