"""Free text of spreadsheets to the reference codes (guide §6): criteria, contract types,
modalities, qualification levels, sexes, trades, kinds of company, outcomes; and lot labels to
a number and a title.

Every coded column is read the same way: the code itself, else the label of the reference
list, else word patterns on the text with accents, case and punctuation ignored (most specific
pattern first). What no pattern understands is left to the user, who picks its code in the
import's mapping step (saved in the mapping profile) or with ``--map-value``.
The patterns are tested against a corpus of real wordings (tests/exchange/wordings.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clauses_app.exchange.sheets.values import normalise

Patterns = Sequence[tuple[str, str]]


_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}[A-Za-z]?\.?")


def plain(text: object) -> str:
    """Text as the patterns read it: ``œ`` as ``oe``, comparison signs and ``+`` as words
    (``CDD > 6 mois`` → ``cdd plus de 6 mois``, ``Bac+2`` → ``bac plus 2``), then normalised."""
    raw = str(text or "").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    # Dotted abbreviations: « C.D.I. » → « CDI ».
    raw = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), raw)
    raw = raw.replace("≥", " plus de ").replace(">", " plus de ").replace("<", " moins de ")
    raw = raw.replace("≤", " moins de ").replace("+", " plus ")
    return normalise(raw)


def pattern_code(text: str, patterns: Patterns) -> str | None:
    """The code of the first pattern found in ``text`` (see :func:`plain`)."""
    words = plain(text)
    if not words:
        return None
    for code, pattern in patterns:
        if re.search(pattern, words):
            return code
    return None


def coded(text: str, patterns: Patterns, labels: dict[str, str]) -> str | None:
    """A code from the code itself, the reference list's label, or the word patterns."""
    words = plain(text)
    if not words:
        return None
    for code, label in labels.items():
        if words in (plain(code), plain(label), normalise(code)):
            return code
    return pattern_code(text, patterns)


# ---------------------------------------------------------------- criteria (several per cell)

# Most specific first: age and allowances before the generic job-seeker wordings
# (« Demandeur d'emploi de plus de 50 ans » is SENIOR, « Allocation aux adultes handicapés »
# AAH rather than RQTH).
CRITERIA_PATTERNS: Patterns = (
    ("AVIS_SPE", r"\bavis\b|\bspe\b|prescri|service public de l emploi"),
    ("AAH", r"\baah\b|allocation (aux )?adultes? handicap"),
    ("ASS", r"\bass\b|allocation de solidarite specifique"),
    ("BRSA", r"\bb?rsa\b|revenu de solidarite|minimum? d insertion|\brmi\b"),
    ("RQTH", r"\brqth\b|\bth\b|handicap|\bb?oeth\b|\bmdph\b"),
    ("JEUNE", r"\bjeunes?\b|26 ans|moins (de )?26|\b26\b|\b1[68] 25\b|mission locale|"
              r"garantie jeunes?|\bcej\b|\bneet\b"),
    ("SENIOR", r"\bseniors?\b|50 ans|plus (de )?50|\b50\b|\b5[05] ans et plus"),
    ("QPV", r"\bqpv\b|quartier|\bzus\b|politique de la ville"),
    ("SIAE", r"\bsiae\b|salaries? d une siae|insertion par l activite|\biae\b|agrement|"
             r"salaries? en insertion"),
    ("PLIE", r"\bplie\b"),
    ("DELD", r"\bd?e?t?ld\b|longue duree|chomeur|demandeur d emploi|\bde\b.*\b(12|24) mois|"
             r"pole emploi|france travail"),
)
# Parts are separated by , ; / & « et », and by a + between words (« RSA+QPV », « DELD + 50
# ans »), not by the + of « +50 ans » or « DE +12 mois », nor by « et plus ».
SPLIT = re.compile(r"\s*(?:[,;/&]|\bet\b(?!\s+plus)|\s\+\s|\+(?=\s*[^\d\s]))\s*")


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
        found = pattern_code(part, CRITERIA_PATTERNS)
        if found:
            codes.append(found)
        else:
            unknown.append(part.strip())
    return sorted(set(codes)), unknown


