"""The start page of a database without records: three ways in.

« Importer mon tableau de suivi » opens the spreadsheet import, « Découvrir avec des données
de démonstration » switches the window to a throw-away demonstration database, « Commencer :
mon organisation » asks for the structure and the facilitator's contact. The page only lays
out and signals; the main window does the work (ui/database_menu.py). It gives way to the
dashboard as soon as the database holds a record.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QVBoxLayout, QWidget

from clauses_app.services.databases import FirstRun
from clauses_app.ui.context import AppContext

TITLE = "Bienvenue dans Clauses"
INTRO = (
    "Cette base ne contient encore aucun donneur d'ordre, aucune entreprise ni aucun "
    "participant. Choisissez par où commencer :"
)
WAYS = (
    (
        "import",
        "Importer mon tableau de suivi",
        "Reprenez votre tableau Excel ou CSV : Clauses propose la correspondance des "
        "colonnes, montre un aperçu, puis importe tout ou rien.",
    ),
    (
        "demo",
        "Découvrir avec des données de démonstration",
        "Une base jetable, remplie d'un territoire fictif, pour essayer sans risque. Votre "
        "base n'est pas modifiée ; la barre de titre indique « DÉMONSTRATION ».",
    ),
    (
        "organisation",
        "Commencer : mon organisation",
        "Le nom et l'adresse de votre structure, puis vos coordonnées de facilitateur : ils "
        "figurent sur les clauses rédigées et les bilans.",
    ),
)


class WelcomePage(QWidget):
    """Three ways into an empty database; the window connects the signals."""

    import_requested = Signal()
    demo_requested = Signal()
    organisation_requested = Signal()

    def __init__(self, context: AppContext, state: FirstRun, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        heading = QLabel(TITLE)
        heading.setStyleSheet("font-size: 17pt; font-weight: 600;")
        layout.addWidget(heading)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet("font-size: 11pt; color: #333;")
        layout.addWidget(intro)
        layout.addSpacing(12)
        signals = {
            "import": self.import_requested,
            "demo": self.demo_requested,
            "organisation": self.organisation_requested,
        }
        self.buttons: dict[str, QCommandLinkButton] = {}
        for key, title, description in WAYS:
            button = QCommandLinkButton(title, description)
            button.setObjectName(f"welcome_{key}")
            button.setMaximumWidth(760)
            button.clicked.connect(signals[key].emit)
            layout.addWidget(button)
            self.buttons[key] = button
        layout.addSpacing(12)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.state_label)
        hint = QLabel(
            "Le guide d'utilisation (menu Aide, touche F1) explique chaque étape ; le menu "
            "Fichier ouvre une autre base ou en crée une nouvelle."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        layout.addStretch(1)
        self.show_state(state)

    def show_state(self, state: FirstRun) -> None:
        """Say what is done already (the organisation), so the user sees the next step."""
        if state.organisation_named:
            name = self.context.settings().organisation.name
            self.state_label.setText(
                f"✓ Organisation enregistrée : {name}. Étape suivante : importez votre "
                "tableau de suivi, ou saisissez un premier donneur d'ordre (page « Donneurs "
                "d'ordre »)."
            )
        else:
            self.state_label.setText("")
