"""Default reference lists (guide §6), created with fixed UUIDs and a fixed timestamp.

The fixed timestamp makes every fresh database hold byte-identical reference rows, so that
exchange files never duplicate them and exports of equal data are equal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import ReferenceItem, ReferenceKind, reference_uuid

REFERENCE_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

K = ReferenceKind

DEFAULTS: dict[str, list[tuple[str, str]]] = {
    K.CRITERION: [
        ("DELD", "Demandeur d'emploi de longue durée (12 mois et plus)"),
        ("BRSA", "Bénéficiaire du RSA"),
        ("ASS", "Bénéficiaire de l'ASS"),
        ("AAH", "Bénéficiaire de l'AAH"),
        ("RQTH", "Travailleur handicapé (RQTH)"),
        ("JEUNE", "Jeune de moins de 26 ans peu qualifié"),
        ("SENIOR", "Personne de 50 ans et plus"),
        ("QPV", "Résident d'un quartier prioritaire (QPV)"),
        ("SIAE", "Salarié d'une SIAE"),
        ("PLIE", "Personne en parcours PLIE"),
        ("AVIS_SPE", "Avis motivé du service public de l'emploi"),
    ],
    K.MODALITY: [
        ("EMBAUCHE", "Embauche directe"),
        ("MAD", "Mise à disposition (ETTI, AI, GEIQ, intérim)"),
        ("SOUS_TRAITANCE", "Sous-traitance à une SIAE ou EA/ESAT"),
        ("CO_TRAITANCE", "Co-traitance avec une SIAE ou EA/ESAT"),
    ],
    K.CONTRACT_TYPE: [
        ("CDI", "CDI"),
        ("CDD", "CDD"),
        ("CDD_CHANTIER", "CDD de chantier"),
        ("CDDI", "CDDI (contrat d'insertion)"),
        ("INTERIM", "Mission d'intérim"),
        ("MISSION_ETTI", "Mission ETTI"),
        ("MISSION_AI", "Mission d'association intermédiaire"),
        ("GEIQ", "Contrat GEIQ"),
        ("APPRENTISSAGE", "Contrat d'apprentissage"),
        ("PROFESSIONNALISATION", "Contrat de professionnalisation"),
        ("PRESTATION_SIAE", "Prestation d'une SIAE"),
    ],
    K.QUALIFICATION: [
        ("INFRA3", "Sans diplôme (infra 3)"),
        ("3", "Niveau 3 (CAP, BEP)"),
        ("4", "Niveau 4 (bac)"),
        ("5", "Niveau 5 (bac+2)"),
        ("6+", "Niveau 6 et plus"),
    ],
    K.OUTCOME: [
        ("CDI", "CDI"),
        ("CDD_PLUS_6", "CDD de plus de 6 mois"),
        ("CDD_MOINS_6", "CDD de 6 mois ou moins"),
        ("INTERIM", "Intérim"),
        ("CONTRAT_AIDE", "Contrat aidé ou SIAE"),
        ("FORMATION", "Formation qualifiante"),
        ("CREATION", "Création d'entreprise"),
        ("RECHERCHE", "En recherche d'emploi"),
        ("AUTRE", "Autre situation"),
    ],
    K.COMPANY_KIND: [
        ("CLASSIQUE", "Entreprise classique"),
        ("ETTI", "Entreprise de travail temporaire d'insertion (ETTI)"),
        ("EI", "Entreprise d'insertion (EI)"),
        ("ACI", "Atelier et chantier d'insertion (ACI)"),
        ("AI", "Association intermédiaire (AI)"),
        ("GEIQ", "GEIQ"),
        ("EA", "Entreprise adaptée (EA)"),
        ("ESAT", "ESAT"),
        ("ETT", "Entreprise de travail temporaire"),
        ("REGIE", "Régie de quartier"),
    ],
    K.LEGAL_BASIS: [
        ("L2112-2", "Condition d'exécution (art. L2112-2 du CCP)"),
        ("L2152-7", "Critère d'attribution (art. L2152-7 et R2152-7 du CCP)"),
        ("L2113-12", "Marché réservé aux EA et ESAT (art. L2113-12 du CCP)"),
        ("L2113-13", "Marché réservé aux SIAE (art. L2113-13 du CCP)"),
        ("R2123-1", "Marché de services d'insertion et de qualification (art. R2123-1 du CCP)"),
    ],
}

DEFAULT_TRADES: list[tuple[str, str, Decimal]] = [
    ("PEINTURE", "Peinture intérieure", Decimal("70")),
    ("MACONNERIE", "Maçonnerie", Decimal("50")),
    ("CHARPENTE_METALLIQUE", "Charpente métallique", Decimal("20")),
    ("BATIMENT", "Bâtiment (moyenne)", Decimal("50")),
    ("ESPACES_VERTS", "Espaces verts", Decimal("60")),
    ("NETTOYAGE", "Nettoyage", Decimal("80")),
    ("VRD", "Voirie et réseaux divers", Decimal("30")),
]

# Outcomes that make a durable job (PLIE definition): a CDI or a CDD of more than 6 months.
DURABLE_OUTCOMES = frozenset({"CDI", "CDD_PLUS_6"})
TRAINING_OUTCOMES = frozenset({"FORMATION"})
SIAE_COMPANY_KINDS = frozenset({"ETTI", "EI", "ACI", "AI", "EA", "ESAT", "REGIE", "GEIQ"})


def default_rows() -> list[ReferenceItem]:
    rows: list[ReferenceItem] = []
    for kind, items in DEFAULTS.items():
        for position, (code, label) in enumerate(items):
            rows.append(_row(kind, code, label, position))
    for position, (code, label, share) in enumerate(DEFAULT_TRADES):
        rows.append(_row(K.TRADE, code, label, position, share))
    return rows


def _row(
    kind: str, code: str, label: str, position: int, share: Decimal | None = None
) -> ReferenceItem:
    return ReferenceItem(
        uuid=reference_uuid(kind, code),
        kind=kind,
        code=code,
        label=label,
        position=position,
        active=True,
        labour_share=share,
        created_at=REFERENCE_EPOCH,
        updated_at=REFERENCE_EPOCH,
    )


def ensure_reference_rows(session: Session) -> int:
    """Insert the default rows that are missing (edited labels are kept). Returns the count."""
    existing = set(session.execute(select(ReferenceItem.kind, ReferenceItem.code)))
    missing = [row for row in default_rows() if (row.kind, row.code) not in existing]
    session.add_all(missing)
    return len(missing)


def labels(session: Session, kind: str) -> dict[str, str]:
    """Code → label for one reference list, in display order."""
    rows = session.execute(
        select(ReferenceItem.code, ReferenceItem.label)
        .where(ReferenceItem.kind == kind)
        .order_by(ReferenceItem.position, ReferenceItem.code)
    )
    return dict(rows.all())


def trade_labour_shares(session: Session) -> dict[str, Decimal]:
    rows = session.execute(
        select(ReferenceItem.code, ReferenceItem.labour_share).where(
            ReferenceItem.kind == K.TRADE, ReferenceItem.labour_share.is_not(None)
        )
    )
    return {code: share for code, share in rows if share is not None}


@dataclass
class ReferenceRow:
    """One reference row being edited, with the values read from the database."""

    uuid: uuid.UUID
    kind: str
    code: str
    label: str
    labour_share: Decimal | None
    active: bool
    original: tuple[str, Decimal | None, bool]

    @property
    def changed(self) -> bool:
        return (self.label, self.labour_share, self.active) != self.original


def load_reference_rows(session: Session) -> dict[str, list[ReferenceRow]]:
    """Every reference row, per kind, in display order."""
    rows: dict[str, list[ReferenceRow]] = {kind: [] for kind in ReferenceKind.ALL}
    for item in session.scalars(
        select(ReferenceItem).order_by(
            ReferenceItem.kind, ReferenceItem.position, ReferenceItem.code
        )
    ):
        rows.setdefault(item.kind, []).append(
            ReferenceRow(
                item.uuid,
                item.kind,
                item.code,
                item.label,
                item.labour_share,
                item.active,
                (item.label, item.labour_share, item.active),
            )
        )
    return rows


def save_reference_rows(session: Session, rows: list[ReferenceRow]) -> int:
    """Write the changed rows (the caller commits). Returns how many changed."""
    changed = [row for row in rows if row.changed]
    for row in changed:
        item = session.get(ReferenceItem, row.uuid)
        if item is None:
            continue
        item.label = row.label
        item.active = row.active
        if row.kind == ReferenceKind.TRADE:
            item.labour_share = row.labour_share
    return len(changed)
