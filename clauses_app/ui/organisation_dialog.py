"""« Commencer : mon organisation »: the structure's name and address (kept in the
database) and the facilitator's own name, e-mail and phone (kept in the user's profile, so
facilitators sharing a database do not overwrite each other). Both sign the clauses and the
balance reports. The same values are in Paramètres ▸ Organisation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clauses_app.services.profile import (
    FacilitatorProfile,
    ProfileError,
    load_profile,
    save_organisation_identity,
    save_profile,
    signed_organisation,
)
from clauses_app.ui.context import AppContext
from clauses_app.ui.tasks import notify_data_changed

DEFAULT_NAME = "Structure d'accompagnement"  # services.settings.Organisation's default


class OrganisationDialog(QDialog):
    """Organisation (database) and facilitator (user's profile), saved together."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Mon organisation")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        organisation = signed_organisation(context.settings().organisation, load_profile())
        structure = QGroupBox("La structure (enregistrée dans la base)")
        form = QFormLayout(structure)
        self.name = QLineEdit("" if organisation.name == DEFAULT_NAME else organisation.name)
        self.name.setPlaceholderText("ex. PLIE du Pays d'Albi")
        self.name.setMaxLength(200)
        self.address = QPlainTextEdit(organisation.address)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        form.addRow("Nom de la structure :", self.name)
        form.addRow("Adresse :", self.address)
        layout.addWidget(structure)
        person = QGroupBox("Vous (enregistré pour votre session sur cet ordinateur)")
        form = QFormLayout(person)
        self.facilitator_name = QLineEdit(organisation.facilitator_name)
        self.facilitator_email = QLineEdit(organisation.facilitator_email)
        self.facilitator_phone = QLineEdit(organisation.facilitator_phone)
        for edit in (self.facilitator_name, self.facilitator_email, self.facilitator_phone):
            edit.setMaxLength(200)
        form.addRow("Nom et prénom :", self.facilitator_name)
        form.addRow("Courriel :", self.facilitator_email)
        form.addRow("Téléphone :", self.facilitator_phone)
        layout.addWidget(person)
        note = QLabel(
            "Ces informations figurent sur les clauses rédigées et les bilans. Vos coordonnées "
            "ne sont pas écrites dans la base : un collègue qui partage la base garde les "
            "siennes."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.error_label = QLabel()
        self.error_label.setObjectName("organisation_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b03a2e;")
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.name.setFocus()

    def profile(self) -> FacilitatorProfile:
        return FacilitatorProfile(
            self.facilitator_name.text().strip(),
            self.facilitator_email.text().strip(),
            self.facilitator_phone.text().strip(),
        )

    def save(self) -> bool:
        """Check both, then write the profile and the organisation (one transaction)."""
        profile = self.profile()
        problems = profile.problems()
        if not self.name.text().strip():
            problems.insert(0, "Le nom de la structure est obligatoire.")
        if problems:
            self.error_label.setText(" ".join(problems))
            return False
        try:
            save_profile(profile)
            with self.context.database.transaction() as session:
                save_organisation_identity(
                    session, self.name.text(), self.address.toPlainText()
                )
        except ProfileError as exc:
            self.error_label.setText(str(exc))
            return False
        self.context.settings_changed.emit()
        notify_data_changed()
        self.accept()
        return True
