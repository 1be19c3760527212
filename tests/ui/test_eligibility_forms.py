"""The participant and employment forms show the eligibility the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel

from clauses_app.models import CriterionStatus
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from tests import builders as b


def test_forms_show_each_contracts_status_at_its_start(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        award = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        lea = b.participant(s, "Durand", "Léa")
        b.criterion(s, lea, "BRSA", date(2025, 1, 10))
        b.criterion(s, lea, "RQTH", None, status=CriterionStatus.TO_DOCUMENT)
        in_time = b.employment(s, award, lea, date(2025, 3, 1))
        b.employment(s, award, lea, date(2024, 12, 1))  # before the validation: late
        person = lea.uuid

    participant = open_form(app_context, Kind.PARTICIPANT, person)
    qtbot.addWidget(participant)
    employment = open_form(app_context, Kind.EMPLOYMENT, in_time.uuid)
    qtbot.addWidget(employment)

    text = participant.findChild(QLabel, "eligibility").text()
    assert "Contrat du 01/12/2024 : Validée après le début (BRSA)" in text
    assert "Contrat du 01/03/2025 : Validée à temps (BRSA)" in text
    assert text.index("01/12/2024") < text.index("01/03/2025")
    label = employment.findChild(QLabel, "eligibility")
    assert label.text() == "Éligibilité au début du contrat : Validée à temps (BRSA)"
