"""Create/edit forms, one per kind of record. ``open_form`` picks the right one."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import QWidget

from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms.base import RecordForm


def form_class(kind: str) -> type[RecordForm]:
    """The form class that edits records of ``kind``."""
    from clauses_app.ui.forms import contracts, parties, people

    classes: dict[str, type[RecordForm]] = {
        Kind.AUTHORITY: parties.AuthorityForm,
        Kind.COMPANY: parties.CompanyForm,
        Kind.OPERATION: contracts.OperationForm,
        Kind.CONTRACT: contracts.ContractForm,
        Kind.LOT: contracts.LotForm,
        Kind.AWARD: contracts.AwardForm,
        Kind.PARTICIPANT: people.ParticipantForm,
        Kind.EMPLOYMENT: people.EmploymentForm,
    }
    return classes[kind]


def open_form(
    context: AppContext,
    kind: str,
    record_uuid: uuid.UUID | None = None,
    parent: QWidget | None = None,
    defaults: dict[str, Any] | None = None,
) -> RecordForm:
    """Show the form of one record (a new one when ``record_uuid`` is None), window-modal."""
    form = form_class(kind)(context, record_uuid, parent, defaults)
    form.open()
    return form
