"""The domain model (SQLAlchemy 2 typed declarative). Qt-free."""

from clauses_app.models.alerts import AlertMark, AlertMarkStatus
from clauses_app.models.base import Base, Record
from clauses_app.models.contracts import (
    Award,
    AwardRole,
    ClauseMode,
    ContractNature,
    Invoice,
    Lot,
    Operation,
    PoolingScope,
    PublicContract,
    SocialConsideration,
    SocialException,
)
from clauses_app.models.employment import Employment, HoursKind, HoursRecord, Modality
from clauses_app.models.history import HistoryAction, RecordHistory
from clauses_app.models.parties import BuyerType, Company, Contact, ContractingAuthority
from clauses_app.models.people import (
    CriterionStatus,
    Participant,
    ParticipantCriterion,
    Sex,
    criterion_validation,
)
from clauses_app.models.privacy import PrivacyPurge, RetentionHold
from clauses_app.models.reference import (
    Narrative,
    ReferenceItem,
    ReferenceKind,
    Setting,
    reference_uuid,
)
from clauses_app.models.team import AuthorityFacilitator

# Exchangeable entities, parents before children (the order of inserts and of export members).
ENTITIES: tuple[type[Record], ...] = (
    ReferenceItem,
    ContractingAuthority,
    Contact,
    Company,
    Operation,
    PublicContract,
    Lot,
    Award,
    Invoice,
    Participant,
    ParticipantCriterion,
    Employment,
    HoursRecord,
)

__all__ = [
    "ENTITIES",
    "AlertMark",
    "AlertMarkStatus",
    "AuthorityFacilitator",
    "Award",
    "AwardRole",
    "Base",
    "BuyerType",
    "ClauseMode",
    "Company",
    "Contact",
    "ContractNature",
    "ContractingAuthority",
    "CriterionStatus",
    "Employment",
    "HistoryAction",
    "HoursKind",
    "HoursRecord",
    "Invoice",
    "Lot",
    "Modality",
    "Narrative",
    "Operation",
    "Participant",
    "ParticipantCriterion",
    "PoolingScope",
    "PrivacyPurge",
    "PublicContract",
    "Record",
    "RecordHistory",
    "ReferenceItem",
    "ReferenceKind",
    "RetentionHold",
    "Setting",
    "Sex",
    "SocialConsideration",
    "SocialException",
    "criterion_validation",
    "reference_uuid",
]
