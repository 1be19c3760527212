"""Forms of contracting authorities (with their contacts) and companies."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout
from sqlalchemy.orm import Session

from clauses_app.models import BuyerType, ReferenceKind
from clauses_app.services.compliance import BUYER_TYPE_LABELS
from clauses_app.services.records import Kind
from clauses_app.services.reference import labels
from clauses_app.ui.forms.base import (
    FormField,
    RecordForm,
    child_messages,
    error_label,
    show_message,
)
from clauses_app.ui.widgets.child_table import ChildColumn, ChildTable
from clauses_app.ui.widgets.fields import (
    CheckField,
    ChoiceField,
    MultilineField,
    TextField,
)

AUTHORITY_KINDS = (
    "Commune", "Intercommunalité (EPCI)", "Département", "Région", "Bailleur social",
    "Service de l'État", "Établissement hospitalier", "Autre",
)  # fmt: skip


def address_fields() -> list[FormField]:
    return [
        FormField("address", "Adresse", TextField(300)),
        FormField("postal_code", "Code postal", TextField(10)),
        FormField("city", "Commune", TextField(120)),
    ]


class AuthorityForm(RecordForm):
    kind = Kind.AUTHORITY
    title_new = "Nouveau donneur d'ordre"
    title_edit = "Donneur d'ordre"

    def build_fields(self, session: Session) -> list[FormField]:
        kinds = ChoiceField([(k, k) for k in AUTHORITY_KINDS])
        return [
            FormField("name", "Nom", TextField(200), required=True),
            FormField("kind", "Type", kinds),
            FormField("siret", "SIRET", TextField(20, "14 chiffres")),
            FormField(
                "buyer_type",
                "Catégorie d'acheteur (seuils européens)",
                ChoiceField(list(BUYER_TYPE_LABELS.items()), None),
            ),
            *address_fields(),
            FormField("notes", "Notes", MultilineField()),
            FormField("archived", "", CheckField("Archivé (n'apparaît plus dans les choix)")),
        ]

    def load_values(self, values: dict[str, Any]) -> None:
        super().load_values({"buyer_type": BuyerType.LOCAL, **values})

    def build_extra(self, layout: QVBoxLayout) -> None:
        layout.addWidget(QLabel("<b>Contacts</b>"))
        self.contacts = ChildTable(
            [
                ChildColumn("name", "Nom *"),
                ChildColumn("role", "Fonction"),
                ChildColumn("email", "Courriel"),
                ChildColumn("phone", "Téléphone"),
            ],
            "Ajouter un contact",
        )
        self.contacts.changed.connect(lambda: self._on_changed("contacts"))
        layout.addWidget(self.contacts)
        self.contacts_error = error_label()
        layout.addWidget(self.contacts_error)

    def load_extra(self, values: dict[str, Any]) -> None:
        self.contacts.set_rows(values.get("contacts") or [])

    def extra_values(self) -> dict[str, Any]:
        rows, _unreadable = self.contacts.rows()
        return {"contacts": rows}

    def show_extra_errors(self, errors: dict[str, str]) -> None:
        show_message(self.contacts_error, child_messages(errors, "contacts", "Contact"))


class CompanyForm(RecordForm):
    kind = Kind.COMPANY
    title_new = "Nouvelle entreprise"
    title_edit = "Entreprise"

    def build_fields(self, session: Session) -> list[FormField]:
        kinds = ChoiceField(list(labels(session, ReferenceKind.COMPANY_KIND).items()), None)
        return [
            FormField("name", "Raison sociale", TextField(200), required=True),
            FormField("siret", "SIRET", TextField(20, "14 chiffres")),
            FormField("kind", "Type", kinds, required=True),
            *address_fields(),
            FormField("contact_name", "Contact", TextField(200)),
            FormField("email", "Courriel", TextField(200)),
            FormField("phone", "Téléphone", TextField(40)),
        ]

    def load_values(self, values: dict[str, Any]) -> None:
        super().load_values({"kind": "CLASSIQUE", **values} if not values.get("kind") else values)