# ---------------------------------------------------------------- one code per cell

# « travail temporaire d'insertion » is an ETTI's mission, « CDD d'insertion » an SIAE's
# contract, « alternance » alone an apprenticeship (the usual case); a « CDI de chantier » (or
# d'opération) ends with the site, as the CDD_CHANTIER code's label says.
CONTRACT_TYPE_PATTERNS: Patterns = (
    ("PRESTATION_SIAE", r"sous traitan|co ?traitan|prestation|\bst\b"),
    ("MISSION_ETTI", r"\betti\b|\bctti\b|temporaire d insertion|interim (d )?insertion|"
                     r"mission d insertion"),
    ("MISSION_AI", r"\bai\b|association intermediaire|\bmad ai\b"),
    ("GEIQ", r"\bgeiq\b|groupement d employeurs"),
    ("PROFESSIONNALISATION", r"professionnali|\bcontrat pro\b|\bpro\b|\bcpro\b|\bcp\b"),
    ("APPRENTISSAGE", r"apprenti|alternance|\bcfa\b"),
    ("CDDI", r"\bcddi\b|insertion|\baci\b|\bei\b"),
    ("CDD_CHANTIER", r"chantier|d operation|\bcdic\b"),
    ("INTERIM", r"interim|travail temporaire|\bctt\b|\bett\b|\btt\b|\bmission\b"),
    ("CDI", r"\bcdi\b|indetermine"),
    ("CDD", r"\bcdd\b|determine|\bcdd tremplin\b"),
)
MADE_AVAILABLE_TYPES = {"INTERIM", "MISSION_ETTI", "MISSION_AI", "GEIQ"}

MODALITY_PATTERNS: Patterns = (
    ("SOUS_TRAITANCE", r"sous traitan|\bst\b|prestation"),
    ("CO_TRAITANCE", r"co ?traitan|groupement"),
    ("MAD", r"mise a disposition|\bmad\b|\bmis a disposition|interim|\betti?\b|\bai\b|"
            r"\bgeiq\b|travail temporaire"),
    ("EMBAUCHE", r"embauche|recrut|direct|\bsalarie|\bcdi\b|\bcdd\b|contrat de travail|"
                 r"apprenti|professionnali"),
)

# The national nomenclature since 2019 (3 CAP/BEP, 4 bac, 5 bac+2, 6 and more), the one before
# it (V CAP/BEP, IV bac, III bac+2, II and I), and diplomas by name.
QUALIFICATION_PATTERNS: Patterns = (
    ("INFRA3", r"infra|sans (diplome|qualification)|aucun|pas de diplome|non diplome|"
               r"\bvi\b|\bv bis\b|\bvbis\b|\bbrevet\b|\bcfg\b|\bdnb\b|niveau [12]\b|"
               r"college|\bnon qualifie"),
    ("6+", r"bac plus [3-8]\b|licence|master|\bbut\b|doctorat|ingenieur|niveau [678]\b|"
           r"niveau (i|ii)\b|^[678]$|^6 plus$|^(i|ii)$|6 et plus"),
    ("5", r"bac plus 2\b|\bbts\b|\bdut\b|\bdeug\b|niveau 5\b|niveau iii\b|^5$|^iii$"),
    ("4", r"\bbac\b|baccalaureat|\bbp\b|niveau 4\b|niveau iv\b|^4$|^iv$"),
    ("3", r"\bcap\b|\bbep\b|niveau 3\b|niveau v\b|^3$|^v$|titre professionnel"),
)

# INSEE codes 1 and 2 too.
SEX_PATTERNS: Patterns = (
    ("M", r"^(h|m|1|homme|hommes|masculin|masc|mr|m r|monsieur|garcon|male)$"),
    ("F", r"^(f|2|femme|femmes|feminin|fem|mme|madame|mlle|mademoiselle|fille|female)$"),
)

