"""The conflict dialog: a form whose record was saved elsewhere since it was opened shows both
versions field by field, and keeps mine, takes theirs or merges."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clauses_app.services import records
from clauses_app.services.records import Kind
from clauses_app.services.records.versions import THEIRS
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import conflict, open_form
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.forms.conflict import ConflictDialog, Outcome


def _participant(context: AppContext) -> uuid.UUID:
    return records.save_record(
        context.database, Kind.PARTICIPANT,
        {"last_name": "Martin", "first_name": "Léa", "city": "Nantes", "postal_code": "44000",
         "criteria": [{"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)}]},
    )  # fmt: skip


def _saved_elsewhere(context: AppContext, record: uuid.UUID, **changes: Any) -> None:
    with context.database.session() as session:
        base = records.load_record(session, Kind.PARTICIPANT, record)
    records.save_record(context.database, Kind.PARTICIPANT, {**base, **changes}, record, base=base)


def _open(qtbot: Any, context: AppContext, record: uuid.UUID) -> RecordForm:
    form = open_form(context, Kind.PARTICIPANT, record)
    qtbot.addWidget(form)
    return form


def _answer(monkeypatch: pytest.MonkeyPatch, answer: Any) -> list[ConflictDialog]:
    shown: list[ConflictDialog] = []

    def present(dialog: ConflictDialog) -> int:
        shown.append(dialog)
        answer(dialog)
        return 0

    monkeypatch.setattr(conflict, "present", present)
    return shown


def _load(context: AppContext, record: uuid.UUID) -> dict[str, Any]:
    with context.database.session() as session:
        return records.load_record(session, Kind.PARTICIPANT, record)


def test_merge_keeps_both_sides_changes(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _participant(app_context)
    form = _open(qtbot, app_context, record)
    rqth = {"criterion_code": "RQTH", "validated_on": date(2025, 2, 1)}
    with app_context.database.session() as session:
        base = records.load_record(session, Kind.PARTICIPANT, record)
    _saved_elsewhere(app_context, record, city="Rezé", last_name="Martin-Roux",
                     criteria=[*base["criteria"], rqth])  # fmt: skip
    form.fields["city"].field.set_value("Vertou")
    form.fields["postal_code"].field.set_value("44120")

    def merge_taking_their_city(dialog: ConflictDialog) -> None:
        rows = dialog.choices()
        assert rows == {"last_name": THEIRS, "postal_code": "mine", "city": "mine",
                        "criteria": "mine"}  # fmt: skip
        assert dialog.stale.conflicts == ["city"]
        dialog.choose("city", THEIRS)
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    shown = _answer(monkeypatch, merge_taking_their_city)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and form.result() == form.DialogCode.Accepted
    after = _load(app_context, record)
    assert (after["last_name"], after["city"], after["postal_code"]) == (
        "Martin-Roux",
        "Rezé",
        "44120",
    )
    assert sorted(c["criterion_code"] for c in after["criteria"]) == ["BRSA", "RQTH"]


def test_keep_mine_and_take_theirs(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _participant(app_context)
    form = _open(qtbot, app_context, record)
    _saved_elsewhere(app_context, record, city="Rezé", last_name="Martin-Roux")
    form.fields["city"].field.set_value("Vertou")
    _answer(monkeypatch, lambda d: qtbot.mouseClick(d.keep_mine_button, Qt.MouseButton.LeftButton))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    after = _load(app_context, record)
    assert (after["last_name"], after["city"]) == ("Martin", "Vertou")  # mine, whole

    form = _open(qtbot, app_context, record)
    _saved_elsewhere(app_context, record, city="Nantes")
    form.fields["city"].field.set_value("Bouguenais")
    _answer(
        monkeypatch, lambda d: qtbot.mouseClick(d.take_theirs_button, Qt.MouseButton.LeftButton)
    )
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.result() != form.DialogCode.Accepted  # still open, showing theirs, unmodified
    assert form.fields["city"].field.value() == "Nantes" and not form.is_dirty()
    assert _load(app_context, record)["city"] == "Nantes"


def test_screenshot_of_the_conflict_dialog(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _participant(app_context)
    form = _open(qtbot, app_context, record)
    with app_context.database.session() as session:
        base = records.load_record(session, Kind.PARTICIPANT, record)
    rqth = {"criterion_code": "RQTH", "validated_on": date(2025, 2, 1),
            "evidence": "Notification MDPH"}  # fmt: skip
    _saved_elsewhere(app_context, record, city="Rezé", last_name="Martin-Roux",
                     criteria=[*base["criteria"], rqth])  # fmt: skip
    form.fields["city"].field.set_value("Vertou")
    form.fields["postal_code"].field.set_value("44120")

    def shoot(dialog: ConflictDialog) -> None:
        dialog.show()
        qtbot.waitExposed(dialog)
        # docs/screenshots/conflict.png: tests/ui/test_history_dialog.py (two named users).
        texts = [b.text() for b in dialog.findChildren(type(dialog.merge_button))]
        assert {"Garder ma version", "Prendre la leur", "Fusionner"} <= set(texts)
        dialog.outcome = None
        dialog.reject()

    _answer(monkeypatch, shoot)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() or form.result() != form.DialogCode.Accepted
    assert _load(app_context, record)["city"] == "Rezé"  # "Continuer à modifier": nothing saved
    assert Outcome.MERGE == "merge"


def test_a_second_window_is_told_who_has_the_base_open(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QMessageBox

    from clauses_app.storage.presence import lock_path
    from clauses_app.ui import presence

    database = app_context.database
    path = database.file_path
    assert path is not None
    lock_path(path).write_text(json.dumps(
        {"user": "camille", "machine": "PC-ACCUEIL", "pid": 4242,
         "since": datetime(2026, 12, 4, 8, 12, tzinfo=UTC).isoformat()}
    ))  # fmt: skip
    asked: list[str] = []

    def click(label: str) -> Any:
        def present(box: QMessageBox) -> int:
            asked.append(box.text())
            button = next(b for b in box.buttons() if b.text() == label)
            button.click()
            return 0

        return present

    monkeypatch.setattr(presence, "present_dialog", click("Quitter"))
    assert not presence.announce_presence(database, None, interactive=True)
    assert "déjà ouverte par camille sur PC-ACCUEIL depuis le 04/12/2026" in asked[0]
    monkeypatch.setattr(presence, "present_dialog", click("Ouvrir en lecture seule"))
    assert presence.announce_presence(database, None, interactive=True)
    assert database.read_only
    assert "PC-ACCUEIL" in lock_path(path).read_text()  # the other window's lock, untouched
