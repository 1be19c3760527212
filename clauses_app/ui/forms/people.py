"""Forms of participants (with their eligibility criteria) and employments."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date
from clauses_app.models import CriterionStatus, Modality, ReferenceKind, Sex
from clauses_app.services import records
from clauses_app.services.eligibility import (
    describe,
    eligibility_of_participant,
    employment_eligibility,
)
from clauses_app.services.records import Kind
from clauses_app.services.reference import labels
from clauses_app.ui.forms.base import (
    FormField,
    RecordForm,
    child_messages,
    error_label,
    show_message,
)
from clauses_app.ui.forms.parties import address_fields
from clauses_app.ui.widgets.child_table import ChildColumn, ChildTable
from clauses_app.ui.widgets.fields import (
    CheckField,
    ChoiceField,
    DateField,
    DecimalField,
    FieldError,
    MultilineField,
    TextField,
)

SEXES = ((Sex.FEMALE, "Femme"), (Sex.MALE, "Homme"))
CRITERION_STATUSES = (
    (CriterionStatus.VALIDATED, "Validé"),
    (CriterionStatus.TO_DOCUMENT, "À documenter"),
    (CriterionStatus.INELIGIBLE, "Non éligible"),
)


class ParticipantForm(RecordForm):
    kind = Kind.PARTICIPANT
    title_new = "Nouveau participant"
    title_edit = "Participant"

    def build_fields(self, session: Session) -> list[FormField]:
        self._criteria = tuple(labels(session, ReferenceKind.CRITERION).items())
        qualifications = ChoiceField(list(labels(session, ReferenceKind.QUALIFICATION).items()))
        return [
            FormField("last_name", "Nom", TextField(120), required=True),
            FormField("first_name", "Prénom", TextField(120), required=True),
            FormField("birth_date", "Date de naissance", DateField()),
            FormField("sex", "Sexe", ChoiceField(SEXES)),
            FormField("external_id", "Identifiant externe", TextField(60)),
            *address_fields(),
            FormField("qpv", "", CheckField("Réside dans un quartier prioritaire (QPV)")),
            FormField("qualification_code", "Niveau de qualification", qualifications),
            FormField("last_contact_date", "Dernier contact", DateField()),
            FormField("notes", "Notes", MultilineField()),
            FormField("archived", "", CheckField("Archivé")),
        ]

    def build_extra(self, layout: QVBoxLayout) -> None:
        layout.addWidget(QLabel("<b>Critères d'éligibilité</b>"))
        self.criteria = ChildTable(
            [
                ChildColumn("criterion_code", "Critère", "choice", self._criteria,
                            self._criteria[0][0] if self._criteria else None),
                ChildColumn("validated_on", "Validé le", "date"),
                ChildColumn("evidence", "Justificatif"),
                ChildColumn("status", "Statut", "choice", CRITERION_STATUSES,
                            CriterionStatus.VALIDATED),
            ],
            "Ajouter un critère",
        )  # fmt: skip
        self.criteria.changed.connect(lambda: self._on_changed("criteria"))
        layout.addWidget(self.criteria)
        self.criteria_error = error_label()
        layout.addWidget(self.criteria_error)
        self.eligibility_label = QLabel()
        self.eligibility_label.setObjectName("eligibility")
        self.eligibility_label.setWordWrap(True)
        layout.addWidget(self.eligibility_label)

    def load_extra(self, values: dict[str, Any]) -> None:
        self.criteria.set_rows(values.get("criteria") or [])
        self._show_eligibility()

    def _show_eligibility(self) -> None:
        """The status of each of the person's work contracts, from the saved criteria."""
        lines: list[str] = []
        if self.record_uuid is not None:
            with self.context.database.session() as session:
                statuses = eligibility_of_participant(session, self.record_uuid)
            lines = [f"Contrat du {format_date(start)} : {describe(status)}"
                     for start, status in statuses]  # fmt: skip
        self.eligibility_label.setText(
            "<b>Éligibilité au début de chaque contrat</b><br>" + "<br>".join(lines)
            if lines
            else ""
        )
        self.eligibility_label.setVisible(bool(lines))

    def extra_values(self) -> dict[str, Any]:
        rows, unreadable = self.criteria.rows()
        return {
            "criteria": rows,
            "_unreadable": {f"criteria.{key}": message for key, message in unreadable.items()},
        }

    def show_extra_errors(self, errors: dict[str, str]) -> None:
        show_message(self.criteria_error, child_messages(errors, "criteria", "Critère"))


