"""The dialog a form shows when its save is refused because someone else saved the record
meanwhile (``records.StaleRecordError``): both versions field by field, and three ways out:
keep mine, take theirs, or merge (each differing field takes the side ticked, by default the
side that changed it). The choice is saved over their version, in one transaction; if the
record moved again meanwhile, the dialog comes back with the newer version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import format_date, format_moment
from clauses_app.services import records
from clauses_app.services.records.kinds import NOUNS
from clauses_app.services.records.versions import (
    CHILD_LISTS,
    MINE,
    THEIRS,
    StaleRecordError,
    default_choices,
    merge_children,
    merge_values,
)
from clauses_app.ui.widgets.dialogs import warn
from clauses_app.ui.widgets.fields import CheckField, ChoiceField

if TYPE_CHECKING:
    from clauses_app.ui.forms.base import RecordForm

CONFLICT_STYLE = "background: #fdecea;"
CHILD_LABELS = {
    "contacts": "Contacts",
    "criteria": "Critères d'éligibilité",
    "invoices": "Montants facturés",
}
Describe = Callable[[str, Any], str]


class Outcome:
    KEEP_MINE = "keep_mine"
    TAKE_THEIRS = "take_theirs"
    MERGE = "merge"


class ConflictDialog(QDialog):
    """Both versions of a record, one row per differing field, a choice per row."""

    def __init__(
        self,
        stale: StaleRecordError,
        labels: Mapping[str, str],
        describe: Describe,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert stale.theirs is not None
        self.stale = stale
        self.theirs: dict[str, Any] = stale.theirs
        self.outcome: str | None = None
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Modifié par quelqu'un d'autre")
        self._choices = default_choices(stale.kind, stale.base, stale.mine, self.theirs)
        self._groups: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        outer = QVBoxLayout(self)
        noun = NOUNS[stale.kind]
        intro = QLabel(
            f"<b>{noun[0].upper()}{noun[1:]} a été modifié par quelqu'un d'autre</b> depuis que "
            "vous l'avez ouvert (une autre fenêtre, un import, un collègue). Rien n'a été "
            "enregistré. Cochez, pour chaque champ, la valeur à garder ; les champs modifiés "
            "des deux côtés sont signalés par ⚠."
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.author = QLabel(changed_by_text(stale))
        self.author.setObjectName("conflictAuthor")
        outer.addWidget(self.author)
        outer.addWidget(self._grid(labels, describe), 1)
        buttons = QDialogButtonBox()
        self.keep_mine_button = self._button(buttons, "Garder ma version", Outcome.KEEP_MINE)
        self.take_theirs_button = self._button(buttons, "Prendre la leur", Outcome.TAKE_THEIRS)
        self.merge_button = self._button(buttons, "Fusionner", Outcome.MERGE)
        self.merge_button.setDefault(True)
        cancel = buttons.addButton("Continuer à modifier", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)
        outer.addWidget(buttons)
        self.resize(760, min(200 + 44 * len(self._choices), 640))

    def _button(self, box: QDialogButtonBox, text: str, outcome: str) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.clicked.connect(lambda: self._finish(outcome))
        return button

    def _grid(self, labels: Mapping[str, str], describe: Describe) -> QWidget:
        body = QWidget()
        grid = QGridLayout(body)
        for column, title in enumerate(("Champ", "Ma version", "Leur version")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        conflicts = set(self.stale.conflicts)
        for row, (name, side) in enumerate(self._choices.items(), start=1):
            label = QLabel(("⚠ " if name in conflicts else "") + labels.get(name, name))
            mine = QRadioButton(self._mine_text(name, describe))
            theirs = QRadioButton(describe(name, self.theirs.get(name)))
            for widget in (label, mine, theirs):
                if name in conflicts:
                    widget.setStyleSheet(CONFLICT_STYLE)
            group = QButtonGroup(body)
            group.addButton(mine)
            group.addButton(theirs)
            (mine if side == MINE else theirs).setChecked(True)
            self._groups[name] = (mine, theirs)
            grid.addWidget(label, row, 0)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(self._choices) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        return scroll

    def _mine_text(self, name: str, describe: Describe) -> str:
        child = CHILD_LISTS.get(self.stale.kind)
        if child is None or name != child[0]:
            return describe(name, self.stale.mine.get(name))
        # Ticking "mine" for a list merges it row by row: show the list it would give.
        merged = merge_children(self.stale.base.get(name) or [], self.stale.mine.get(name) or [],
                                self.theirs.get(name) or [], child[1])  # fmt: skip
        return describe(name, merged) + "\n(vos changements et les leurs)"

    def choose(self, name: str, side: str) -> None:
        """Tick ``side`` (``MINE`` or ``THEIRS``) for one field."""
        mine, theirs = self._groups[name]
        (mine if side == MINE else theirs).setChecked(True)

    def choices(self) -> dict[str, str]:
        return {name: MINE if mine.isChecked() else THEIRS
                for name, (mine, _theirs) in self._groups.items()}  # fmt: skip

    def resolved_values(self) -> dict[str, Any]:
        """What to save over their version for the outcome chosen."""
        stale = self.stale
        if self.outcome == Outcome.KEEP_MINE:
            return {**stale.mine, "version": self.theirs["version"]}
        choices = self.choices() if self.outcome == Outcome.MERGE else {}
        return merge_values(stale.kind, stale.base, stale.mine, self.theirs, choices)

    def _finish(self, outcome: str) -> None:
        self.outcome = outcome
        self.accept()


def changed_by_text(stale: StaleRecordError) -> str:
    """« Modifié par m.durand le 04/12/2026 à 14:32 » (the computer's time zone)."""
    who = stale.changed_by or "un utilisateur inconnu"
    when = f" le {format_moment(stale.changed_at)}" if stale.changed_at else ""
    return f"Modifié par {who}{when}."


def present(dialog: ConflictDialog) -> int:
    """Show the dialog and wait for the answer (tests replace this function)."""
    return dialog.exec()


def describe_value(form: RecordForm, name: str, value: Any) -> str:
    """A value as the form shows it: a choice's label, Oui/Non, a French date…"""
    if name in CHILD_LABELS:
        return _describe_rows(form, value or [])
    if value is None or value == "":
        return "—"
    item = form.fields.get(name)
    field = item.field if item is not None else None
    if isinstance(field, ChoiceField):
        index = field.find(value)
        return field.combo.itemText(index) if index >= 0 else str(value)
    if isinstance(field, CheckField) or isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if hasattr(value, "isoformat") and hasattr(value, "day"):
        return format_date(value)
    return str(value)


def _describe_rows(form: RecordForm, rows: list[Mapping[str, Any]]) -> str:
    if not rows:
        return "—"
    lines = []
    for row in rows:
        if "criterion_code" in row:
            when = row.get("validated_on")
            text = row["criterion_code"] + (f", validé le {format_date(when)}" if when else "")
            lines.append(text + (f" ({row['evidence']})" if row.get("evidence") else ""))
        else:
            lines.append(", ".join(str(v) for k, v in row.items()
                                   if k not in ("uuid", "version") and v))  # fmt: skip
    return "\n".join(lines)


def field_labels(form: RecordForm) -> dict[str, str]:
    labels = {name: item.label or _check_text(item.field) or name
              for name, item in form.fields.items()}  # fmt: skip
    child = CHILD_LISTS.get(form.kind)
    if child is not None:
        labels[child[0]] = CHILD_LABELS[child[0]]
    return labels


def _check_text(field: Any) -> str:
    return field.box.text() if isinstance(field, CheckField) else ""


def settle_conflict(form: RecordForm, stale: StaleRecordError) -> uuid.UUID | None:
    """Ask how to settle ``stale`` and save the answer over their version; the record's UUID
    when saved, None when nothing was (the user went back to the form, or took theirs: the
    form then shows their version)."""
    while True:
        if stale.theirs is None:
            warn(
                form, "Enregistrement impossible",
                f"{NOUNS[stale.kind].capitalize()} a été supprimé par quelqu'un d'autre depuis "
                "que vous l'avez ouvert : vos modifications n'ont pas été enregistrées.",
            )  # fmt: skip
            return None
        dialog = ConflictDialog(stale, field_labels(form), lambda n, v: describe_value(form, n, v),
                                form)  # fmt: skip
        present(dialog)
        if dialog.outcome is None:
            return None
        if dialog.outcome == Outcome.TAKE_THEIRS:
            form.reload_from(stale.theirs)
            return None
        values = dialog.resolved_values()
        try:
            return records.save_record(
                form.context.database, form.kind, values, stale.record_uuid, base=stale.theirs
            )
        except StaleRecordError as again:  # moved once more meanwhile: ask again
            stale = StaleRecordError(again.kind, again.record_uuid, again.base, values,
                                     again.theirs, again.changed_by, again.changed_at)  # fmt: skip
