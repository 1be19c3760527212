"""Free text of spreadsheets to the reference codes (guide §6): criteria, contract types,
modalities, qualification levels, trades; and lot labels to a number and a title."""

from __future__ import annotations

import re

from clauses_app.exchange.sheets.values import normalise

# Word patterns on normalised text, most specific first.
CRITERIA_PATTERNS: tuple[tuple[str, str], ...] = (
    ("AVIS_SPE", r"\bavis\b|\bspe\b|prescri"),
    ("DELD", r"\bdeld\b|longue duree|chomeur|demandeur d emploi"),
    ("BRSA", r"\bb?rsa\b|revenu de solidarite"),
    ("ASS", r"\bass\b|allocation de solidarite specifique"),
    ("AAH", r"\baah\b|allocation adulte"),
    ("RQTH", r"\brqth\b|\bth\b|handicap|\boeth\b"),
    ("JEUNE", r"\bjeunes?\b|26 ans|moins de 26|\b26\b"),
    ("SENIOR", r"\bseniors?\b|50 ans|plus de 50|\b50\b"),
    ("QPV", r"\bqpv\b|quartier"),
    ("SIAE", r"\bsiae\b|salarie d une siae|insertion par l activite"),
    ("PLIE", r"\bplie\b"),
)
SPLIT = re.compile(r"\s*(?:[,;/+&]|\bet\b)\s*")


def criteria_codes(text: str, known: set[str]) -> tuple[list[str], list[str]]:
    """(codes, parts not understood) for a cell such as ``Jeune -26 ans peu qualifié``."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in SPLIT.split(text or ""):
        if not part.strip():
            continue
        upper = part.strip().upper()
        if upper in known:
            codes.append(upper)
            continue
        plain = normalise(part)
        found = [code for code, pattern in CRITERIA_PATTERNS if re.search(pattern, plain)]
        if found:
            codes.append(found[0])
        else:
            unknown.append(part.strip())
    return sorted(set(codes)), unknown


CONTRACT_TYPES: dict[str, str] = {
    "cdi": "CDI",
    "cdd": "CDD",
    "cdd chantier": "CDD_CHANTIER",
    "cdd de chantier": "CDD_CHANTIER",
    "contrat de chantier": "CDD_CHANTIER",
    "cddi": "CDDI",
    "cdd insertion": "CDDI",
    "cdd d insertion": "CDDI",
    "contrat d insertion": "CDDI",
    "interim": "INTERIM",
    "mission d interim": "INTERIM",
    "mission interim": "INTERIM",
    "travail temporaire": "INTERIM",
    "etti": "MISSION_ETTI",
    "mission etti": "MISSION_ETTI",
    "ai": "MISSION_AI",
    "mission ai": "MISSION_AI",
    "association intermediaire": "MISSION_AI",
    "geiq": "GEIQ",
    "contrat geiq": "GEIQ",
    "apprentissage": "APPRENTISSAGE",
    "contrat d apprentissage": "APPRENTISSAGE",
    "apprenti": "APPRENTISSAGE",
    "professionnalisation": "PROFESSIONNALISATION",
    "contrat de professionnalisation": "PROFESSIONNALISATION",
    "contrat pro": "PROFESSIONNALISATION",
    "prestation siae": "PRESTATION_SIAE",
    "sous traitance": "PRESTATION_SIAE",
    "sous traitance siae": "PRESTATION_SIAE",
}
MADE_AVAILABLE_TYPES = {"INTERIM", "MISSION_ETTI", "MISSION_AI", "GEIQ"}
MODALITIES: dict[str, str] = {
    "embauche": "EMBAUCHE",
    "embauche directe": "EMBAUCHE",
    "mise a disposition": "MAD",
    "mad": "MAD",
    "sous traitance": "SOUS_TRAITANCE",
    "co traitance": "CO_TRAITANCE",
    "cotraitance": "CO_TRAITANCE",
}


def code_from_text(text: str, table: dict[str, str], labels: dict[str, str]) -> str | None:
    """A code from its usual wording, its code or its label in the reference list."""
    plain = normalise(text)
    if not plain:
        return None
    if plain in table:
        return table[plain]
    for code, label in labels.items():
        if plain in (normalise(code), normalise(label)):
            return code
    return None


def modality_for(contract_type: str) -> str:
    """The usual modality of a contract type when the tracker does not say."""
    if contract_type in MADE_AVAILABLE_TYPES:
        return "MAD"
    if contract_type == "PRESTATION_SIAE":
        return "SOUS_TRAITANCE"
    return "EMBAUCHE"


_LOT = re.compile(r"^\s*lot\s*(?:n\s*[°o]?\s*)?([0-9]+[a-z]?)\b\s*[-–—:.]?\s*(.*)$", re.IGNORECASE)


def split_lot(text: str) -> tuple[str, str]:
    """``Lot 1 – Espaces verts`` → (``1``, ``Espaces verts``); ``2`` → (``2``, ``Lot 2``)."""
    text = (text or "").strip()
    match = _LOT.match(text)
    if match:
        number, title = match.group(1), match.group(2).strip()
        return number.upper(), title or f"Lot {number}"
    if re.fullmatch(r"[0-9]+[a-zA-Z]?", text):
        return text.upper(), f"Lot {text}"
    return text[:20], text


def trade_for(title: str, trades: dict[str, str]) -> str | None:
    """The trade whose label (or code) appears in a lot's title."""
    plain = normalise(title)
    for code, label in trades.items():
        if normalise(label) and normalise(label).split(" (")[0] in plain:
            return code
        if normalise(code.replace("_", " ")) in plain:
            return code
    return None