class EmploymentForm(RecordForm):
    kind = Kind.EMPLOYMENT
    title_new = "Nouveau contrat de travail"
    title_edit = "Contrat de travail"

    def build_fields(self, session: Session) -> list[FormField]:
        outcomes = list(labels(session, ReferenceKind.OUTCOME).items())
        companies = records.choices(session, Kind.COMPANY)
        return [
            FormField("participant_uuid", "Participant",
                      ChoiceField(records.choices(session, Kind.PARTICIPANT)), required=True),
            FormField("award_uuid", "Attribution (marché, lot, entreprise)",
                      ChoiceField(records.choices(session, Kind.AWARD)), required=True),
            FormField("employer_uuid", "Employeur s'il diffère (ETTI, GEIQ, SIAE…)",
                      ChoiceField(companies, "— l'entreprise attributaire —")),
            FormField("modality_code", "Modalité",
                      ChoiceField(list(labels(session, ReferenceKind.MODALITY).items()), None),
                      required=True),
            FormField("contract_type_code", "Type de contrat",
                      ChoiceField(list(labels(session, ReferenceKind.CONTRACT_TYPE).items()),
                                  None), required=True),
            FormField("job_title", "Poste", TextField(200)),
            FormField("start_date", "Début", DateField(), required=True),
            FormField("end_date", "Fin", DateField()),
            FormField("transferred_staff", "", CheckField("Salarié repris du titulaire précédent")),
            FormField("ineligible", "", CheckField("Non éligible (heures non comptées)")),
            FormField("invoiced_amount", "Montant facturé (sous-traitance)", DecimalField("€")),
            FormField("outcome_end_code", "Situation en fin de contrat", ChoiceField(outcomes)),
            FormField("outcome_6m_code", "Situation à 6 mois", ChoiceField(outcomes)),
        ]  # fmt: skip

    def build_extra(self, layout: QVBoxLayout) -> None:
        self.period_label = QLabel()
        self.period_label.setStyleSheet("color: #555;")
        layout.addWidget(self.period_label)
        self.eligibility_label = QLabel()
        self.eligibility_label.setObjectName("eligibility")
        layout.addWidget(self.eligibility_label)

    def load_values(self, values: dict[str, Any]) -> None:
        defaults = {"modality_code": Modality.HIRE, "contract_type_code": "CDD"}
        super().load_values({**defaults, **values})
        self._show_period()
        self._show_eligibility()

    def _show_eligibility(self) -> None:
        """The participant's eligibility at this contract's start, as saved."""
        text = ""
        if self.record_uuid is not None:
            with self.context.database.session() as session:
                text = "Éligibilité au début du contrat : " + describe(
                    employment_eligibility(session, self.record_uuid)
                )
        self.eligibility_label.setText(text)
        self.eligibility_label.setVisible(bool(text))

    def field_changed(self, name: str) -> None:
        if name == "award_uuid":
            self._show_period()

    def _show_period(self) -> None:
        """Remind the contract's performance period the employment must fit in."""
        try:
            award_uuid = self.fields["award_uuid"].field.value()
        except FieldError:
            award_uuid = None
        text = ""
        if award_uuid is not None:
            with self.context.database.session() as session:
                first, last = records.performance_period(session, award_uuid)
            if first or last:
                text = (
                    f"Exécution du marché : du {format_date(first) or '…'} "
                    f"au {format_date(last) or '…'}"
                )
        self.period_label.setText(text)
        self.period_label.setVisible(bool(text))
