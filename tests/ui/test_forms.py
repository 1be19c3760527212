"""Records created entirely through the forms: typed into, saved with a click, read back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget
from sqlalchemy import select

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Employment,
    Lot,
    Participant,
    PublicContract,
)
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.widgets.fields import ChoiceField
from tests.ui.conftest import MessageBoxes

VALID_SIRET = "73282932000074"


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying each character (QTest.keyClicks aborts on non-ASCII text)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def type_into(qtbot: Any, form: RecordForm, name: str, text: str) -> None:
    widget = form.fields[name].field.input_widget()
    widget.clear()
    type_text(widget, text)


def pick(form: RecordForm, name: str, label: str) -> None:
    """Choose an entry of a list by its visible label, as a user does."""
    field = form.fields[name].field
    assert isinstance(field, ChoiceField)
    index = field.combo.findText(label)
    assert index >= 0, f"{label!r} not offered in {name}"
    field.combo.setCurrentIndex(index)


def save(qtbot: Any, form: RecordForm) -> None:
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


def new_form(qtbot: Any, context: AppContext, kind: str, **defaults: Any) -> RecordForm:
    form = open_form(context, kind, defaults=defaults or None)
    qtbot.addWidget(form)
    return form


def test_every_record_created_through_forms(qtbot: Any, app_context: AppContext) -> None:
    form = new_form(qtbot, app_context, Kind.AUTHORITY)
    type_into(qtbot, form, "name", "Ville de Villeurbanne")
    type_into(qtbot, form, "postal_code", "69100")
    qtbot.mouseClick(form.contacts.add_button, Qt.MouseButton.LeftButton)
    form.contacts.set_text(0, "name", "Anne Roux")
    form.contacts.set_text(0, "email", "anne.roux@villeurbanne.fr")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted

    form = new_form(qtbot, app_context, Kind.CONTRACT)
    pick(form, "authority_uuid", "Ville de Villeurbanne")
    type_into(qtbot, form, "reference", "2025-014")
    type_into(qtbot, form, "object", "Réhabilitation du groupe scolaire")
    type_into(qtbot, form, "start_date", "01/03/2025")
    type_into(qtbot, form, "end_date", "28/02/2026")
    type_into(qtbot, form, "amount_ht", "1 234 567,50")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted
    contract_uuid = form.record_uuid

    for number, title, hours in (("1", "Gros œuvre", "833"), ("2", "Peinture", "1 000")):
        form = new_form(qtbot, app_context, Kind.LOT, contract_uuid=contract_uuid)
        type_into(qtbot, form, "number", number)
        type_into(qtbot, form, "title", title)
        type_into(qtbot, form, "required_hours", hours)
        save(qtbot, form)
        assert form.result() == form.DialogCode.Accepted, form.current_errors()

    form = new_form(qtbot, app_context, Kind.COMPANY)
    type_into(qtbot, form, "name", "Bâtir Ensemble")
    type_into(qtbot, form, "siret", "732 829 320 00074")
    pick(form, "kind", "Entreprise d'insertion (EI)")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted

    form = new_form(qtbot, app_context, Kind.AWARD)
    pick(form, "lot_uuid", "2025-014 — lot 2 : Peinture")
    pick(form, "company_uuid", "Bâtir Ensemble")
    type_into(qtbot, form, "required_hours", "1000")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted

    form = new_form(qtbot, app_context, Kind.PARTICIPANT)
    type_into(qtbot, form, "last_name", "Martin")
    type_into(qtbot, form, "first_name", "Léa")
    type_into(qtbot, form, "birth_date", "14/02/1990")
    qtbot.mouseClick(form.criteria.add_button, Qt.MouseButton.LeftButton)
    form.criteria.choose(0, "criterion_code", "BRSA")
    form.criteria.set_text(0, "validated_on", "10/02/2025")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted

    form = new_form(qtbot, app_context, Kind.EMPLOYMENT)
    pick(form, "participant_uuid", "MARTIN Léa (14/02/1990)")
    pick(form, "award_uuid", "2025-014 — lot 2 — Bâtir Ensemble")
    assert form.period_label.text() == "Exécution du marché : du 01/03/2025 au 28/02/2026"
    type_into(qtbot, form, "start_date", "15/03/2025")
    type_into(qtbot, form, "end_date", "30/09/2025")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted, form.current_errors()

    with app_context.database.session() as s:
        authority = s.scalars(select(ContractingAuthority)).one()
        assert (authority.name, authority.postal_code) == ("Ville de Villeurbanne", "69100")
        assert [(c.name, c.email) for c in authority.contracts[0].authority.contacts] == [
            ("Anne Roux", "anne.roux@villeurbanne.fr")
        ]
        contract = s.scalars(select(PublicContract)).one()
        assert contract.amount_ht == Decimal("1234567.50")
        assert (contract.start_date, contract.end_date) == (date(2025, 3, 1), date(2026, 2, 28))
        lots = s.scalars(select(Lot).order_by(Lot.number)).all()
        assert [(lt.number, lt.title, lt.required_hours) for lt in lots] == [
            ("1", "Gros œuvre", Decimal("833")), ("2", "Peinture", Decimal("1000")),
        ]  # fmt: skip
        company = s.scalars(select(Company)).one()
        assert (company.siret, company.kind) == (VALID_SIRET, "EI")
        award = s.scalars(select(Award)).one()
        assert (award.lot.number, award.company.name, award.required_hours) == (
            "2", "Bâtir Ensemble", Decimal("1000"),
        )  # fmt: skip
        person = s.scalars(select(Participant)).one()
        assert [(c.criterion_code, c.validated_on) for c in person.criteria] == [
            ("BRSA", date(2025, 2, 10))
        ]
        job = s.scalars(select(Employment)).one()
        assert (job.participant.last_name, job.award_uuid, job.modality_code) == (
            "Martin", award.uuid, "EMBAUCHE",
        )  # fmt: skip
        assert (job.start_date, job.end_date) == (date(2025, 3, 15), date(2025, 9, 30))


def test_invalid_siret_is_refused_with_the_message_next_to_the_field(
    qtbot: Any, app_context: AppContext
) -> None:
    form = new_form(qtbot, app_context, Kind.COMPANY)
    type_into(qtbot, form, "name", "Entreprise douteuse")
    type_into(qtbot, form, "siret", "73282932000075")
    # Validation as the user types: the message is there before any click.
    assert form.error_text("siret") == "SIRET invalide : la clé de contrôle ne correspond pas."
    save(qtbot, form)
    assert form.isVisible() and form.result() != form.DialogCode.Accepted
    with app_context.database.session() as s:
        assert s.scalars(select(Company)).all() == []
    form.fields["siret"].field.input_widget().clear()
    type_into(qtbot, form, "siret", VALID_SIRET)
    assert form.error_text("siret") == ""


def test_inverted_dates_are_refused(qtbot: Any, app_context: AppContext) -> None:
    form = new_form(qtbot, app_context, Kind.AUTHORITY)
    type_into(qtbot, form, "name", "Métropole")
    save(qtbot, form)
    form = new_form(qtbot, app_context, Kind.CONTRACT)
    pick(form, "authority_uuid", "Métropole")
    type_into(qtbot, form, "reference", "R-1")
    type_into(qtbot, form, "object", "Voirie")
    type_into(qtbot, form, "start_date", "01/06/2025")
    type_into(qtbot, form, "end_date", "31/05/2025")
    assert form.error_text("end_date") == "La fin d'exécution précède le début d'exécution."
    save(qtbot, form)
    assert form.result() != form.DialogCode.Accepted
    with app_context.database.session() as s:
        assert s.scalars(select(PublicContract)).all() == []


def test_required_fields_marked_and_explained_on_save(qtbot: Any, app_context: AppContext) -> None:
    form = new_form(qtbot, app_context, Kind.PARTICIPANT)
    label = form.findChild(QComboBox)  # any widget: the form is built
    assert label is not None
    assert form.error_text("last_name") == ""  # not shouted before the user tried
    save(qtbot, form)
    assert form.error_text("last_name") == "Champ obligatoire."
    assert form.error_text("first_name") == "Champ obligatoire."
    type_into(qtbot, form, "birth_date", "31/02/1990")
    assert form.error_text("birth_date") == "Date invalide : tapez-la sous la forme JJ/MM/AAAA."


def test_unsaved_changes_are_confirmed(
    qtbot: Any, app_context: AppContext, message_boxes: MessageBoxes
) -> None:
    form = new_form(qtbot, app_context, Kind.AUTHORITY)
    form.close()  # nothing typed: closes without a question
    assert message_boxes.shown == []

    form = new_form(qtbot, app_context, Kind.AUTHORITY)
    type_into(qtbot, form, "name", "Ville de Bron")
    message_boxes.answers.append(QMessageBox.StandardButton.Cancel)
    form.reject()  # Escape / Annuler
    assert form.isVisible()
    assert message_boxes.shown[-1][1] == "Modifications non enregistrées"
    assert "Nouveau donneur d'ordre" in message_boxes.shown[-1][2]

    message_boxes.answers.append(QMessageBox.StandardButton.Save)
    form.close()
    assert not form.isVisible()
    with app_context.database.session() as s:
        assert s.scalars(select(ContractingAuthority.name)).all() == ["Ville de Bron"]

    form = open_form(app_context, Kind.AUTHORITY, form.record_uuid)
    qtbot.addWidget(form)
    type_into(qtbot, form, "name", "Ville de Bron (modifiée)")
    message_boxes.answers.append(QMessageBox.StandardButton.Discard)
    form.reject()
    assert not form.isVisible()
    with app_context.database.session() as s:
        assert s.scalars(select(ContractingAuthority.name)).all() == ["Ville de Bron"]


@pytest.mark.parametrize("kind", [Kind.CONTRACT, Kind.PARTICIPANT, Kind.LOT, Kind.AWARD])
def test_a_form_never_scrolls_sideways(qtbot: Any, app_context: AppContext, kind: str) -> None:
    """The contract form's long check box (« Passé en tant qu'entité adjudicatrice … ») once
    made its rows wider than the form: a scroll bar at the bottom and the fields cut at the
    right edge."""
    form = new_form(qtbot, app_context, kind)
    qtbot.waitExposed(form)
    scroll = form.body_scroll
    scroll.widget().layout().activate()
    assert scroll.horizontalScrollBar().maximum() == 0
    assert scroll.viewport().width() >= scroll.widget().minimumSizeHint().width()
