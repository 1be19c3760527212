"""« Fichier ▸ Se connecter à la base d'équipe… »: the recent connections, and the server,
port, base, user, password and TLS mode of a new one.

Thin: the checks, the French refusals, the credential store and the recent connections are
the core's (storage/team_connection.py, services/databases.connect_team_database); the
dialog asks, shows the refusal under the fields (the dialog stays open) and hands the opened
database to the window (ui/database_menu.py switches to it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clauses_app.services.databases import TeamOpening, connect_team_database
from clauses_app.storage import DatabaseError
from clauses_app.storage import team_connection as tc
from clauses_app.storage.team_connection import TeamConnection
from clauses_app.ui.widgets.files import FileKind, ask_open_path

if TYPE_CHECKING:
    from clauses_app.ui.tasks import Task

SSL_MODE_LABELS = {
    "verify-full": "verify-full — chiffrée, serveur et nom vérifiés (recommandé)",
    "verify-ca": "verify-ca — chiffrée, autorité du serveur vérifiée",
    "require": "require — chiffrée, serveur non vérifié",
    "prefer": "prefer — chiffrée si le serveur le permet",
    "disable": "disable — non chiffrée (à éviter)",
}
CERTIFICATE_FILTER = "Certificats (*.crt *.pem *.cer);;Tous les fichiers (*)"
ERROR_STYLE = "color: #b03a2e;"


class TeamConnectDialog(QDialog):
    """Connect to a team database; emits :attr:`opened` with the open database."""

    opened = Signal(object)  # services.databases.TeamOpening

    def __init__(
        self, parent: QWidget | None = None, chosen: TeamConnection | None = None,
        message: str = "",
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("teamConnectDialog")
        self.setWindowTitle("Se connecter à la base d'équipe")
        self.opening: TeamOpening | None = None
        layout = QHBoxLayout(self)
        layout.addLayout(self._recent_column())
        layout.addLayout(self._form_column(), 1)
        self.resize(860, 480)
        saved = tc.saved_connections()
        if chosen is not None or saved:
            self.show_connection(chosen or saved[0])
        self.error_label.setText(message)

    # --- layout ------------------------------------------------------------------------------
    def _recent_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(QLabel("<b>Connexions récentes</b>"))
        self.recent = QListWidget()
        self.recent.setObjectName("recentConnections")
        self.recent.setFixedWidth(270)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.recent.setSpacing(3)
        self._fill_recent()
        self.recent.currentItemChanged.connect(self._on_recent_chosen)
        self.recent.itemDoubleClicked.connect(lambda _item: self.connect_now())
        column.addWidget(self.recent, 1)
        self.forget_button = QPushButton("Oublier cette connexion")
        self.forget_button.setToolTip(
            "Retire la connexion de la liste et son mot de passe du gestionnaire d'identifiants"
        )
        self.forget_button.clicked.connect(self.forget_chosen)
        column.addWidget(self.forget_button)
        return column

    def _fill_recent(self) -> None:
        self.recent.clear()
        for connection in tc.saved_connections():
            item = QListWidgetItem(
                f"{connection.name}\n{connection.user}@{connection.host}\n"
                f"base {connection.database}"
            )
            item.setData(Qt.ItemDataRole.UserRole, connection)
            item.setToolTip(f"{connection.address} — TLS : {connection.sslmode}")
            self.recent.addItem(item)
        if not self.recent.count():
            empty = QListWidgetItem("Aucune connexion récente")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(empty)

    def forget_chosen(self) -> None:
        """« Oublier cette connexion »: the chosen recent connection and its stored password."""
        item = self.recent.currentItem()
        connection = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(connection, TeamConnection):
            tc.forget(connection.name)
            self._fill_recent()
            self.password.setPlaceholderText("")

    def _form_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        intro = QLabel(
            "La base partagée du territoire, sur le serveur PostgreSQL de la coordination. "
            "L'administrateur du serveur vous donne son nom, la base, votre nom de connexion "
            "et, pour une connexion vérifiée, le fichier de l'autorité de certification."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("ex. Territoire de Nantes (sinon le nom de la base)")
        self.host = QLineEdit()
        self.host.setPlaceholderText("ex. clauses.territoire.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(tc.DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setPlaceholderText("ex. clauses_nantes")
        self.user = QLineEdit()
        self.user.setPlaceholderText("votre nom de connexion, ex. marie")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_password = QCheckBox(
            "Mémoriser le mot de passe dans le gestionnaire d'identifiants du système"
        )
        self.keep_password.setChecked(True)
        self.sslmode = QComboBox()
        for mode in ("verify-full", "verify-ca", "require", "prefer", "disable"):
            self.sslmode.addItem(SSL_MODE_LABELS[mode], mode)
        self.sslmode.currentIndexChanged.connect(self._on_sslmode)
        self.sslrootcert = QLineEdit()
        self.sslrootcert.setPlaceholderText("fichier .crt de l'autorité (verify-ca, verify-full)")
        self.browse = QPushButton("Parcourir…")
        self.browse.clicked.connect(self._choose_certificate)
        certificate = QHBoxLayout()
        certificate.addWidget(self.sslrootcert, 1)
        certificate.addWidget(self.browse)
        form.addRow("Nom de la connexion :", self.name)
        form.addRow("Serveur :", self.host)
        form.addRow("Port :", self.port)
        form.addRow("Base :", self.database)
        form.addRow("Utilisateur :", self.user)
        form.addRow("Mot de passe :", self.password)
        form.addRow("", self.keep_password)
        form.addRow("Chiffrement (TLS) :", self.sslmode)
        form.addRow("Autorité de certification :", certificate)
        column.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("teamConnectError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        column.addWidget(self.error_label, 1)
        buttons = QDialogButtonBox()
        self.connect_button = buttons.addButton(
            "Se connecter", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.connect_now)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        column.addWidget(buttons)
        self._on_sslmode()
        return column

    # --- values ------------------------------------------------------------------------------
    def show_connection(self, connection: TeamConnection) -> None:
        """Fill the fields with a saved connection (its password stays in the store)."""
        self.name.setText(connection.name)
        self.host.setText(connection.host)
        self.port.setValue(connection.port)
        self.database.setText(connection.database)
        self.user.setText(connection.user)
        self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(connection.sslmode)))
        self.sslrootcert.setText(connection.sslrootcert)
        self.password.clear()
        stored = tc.read_password(connection) is not None
        self.password.setPlaceholderText("mémorisé sur ce poste" if stored else "")

    def connection(self) -> TeamConnection:
        return TeamConnection(
            name=self.name.text(), host=self.host.text(), database=self.database.text(),
            user=self.user.text(), port=self.port.value(),
            sslmode=str(self.sslmode.currentData()), sslrootcert=self.sslrootcert.text(),
        )  # fmt: skip

    def _on_recent_chosen(self, item: QListWidgetItem | None) -> None:
        connection = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(connection, TeamConnection):
            self.show_connection(connection)
            self.error_label.clear()

    def _on_sslmode(self) -> None:
        verifying = self.sslmode.currentData() in tc.VERIFYING_MODES
        self.sslrootcert.setEnabled(verifying)
        self.browse.setEnabled(verifying)

    def _choose_certificate(self) -> None:
        path = ask_open_path(
            self, FileKind.CERTIFICATE, "Autorité de certification du serveur",
            CERTIFICATE_FILTER,
        )  # fmt: skip
        if path is not None:
            self.sslrootcert.setText(str(path))

    # --- connecting --------------------------------------------------------------------------
    def connect_now(self) -> Task | None:
        """Check and open the database on a worker thread (the server may take seconds to
        answer); a refusal is shown under the fields and the dialog stays open."""
        from clauses_app.ui.tasks import run_job

        self.error_label.clear()
        try:
            connection = self.connection().checked()
        except DatabaseError as exc:
            self.error_label.setText(str(exc))
            return None
        password = self.password.text() or None
        keep = self.keep_password.isChecked()

        def job(_progress: object) -> TeamOpening:
            typed = password or tc.read_password(connection)
            return connect_team_database(connection, typed, keep_password=keep)

        self.connect_button.setEnabled(False)
        return run_job(
            self, "Connexion à la base d'équipe", job, on_done=self._opened,
            on_error=self._refused, can_cancel=False,
        )  # fmt: skip

    def _opened(self, opening: TeamOpening) -> None:
        self.connect_button.setEnabled(True)
        self.opening = opening
        self.accept()
        self.opened.emit(opening)

    def _refused(self, exc: BaseException) -> None:
        self.connect_button.setEnabled(True)
        if not isinstance(exc, DatabaseError):
            from clauses_app.ui.errors import show_error

            show_error(self, exc)
            return
        self.error_label.setText(str(exc))
