"""The column-mapping step of a spreadsheet import: one choice of file column per field the
import reads (required ones marked ``*``), prefilled with the guess, and named profiles saved
in the database so that next month's statement maps in one click."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange.sheets import (
    FIELDS,
    REQUIRED,
    list_profiles,
    load_profile,
    save_profile,
)
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.common import show_status, status_label
from clauses_app.ui.widgets.dialogs import confirm

NOT_USED = "— non utilisée —"
COLUMNS = 2


class MappingEditor(QWidget):
    """Field → file column, for one kind of import and one file's headers."""

    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = ""
        self.headers: list[str] = []
        self.combos: dict[str, QComboBox] = {}
        # The codes chosen for values not understood, saved with the profile.
        self.values_provider: Callable[[], dict[str, dict[str, str]]] = dict
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.where = QLabel("")
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(self.scroll_area, 1)
        self.missing = QLabel("")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.missing)
        layout.addWidget(self._profile_box())

    def _profile_box(self) -> QGroupBox:
        box = QGroupBox("Profils de correspondance (réutilisables le mois suivant)")
        grid = QGridLayout(box)
        self.profiles = QComboBox()
        self.profiles.setMinimumWidth(240)
        self.load_button = QPushButton("Charger le profil")
        self.load_button.clicked.connect(self.load_selected_profile)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("ex. Relevé Bâti Ouest")
        self.save_button = QPushButton("Enregistrer comme profil")
        self.save_button.clicked.connect(self.save_current_profile)
        self.profile_status = status_label()
        grid.addWidget(QLabel("Profil enregistré :"), 0, 0)
        grid.addWidget(self.profiles, 0, 1)
        grid.addWidget(self.load_button, 0, 2)
        grid.addWidget(QLabel("Nom du profil :"), 1, 0)
        grid.addWidget(self.profile_name, 1, 1)
        grid.addWidget(self.save_button, 1, 2)
        grid.addWidget(self.profile_status, 2, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        return box

    # --- content ---------------------------------------------------------------------------
    def set_table(
        self,
        kind: str,
        headers: list[str],
        mapping: dict[str, str],
        where: str,
    ) -> None:
        """Show one combo per field of ``kind`` offering the file's ``headers``."""
        self.kind = kind
        self.headers = [h for h in dict.fromkeys(headers) if h]
        self.where.setText(where)
        required = set(REQUIRED[kind])
        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(14)
        self.combos = {}
        per_column = -(-len(FIELDS[kind]) // COLUMNS)
        for position, field in enumerate(FIELDS[kind]):
            column, row = divmod(position, per_column)
            star = " *" if field.name in required else ""
            label = QLabel(f"{field.label}{star} :")
            if star:
                label.setStyleSheet("font-weight: 600;")
            combo = QComboBox()
            combo.setObjectName(f"mapping_{field.name}")
            combo.addItem(NOT_USED, "")
            for header in self.headers:
                combo.addItem(header, header)
            combo.currentIndexChanged.connect(self._on_changed)
            label.setBuddy(combo)
            grid.addWidget(label, row, column * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(combo, row, column * 2 + 1)
            self.combos[field.name] = combo
        for column in range(COLUMNS):
            grid.setColumnStretch(column * 2 + 1, 1)
        grid.setRowStretch(per_column, 1)
        self.scroll_area.setWidget(body)
        self.set_mapping(mapping)
        self.refresh_profiles()

    def set_mapping(self, mapping: dict[str, str]) -> list[str]:
        """Select each field's column; returns the fields whose column the file lacks."""
        absent = []
        for name, combo in self.combos.items():
            header = mapping.get(name, "")
            position = combo.findData(header) if header else 0
            if position < 0:
                absent.append(name)
                position = 0
            combo.blockSignals(True)
            combo.setCurrentIndex(position)
            combo.blockSignals(False)
        self._on_changed()
        return absent

    def mapping(self) -> dict[str, str]:
        """``{field: header}`` of the fields given a column, in the kind's field order."""
        result = {}
        for name, combo in self.combos.items():
            header = combo.currentData()
            if header:
                result[name] = str(header)
        return result

    def select(self, field_name: str, header: str) -> None:
        """Choose ``header`` for ``field_name`` (as the user does with the combo)."""
        combo = self.combos[field_name]
        combo.setCurrentIndex(max(combo.findData(header), 0))

    def missing_required(self) -> list[str]:
        labels = {f.name: f.label for f in FIELDS[self.kind]}
        chosen = self.mapping()
        return [labels[n] for n in REQUIRED[self.kind] if n not in chosen]

    def _on_changed(self, *_args: object) -> None:
        missing = self.missing_required() if self.kind else []
        self.missing.setText(
            "Colonnes obligatoires à choisir : " + ", ".join(missing) + "." if missing else ""
        )
        self.missing.setVisible(bool(missing))
        self.changed.emit()

    # --- profiles --------------------------------------------------------------------------
    def refresh_profiles(self, selected: str | None = None) -> None:
        with self.context.database.session() as session:
            names = list_profiles(session, self.kind)
        self.profiles.clear()
        self.profiles.addItems(names)
        if selected in names:
            self.profiles.setCurrentText(selected)
        self.profiles.setEnabled(bool(names))
        self.load_button.setEnabled(bool(names))

    def load_selected_profile(self) -> bool:
        name = self.profiles.currentText()
        if not name:
            return False
        with self.context.database.session() as session:
            mapping = load_profile(session, self.kind, name)
        if mapping is None:
            show_status(self.profile_status, f"Profil « {name} » introuvable.", error=True)
            return False
        absent = self.set_mapping(mapping)
        self.profile_name.setText(name)
        if absent:
            labels = {f.name: f.label for f in FIELDS[self.kind]}
            missing = ", ".join(f"{labels[n]} (« {mapping[n]} »)" for n in absent)
            show_status(
                self.profile_status,
                f"Profil « {name} » chargé, mais ces colonnes manquent dans le fichier : "
                f"{missing}.",
                error=True,
            )
        else:
            show_status(self.profile_status, f"Profil « {name} » chargé.", success=True)
        return True

    def save_current_profile(self) -> bool:
        name = self.profile_name.text().strip()
        if not name:
            show_status(self.profile_status, "Donnez un nom au profil.", error=True)
            return False
        if name in self._profile_names() and not confirm(
            self, "Profil existant", f"Remplacer le profil « {name} » ?", "Remplacer"
        ):
            return False
        try:
            with self.context.database.transaction() as session:
                save_profile(session, self.kind, name, self.mapping(), self.values_provider())
        except ValueError as exc:
            show_status(self.profile_status, str(exc), error=True)
            return False
        self.refresh_profiles(selected=name)
        show_status(self.profile_status, f"Profil « {name} » enregistré.", success=True)
        return True

    def _profile_names(self) -> list[str]:
        return [self.profiles.itemText(i) for i in range(self.profiles.count())]
