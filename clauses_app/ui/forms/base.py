"""The form every record is edited in: typed fields, live validation, unsaved-changes guard.

A subclass lists its fields (:meth:`RecordForm.build_fields`); the base lays them out with
required ones marked ``*``, validates as the user types through
``clauses_app.services.records.validate`` and writes each message under its field, refuses
to save an invalid form, and asks before closing with unsaved changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from clauses_app.services import records
from clauses_app.services.records.validation import REQUIRED
from clauses_app.ui.context import AppContext
from clauses_app.ui.tasks import notify_data_changed
from clauses_app.ui.widgets.dialogs import Button, ask_unsaved, warn
from clauses_app.ui.widgets.fields import Field, FieldError

ERROR_STYLE = "color: #b3261e;"
# A form's width when it opens, unless its rows need more (RecordForm.fit_height).
FORM_WIDTH = 700


@dataclass
class FormField:
    name: str
    label: str
    field: Field
    required: bool = False


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


def child_messages(errors: dict[str, str], name: str, noun: str) -> str:
    """The messages of a child list's rows (``criteria.0.validated_on`` → « Critère 1 : … »)
    and of the list itself (``criteria``), one per line."""
    lines = [errors[name]] if name in errors else []
    lines += [
        f"{noun} {int(key.split('.')[1]) + 1} : {message}"
        for key, message in errors.items()
        if key.startswith(f"{name}.")
    ]
    return "\n".join(lines)


def present_history(dialog: QDialog) -> int:
    """Show the history dialog and wait (tests replace this function)."""
    return dialog.exec()


class RecordForm(QDialog):
    """Base of the forms. Subclasses set ``kind``, the titles and :meth:`build_fields`."""

    kind = ""
    title_new = ""
    title_edit = ""
    saved = Signal(object)  # the record's UUID

    def __init__(
        self,
        context: AppContext,
        record_uuid: uuid.UUID | None = None,
        parent: QWidget | None = None,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.record_uuid = record_uuid
        self.setObjectName(f"form_{self.kind}")
        self._touched: set[str] = set()
        self._attempted = False
        self._loading = True
        with context.database.session() as session:
            self.fields = {f.name: f for f in self.build_fields(session)}
            initial = (
                records.load_record(session, self.kind, record_uuid)
                if record_uuid is not None
                else dict(defaults or {})
            )
            self.title_label = self.record_title(session)
        # What was loaded, with the record's version: the save writes what differs from it.
        self.base: dict[str, Any] | None = initial if record_uuid is not None else None
        self._errors: dict[str, QLabel] = {}
        self._rows: dict[str, tuple[QWidget, QWidget]] = {}  # each field's label and cell
        self._build_layout()
        self.load_values(initial)
        self._loading = False
        self._snapshot = self.snapshot()
        self.refresh_errors()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        self.focus_first_field()

    # --- to override -------------------------------------------------------------------
    def build_fields(self, session: Session) -> list[FormField]:
        raise NotImplementedError

    def build_extra(self, layout: QVBoxLayout) -> None:
        """Add widgets below the fields (contacts, criteria, buttons)."""

    def extra_values(self) -> dict[str, Any]:
        """Values of the extra widgets (nested lists), merged into the saved values."""
        return {}

    def load_extra(self, values: dict[str, Any]) -> None:
        """Fill the extra widgets from the loaded values."""

    def show_extra_errors(self, errors: dict[str, str]) -> None:
        """Show the messages of nested fields (``contacts.0.name``…)."""

    def record_title(self, session: Session) -> str:
        if self.record_uuid is None:
            return self.title_new
        label = records.label_of(session, self.kind, self.record_uuid)
        return f"{self.title_edit} — {label}" if label else self.title_edit

    # --- layout --------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.setWindowTitle(self.title_label)
        outer = QVBoxLayout(self)
        heading = QLabel(self.title_label)
        heading.setObjectName("formHeading")
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        heading.setWordWrap(True)
        outer.addWidget(heading)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for item in self.fields.values():
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(item.field.widget)
            self._errors[item.name] = error_label()
            cell_layout.addWidget(self._errors[item.name])
            label = QLabel(f"{item.label} *" if item.required else item.label)
            label.setBuddy(item.field.input_widget())
            form.addRow(label, cell)
            self._rows[item.name] = (label, cell)
            item.field.changed.connect(lambda name=item.name: self._on_changed(name))
        body_layout.addLayout(form)
        self.build_extra(body_layout)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.body_scroll = scroll  # not `scroll`: QWidget.scroll is a method
        hint = QLabel("* champ obligatoire")
        hint.setStyleSheet("color: #555;")
        outer.addWidget(hint)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            "Annuler", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.history_button = self.buttons.addButton(
            "Historique…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.history_button.setToolTip("Qui a modifié cette fiche, quand, et quoi")
        self.history_button.setEnabled(self.record_uuid is not None)
        self.history_button.clicked.connect(self.show_history)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._body, self._heading = body, heading
        self.fit_height()

    def ask_for(self, names: Sequence[str], used: Sequence[str] | None) -> bool:
        """Show the rows of the fields ``names`` that are ``used`` (every one when None) or
        already hold something (a value, or text being typed), so that it can be seen and
        emptied; hide the others. Whether a row came or went."""
        changed = False
        for name in names:
            label, cell = self._rows[name]
            shown = used is None or name in used or self._filled(name)
            changed |= shown == cell.isHidden()
            label.setVisible(shown)
            cell.setVisible(shown)
        return changed

    def _filled(self, name: str) -> bool:
        try:
            return self.fields[name].field.value() is not None
        except FieldError:  # not a value yet: being typed
            return True

    def fit_height(self) -> None:
        """As tall as the content (within the screen), and wide enough that no row needs
        scrolling sideways (a long check box, a wide table): at first, and when a form shows
        or hides part of itself. A form the user widened keeps its width."""
        screen = self.screen().availableGeometry() if self.screen() else None
        screen_width, screen_height = (screen.width(), screen.height()) if screen else (1366, 768)
        layout = self._body.layout()
        if layout is not None:  # rows just shown or hidden count in its size hint
            layout.activate()
        wanted = self._body.sizeHint().height() + self._heading.sizeHint().height() + 110
        # The body's narrowest width, the scroll bar beside it, and the dialog's margins.
        outer = self.layout()
        margins = outer.contentsMargins() if outer is not None else None
        needed = (
            self._body.minimumSizeHint().width()
            + self.body_scroll.verticalScrollBar().sizeHint().width()
            + (margins.left() + margins.right() if margins is not None else 0)
        )
        width = max(self.width() if self.isVisible() else FORM_WIDTH, needed)
        self.resize(min(width, int(screen_width * 0.92)),
                    max(360, min(wanted, int(screen_height * 0.92))))  # fmt: skip

    def show_history(self) -> None:
        """« Historique… »: who changed this record, when, which field."""
        from clauses_app.ui.forms.conflict import field_labels
        from clauses_app.ui.forms.history import HistoryDialog

        if self.record_uuid is None:
            return
        with self.context.database.session() as session:
            title = records.label_of(session, self.kind, self.record_uuid) or self.title_edit
        dialog = HistoryDialog(
            self.context.database, self.record_uuid, title, field_labels(self), self
        )
        present_history(dialog)

    def focus_first_field(self) -> None:
        """Put the cursor in the first field the user can type in (the form opens there)."""
        for item in self.fields.values():
            widget = item.field.input_widget()
            if widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                item.field.focus()
                return

    # --- values --------------------------------------------------------------------------
    def load_values(self, values: dict[str, Any]) -> None:
        for name, item in self.fields.items():
            if name in values:
                item.field.set_value(values[name])
        self.load_extra(values)

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Typed values by field name, and the fields whose text cannot be read."""
        values: dict[str, Any] = {}
        unreadable: dict[str, str] = {}
        for name, item in self.fields.items():
            try:
                values[name] = item.field.value()
            except FieldError as exc:
                unreadable[name] = str(exc)
                values[name] = None
        extra = self.extra_values()
        unreadable.update(extra.pop("_unreadable", {}))
        values.update(extra)
        return values, unreadable

    def snapshot(self) -> dict[str, Any]:
        """What the form holds now, to compare with the loaded state."""
        values, unreadable = self.values()
        return {**values, "_unreadable": sorted(unreadable.items())}

    def is_dirty(self) -> bool:
        return self.snapshot() != self._snapshot

    # --- validation ----------------------------------------------------------------------
    def _on_changed(self, name: str) -> None:
        if self._loading:
            return
        self._touched.add(name)
        self.field_changed(name)
        self.refresh_errors()

    def field_changed(self, name: str) -> None:
        """Hook: a field changed (e.g. reload dependent choices)."""

    def current_errors(self) -> dict[str, str]:
        values, unreadable = self.values()
        with self.context.database.session() as session:
            errors = records.validate(session, self.kind, values, self.record_uuid)
        errors.update(unreadable)
        return errors

    def refresh_errors(self) -> dict[str, str]:
        """Validate the form and write each message next to its field; return all messages."""
        errors = self.current_errors()
        for name, label in self._errors.items():
            message = errors.get(name)
            if message == REQUIRED and not (self._attempted or name in self._touched):
                message = None
            show_message(label, message)
        self.show_extra_errors({k: v for k, v in errors.items() if "." in k})
        return errors

    def error_text(self, name: str) -> str:
        """The message shown next to a field ("" when none)."""
        label = self._errors[name]
        return "" if label.isHidden() else label.text()

    # --- saving and closing --------------------------------------------------------------
    def save(self) -> bool:
        """Save when valid; otherwise show why next to each field and keep the form open."""
        self._attempted = True
        errors = self.refresh_errors()
        if errors:
            first = next((n for n in self.fields if n in errors), None)
            if first is not None:
                self.fields[first].field.focus()
            return False
        values, _ = self.values()
        try:
            self.record_uuid = records.save_record(
                self.context.database, self.kind, values, self.record_uuid, base=self.base
            )
        except records.StaleRecordError as stale:  # saved by someone else since it was opened
            from clauses_app.ui.forms.conflict import settle_conflict

            saved = settle_conflict(self, stale)
            if saved is None:
                return False
            self.record_uuid = saved
        except records.ValidationError as exc:  # changed by someone else meanwhile
            self.refresh_errors()
            warn(self, "Enregistrement impossible", "\n".join(exc.errors.values()))
            return False
        self._snapshot = self.snapshot()
        self.saved.emit(self.record_uuid)
        notify_data_changed()
        self.accept()
        return True

    def reload_from(self, values: dict[str, Any]) -> None:
        """Show ``values`` (the record as saved elsewhere) as the form's unmodified state."""
        self._loading = True
        self.load_values(values)
        self._loading = False
        self.base = values
        self._snapshot = self.snapshot()
        self.refresh_errors()

    def confirm_close(self) -> bool:
        """True when the form may close: nothing unsaved, saved now, or discarded."""
        if not self.is_dirty():
            return True
        answer = ask_unsaved(self, f"« {self.title_label} »")
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

    def close_if_confirmed(self) -> bool:
        """Close the form unless the user wants to keep editing it (unsaved changes)."""
        if not self.confirm_close():
            return False
        if self.isVisible():
            self._snapshot = self.snapshot()
            super().reject()
        return True

    def reject(self) -> None:
        if self.confirm_close():
            self._snapshot = self.snapshot()
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.result() == QDialog.DialogCode.Accepted or self.confirm_close():
            self._snapshot = self.snapshot()
            event.accept()
        else:
            event.ignore()
