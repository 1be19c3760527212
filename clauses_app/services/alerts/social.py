"""The alert for contracts the 2026 social-consideration rule covers and which have none.

The rule itself is :mod:`clauses_app.services.compliance`; this module only words it.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from clauses_app.formatting import format_date, format_money
from clauses_app.services.alerts.book import AlertKind, AlertRecord, PendingAlert
from clauses_app.services.compliance import Compliance, contracts_compliance
from clauses_app.services.thresholds import load_thresholds


def _missing_words(launch: date, value: Decimal, limit: Decimal, estimate: bool) -> str:
    what = "valeur estimée" if estimate else "montant attribué (valeur estimée non saisie)"
    return (
        f"consultation lancée le {format_date(launch)}, {what} {format_money(value)} "
        f"pour un seuil de {format_money(limit)} : ni considération sociale ni exception "
        "justifiée (art. L2112-2-1 du code de la commande publique)."
    )


def missing_consideration_alerts(
    session: Session, authority_uuid: uuid.UUID | None = None
) -> list[PendingAlert]:
    """One alert per contract subject to the rule with neither a social consideration nor
    a justified exception; due on its launch date. Only contracts launched from the
    obligation's first day with no social consideration can be missing one: the others are
    not read."""
    table = load_thresholds(session)
    alerts = []
    for item in contracts_compliance(
        session, authority_uuid, table, launched_from=table.obligation_start,
        without_consideration=True,
    ):  # fmt: skip
        if item.status != Compliance.MISSING:
            continue
        assert item.launch_date and item.value is not None and item.threshold is not None
        name = item.reference if authority_uuid else f"{item.reference} ({item.authority_name})"
        alerts.append(
            PendingAlert(AlertKind.SOCIAL_CONSIDERATION_MISSING, AlertRecord.CONTRACT,
                         item.contract_uuid, item.launch_date, f"Marché {name} : ",
                         _missing_words,
                         (item.launch_date, item.value, item.threshold, item.value_is_estimate),
                         item.contract_uuid)
        )  # fmt: skip
    return alerts