TRADE_PATTERNS: Patterns = (
    ("PEINTURE", r"peint|revetements? (muraux|de sol)|ravalement|finitions?"),
    ("CHARPENTE_METALLIQUE", r"charpente metal|serrurerie|metallerie|structure metal"),
    ("MACONNERIE", r"macon|gros oeuvre|beton|demolition"),
    ("ESPACES_VERTS", r"espaces? verts?|paysag|jardin|elagage|plantation"),
    ("NETTOYAGE", r"nettoyage|proprete|entretien des locaux|menage"),
    ("VRD", r"\bvrd\b|voirie|reseaux|terrassement|assainissement|travaux publics|\btp\b"),
    ("BATIMENT", r"batiment|\btce\b|tous corps|second oeuvre|renovation|rehabilitation|"
                 r"menuiserie|platrerie|plomberie|electricite|couverture|cloisons?|"
                 r"chauffage|carrelage|isolation|etancheite"),
)

COMPANY_KIND_PATTERNS: Patterns = (
    ("ETTI", r"\betti\b|travail temporaire d insertion|interim d insertion"),
    ("GEIQ", r"\bgeiq\b|groupement d employeurs"),
    ("AI", r"\bai\b|association intermediaire"),
    ("ACI", r"\baci\b|chantiers? d insertion|ateliers? (et chantiers? )?d insertion"),
    ("EI", r"\bei\b|entreprise d insertion"),
    ("ESAT", r"\besat\b|\bcat\b|etablissement (et service )?d aide par le travail"),
    ("EA", r"\bea\b|entreprise adaptee"),
    ("REGIE", r"regie"),
    ("ETT", r"\bett\b|interim|travail temporaire"),
    ("CLASSIQUE", r"classique|ordinaire|droit commun|\bsarl\b|\bsas\b|\bsa\b|\bbtp\b|"
                  r"entreprise privee|^entreprise$|attributaire|\bpme\b|\btpe\b"),
)

OUTCOME_PATTERNS: Patterns = (
    ("CDD_PLUS_6", r"\bcdd\b.*(plus de 6|plus 6|6 mois et plus|superieur)|"
                   r"\bcdd\b.*\b([7-9]|1[0-9]|2[0-4]) mois"),
    ("CDD_MOINS_6", r"\bcdd\b.*(moins de 6|moins 6|inferieur|[1-6] mois)|\bcdd court\b"),
    ("CDI", r"\bcdi\b|indetermine|embauche definitive"),
    ("CONTRAT_AIDE", r"contrat aide|\bpec\b|\bcui\b|\bsiae\b|\bcddi\b|insertion|\baci\b|"
                     r"\bei\b|\betti\b|parcours emploi competences"),
    ("FORMATION", r"formation|qualifiant|apprenti|professionnali|alternance|etudes"),
    ("INTERIM", r"interim|\bmission|travail temporaire"),
    ("CREATION", r"creation|auto ?entrepreneur|micro ?entrepr|independant|entreprise creee"),
    ("RECHERCHE", r"recherche|demandeur|chomage|sans emploi|inscrit|\bde\b"),
    ("AUTRE", r"autre|abandon|demenagement|maladie|deces|retraite|inconnu|perdu de vue"),
)


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


def lot_key(number: str) -> str:
    """A lot's number as lots are matched: ``01`` and ``1`` are one lot, ``2a`` and ``2A``
    too (the number is kept as typed)."""
    return re.sub(r"^0+(?=\d)", "", (number or "").strip()).upper()


def trade_for(title: str, trades: dict[str, str]) -> str | None:
    """The trade of a lot from its title: a label (or code) of the list, else the patterns."""
    words = plain(title)
    for code, label in trades.items():
        if plain(label) and plain(label.split(" (")[0]) in words:
            return code
        if plain(code.replace("_", " ")) in words:
            return code
    found = pattern_code(title, TRADE_PATTERNS)
    return found if found in trades else None


# ------------------------------------------------ the 2026 rule's columns (services/compliance)

# « Aucune », « non », « néant »: an empty choice (no exception; no social consideration).
NOTHING = re.compile(r"^(aucune?|non|sans( objet)?|neant|nc|na|n a|pas d exception|0|no|none)$")

