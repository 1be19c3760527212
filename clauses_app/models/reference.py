"""Editable reference lists (criteria, modalities, contract types, …) and settings.

Every reference row has a fixed UUID derived from its kind and code, so that every database
shares them and exchange files never duplicate them. Labels (and a trade's labour share) are
editable; codes are stable and are what other records store.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from clauses_app.models.base import REFERENCE_NAMESPACE, Base, Code, Ratio, Record


class ReferenceKind:
    CRITERION = "criterion"
    MODALITY = "modality"
    CONTRACT_TYPE = "contract_type"
    QUALIFICATION = "qualification"
    TRADE = "trade"
    OUTCOME = "outcome"
    COMPANY_KIND = "company_kind"
    LEGAL_BASIS = "legal_basis"

    ALL = (
        CRITERION,
        MODALITY,
        CONTRACT_TYPE,
        QUALIFICATION,
        TRADE,
        OUTCOME,
        COMPANY_KIND,
        LEGAL_BASIS,
    )


def reference_uuid(kind: str, code: str) -> uuid.UUID:
    """The fixed UUID of a reference row, identical in every database."""
    return uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{code}")


class ReferenceItem(Record):
    __tablename__ = "reference_item"
    __table_args__ = (UniqueConstraint("kind", "code", name="uq_reference_item_kind_code"),)

    kind: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(Code())
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Only trades use it: the share of labour in the amount, in percent (50 = 50 %).
    labour_share: Mapped[Decimal | None] = mapped_column(Ratio(), nullable=True)


class Setting(Base):
    """One global setting: a key and a JSON value. Defaults live in services.settings."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Narrative(Record):
    """The facilitator's own words for a balance report: one text per authority and period."""

    __tablename__ = "narrative"
    __table_args__ = (
        UniqueConstraint("authority_uuid", "period_key", name="uq_narrative_authority_period"),
    )

    authority_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("contracting_authority.uuid", ondelete="CASCADE"), index=True
    )
    # "2025" for a year, "2025-01-01..2025-06-30" for a date range, "" for all time.
    period_key: Mapped[str] = mapped_column(String(40), default="")
    body: Mapped[str] = mapped_column(Text, default="")
