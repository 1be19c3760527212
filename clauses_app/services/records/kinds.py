"""The kinds of record the window edits, and the fields a form may set on each."""

from __future__ import annotations

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Employment,
    Lot,
    Operation,
    Participant,
    PublicContract,
    Record,
)


class Kind:
    """Record kinds; the same strings as ``clauses_app.ui.context.RecordKind``."""

    AUTHORITY = "authority"
    OPERATION = "operation"
    CONTRACT = "contract"
    LOT = "lot"
    AWARD = "award"
    COMPANY = "company"
    PARTICIPANT = "participant"
    EMPLOYMENT = "employment"
    ALL = (AUTHORITY, OPERATION, CONTRACT, LOT, AWARD, COMPANY, PARTICIPANT, EMPLOYMENT)


MODELS: dict[str, type[Record]] = {
    Kind.AUTHORITY: ContractingAuthority,
    Kind.OPERATION: Operation,
    Kind.CONTRACT: PublicContract,
    Kind.LOT: Lot,
    Kind.AWARD: Award,
    Kind.COMPANY: Company,
    Kind.PARTICIPANT: Participant,
    Kind.EMPLOYMENT: Employment,
}

# Columns a form edits (model attribute names). Nested lists: "contacts", "criteria",
# "invoices".
FIELDS: dict[str, tuple[str, ...]] = {
    Kind.AUTHORITY: ("name", "kind", "siret", "address", "postal_code", "city", "notes",
                     "archived", "buyer_type"),
    Kind.OPERATION: ("authority_uuid", "name", "description", "start_date", "end_date"),
    Kind.CONTRACT: ("authority_uuid", "operation_uuid", "reference", "object", "procedure",
                    "legal_basis", "notification_date", "start_date", "end_date", "amount_ht",
                    "pooling_scope", "penalty_per_hour", "notes", "nature", "utilities",
                    "estimated_value", "launch_date", "social_consideration", "social_exception",
                    "social_exception_reason", "award_criterion_weight",
                    "statement_penalty_per_day"),
    Kind.LOT: ("contract_uuid", "number", "title", "trade_code", "amount_ht", "labour_share",
               "insertion_rate", "hourly_cost", "clause_mode", "required_hours",
               "required_percent", "tranche_amount", "tranche_hours", "start_date",
               "end_date"),
    Kind.AWARD: ("lot_uuid", "company_uuid", "role", "award_date", "required_hours",
                 "required_percent", "worked_hours_total"),
    Kind.COMPANY: ("name", "siret", "kind", "address", "postal_code", "city", "contact_name",
                   "email", "phone"),
    Kind.PARTICIPANT: ("external_id", "last_name", "first_name", "birth_date", "sex", "address",
                       "postal_code", "city", "qpv", "qualification_code", "last_contact_date",
                       "archived", "notes"),
    Kind.EMPLOYMENT: ("participant_uuid", "award_uuid", "employer_uuid", "modality_code",
                      "contract_type_code", "job_title", "start_date", "end_date",
                      "transferred_staff", "ineligible", "invoiced_amount", "outcome_end_code",
                      "outcome_6m_code"),
}  # fmt: skip

CONTACT_FIELDS = ("name", "role", "email", "phone")
CRITERION_FIELDS = ("criterion_code", "validated_on", "evidence", "status")
INVOICE_FIELDS = ("invoiced_on", "amount_ht", "reference")

# What a person calls one record of each kind (delete confirmations, messages).
NOUNS: dict[str, str] = {
    Kind.AUTHORITY: "le donneur d'ordre",
    Kind.OPERATION: "l'opération",
    Kind.CONTRACT: "le marché",
    Kind.LOT: "le lot",
    Kind.AWARD: "l'attribution",
    Kind.COMPANY: "l'entreprise",
    Kind.PARTICIPANT: "le participant",
    Kind.EMPLOYMENT: "le contrat",
}
