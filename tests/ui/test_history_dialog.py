"""« Historique… » on a record form: who changed the record, when, which field, old → new;
the conflict dialog names who saved the record meanwhile and when."""

from __future__ import annotations

import os
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clauses_app.services import history, records
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import base, conflict, open_form
from clauses_app.ui.forms.conflict import ConflictDialog
from clauses_app.ui.forms.history import HistoryDialog

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _as(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Work as the local account ``name`` (getpass reads LOGNAME first)."""
    monkeypatch.setenv("LOGNAME", name)



def _edit(context: AppContext, record: uuid.UUID, **changes: Any) -> None:
    with context.database.session() as session:
        before = records.load_record(session, Kind.PARTICIPANT, record)
    records.save_record(context.database, Kind.PARTICIPANT, {**before, **changes}, record,
                        base=before)  # fmt: skip


def _history_of(
    qtbot: Any, context: AppContext, record: uuid.UUID, monkeypatch: Any,
    kind: str = Kind.PARTICIPANT,
) -> Any:  # fmt: skip
    shown: list[HistoryDialog] = []

    def present(dialog: HistoryDialog) -> int:
        qtbot.addWidget(dialog)
        shown.append(dialog)
        return 0

    monkeypatch.setattr(base, "present_history", present)
    form = open_form(context, kind, record)
    qtbot.addWidget(form)
    assert form.history_button.isEnabled()
    qtbot.mouseClick(form.history_button, Qt.MouseButton.LeftButton)
    (dialog,) = shown
    return dialog


def _person(context: AppContext, monkeypatch: pytest.MonkeyPatch) -> uuid.UUID:
    _as(monkeypatch, "m.durand")
    record = records.save_record(
        context.database, Kind.PARTICIPANT,
        {"last_name": "Martin", "first_name": "Léa", "city": "Nantes", "postal_code": "44000",
         "birth_date": date(1994, 3, 12), "sex": "F",
         "criteria": [{"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)}]},
    )  # fmt: skip
    _as(monkeypatch, "a.leroy")
    _edit(context, record, city="Rezé", postal_code="44400", qpv=True)
    return record


def test_history_button_lists_who_when_which_field(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _person(app_context, monkeypatch)
    dialog = _history_of(qtbot, app_context, record, monkeypatch)
    rows = dialog.rows()
    when, who, action = rows[0][:3]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} à \d\d:\d\d", when)
    assert (who, action) == ("a.leroy", "Modification")
    changed = {r[3]: (r[4], r[5]) for r in rows[:3]}
    assert changed["Commune"] == ("Nantes", "Rezé")
    assert changed["Code postal"] == ("44000", "44400")
    created = [r for r in rows if r[2].startswith("Création")]
    assert [r[1] for r in created] == ["m.durand", "m.durand"]  # the criterion, the person
    assert any(r[3] == "Date de naissance" and r[5] == "12/03/1994" for r in rows)
    if os.environ.get("CLAUSES_WRITE_SCREENSHOTS"):
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.grab().save(str(SCREENSHOTS / "history.png"))


def test_personal_values_read_masque_for_who_may_not_see_them(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _person(app_context, monkeypatch)
    monkeypatch.setattr(history, "may_see_personal_data", lambda session, person: False)
    rows = _history_of(qtbot, app_context, record, monkeypatch).rows()
    assert rows and all(r[4:] == ["masqué", "masqué"] for r in rows if r[3])
    assert not any("Rezé" in cell or "Martin" in cell for row in rows for cell in row)


@pytest.mark.parametrize("kind", Kind.ALL)
def test_every_form_shows_its_records_history(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from tests import builders as b

    _as(monkeypatch, "m.durand")
    with app_context.database.transaction() as s:
        authority = b.authority(s, "Ville de Rezé")
        operation = b.operation(s, authority)
        contract = b.contract(s, authority, "M-2025-07")
        lot = b.lot(s, contract)
        company = b.company(s, "SARL Bâtir")
        award = b.award(s, lot, company, "600")
        person = b.participant(s, "Martin", "Léa")
        employment = b.employment(s, award, person, date(2025, 3, 1))
        made = {Kind.AUTHORITY: authority, Kind.OPERATION: operation, Kind.CONTRACT: contract,
                Kind.LOT: lot, Kind.AWARD: award, Kind.COMPANY: company,
                Kind.PARTICIPANT: person, Kind.EMPLOYMENT: employment}  # fmt: skip
    record = made[kind].uuid
    rows = _history_of(qtbot, app_context, record, monkeypatch, kind).rows()
    assert [(r[1], r[2]) for r in rows if r[2].startswith("Création")][:1] == [
        ("m.durand", "Création")
    ]


def test_a_new_record_has_no_history_yet(qtbot: Any, app_context: AppContext) -> None:
    form = open_form(app_context, Kind.PARTICIPANT)
    qtbot.addWidget(form)
    assert not form.history_button.isEnabled()


def test_the_conflict_dialog_names_who_changed_the_record_and_when(
    qtbot: Any, app_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _person(app_context, monkeypatch)
    _as(monkeypatch, "p.martin")
    form = open_form(app_context, Kind.PARTICIPANT, record)
    qtbot.addWidget(form)
    _as(monkeypatch, "m.durand")
    _edit(app_context, record, city="Saint-Herblain", last_name="Martin-Roux")
    _as(monkeypatch, "p.martin")
    form.fields["city"].field.set_value("Vertou")
    shown: list[str] = []

    def present(dialog: ConflictDialog) -> int:
        qtbot.addWidget(dialog)
        shown.append(dialog.author.text())
        if os.environ.get("CLAUSES_WRITE_SCREENSHOTS"):
            dialog.show()
            qtbot.waitExposed(dialog)
            assert dialog.grab().save(str(SCREENSHOTS / "conflict.png"))
        dialog.outcome = None
        return 0

    monkeypatch.setattr(conflict, "present", present)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (author,) = shown
    assert re.fullmatch(r"Modifié par m\.durand le \d\d/\d\d/\d{4} à \d\d:\d\d\.", author)