NATURE_PATTERNS: Patterns = (
    ("WORKS_CONCESSION", r"concession.*travaux|travaux.*concession"),
    ("SERVICES_CONCESSION", r"concession|\bdsp\b|delegation de service public"),
    ("DEFENCE", r"defense|securite"),
    ("WORKS", r"travaux|^tx$|^t$|\bbtp\b|batiment|genie civil"),
    ("SUPPLIES", r"fourniture|^f$|^fcs$|livraison|achat de materiel"),
    ("SERVICES", r"service|prestation|^s$|^pi$|intellectuel"),
)
# « Pas de clause d'insertion » before the clause itself; « oui » is the usual clause.
CONSIDERATION_PATTERNS: Patterns = (
    ("NONE", r"^(aucune?|non|sans|neant|0|no|none)\b|^pas d|\bsans (clause|consideration)"),
    ("RESERVED", r"reserve|\bl ?2113 1[2-5]\b|\besat\b"),
    # An award criterion (L2152-7), even on insertion, is not the execution condition.
    ("OTHER", r"critere|\bl ?2152 7\b"),
    ("INSERTION_CLAUSE", r"insertion|clause sociale|condition d execution|\bl ?2112 2\b|"
                         r"^(oui|o|x|yes|1)$"),
    ("OTHER", r"autre|social|emploi|egalite|handicap"),
)  # fmt: skip
EXCEPTION_PATTERNS: Patterns = (
    ("IMMEDIATE_SOLUTION", r"immediat|etagere|deja disponible|disponible"),
    ("NO_LINK", r"lien|objet du marche|sans rapport|pas en rapport"),
    ("COMPETITION", r"concurrence|difficult|technique|economique"),
    ("OTHER", r"^autres?\b"),
)
BUYER_TYPE_PATTERNS: Patterns = (
    ("STATE", r"\betat\b|ministere|prefecture|deconcentre|central|\bepa national"),
    ("LOCAL", r"collectivite|commune|ville|departement|region|\bepci\b|intercommunal|"
              r"metropole|local|territorial|bailleur|office|hopital|hospitalier|"
              r"autres? acheteurs?"),
)  # fmt: skip


def social_coded(text: str, patterns: Patterns, labels: dict[str, str]) -> str | None:
    """A 2026 column's code, as :func:`coded`; « aucune », « non »… say nothing (None)."""
    if NOTHING.match(plain(text)) and "NONE" not in labels:
        return None
    return coded(text, patterns, labels)


# The tracker's coded columns: the reference list each one's codes come from.
CODED_FIELDS: dict[str, str] = {
    "contract_type": "contract_type",
    "modality": "modality",
    "criterion": "criterion",
    "qualification": "qualification",
    "sex": "sex",
    "trade": "trade",
    "company_kind": "company_kind",
    "outcome": "outcome",
    "nature": "nature",
    "social_consideration": "social_consideration",
    "social_exception": "social_exception",
    "buyer_type": "buyer_type",
}
SEXES = {"M": "Homme", "F": "Femme"}


def social_labels() -> dict[str, dict[str, str]]:
    """``{field: {code: label}}`` of the 2026 rule's coded columns."""
    from clauses_app.services.compliance import (
        BUYER_TYPE_LABELS,
        CONSIDERATION_LABELS,
        EXCEPTION_LABELS,
        NATURE_LABELS,
    )

    return {
        "nature": NATURE_LABELS,
        "social_consideration": CONSIDERATION_LABELS,
        "social_exception": EXCEPTION_LABELS,
        "buyer_type": BUYER_TYPE_LABELS,
    }


def code_choices(session: object, field_name: str) -> dict[str, str]:
    """``{code: label}`` a coded column's values may take (for the user's choice)."""
    from clauses_app.services.reference import labels

    kind = CODED_FIELDS[field_name]
    if kind == "sex":
        return dict(SEXES)
    social = social_labels()
    if kind in social:
        return dict(social[kind])
    return labels(session, kind)  # type: ignore[arg-type]
