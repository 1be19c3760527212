"""Column mapping of spreadsheets: the fields each kind of import reads, guessing them from
header names (accents, case and punctuation ignored, French variants), finding the header row
under title rows, and named mapping profiles kept in the ``setting`` table.

A mapping is ``{field: header text}``, as shown to and corrected by the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.exchange.sheets.grid import Sheet, sums_row_reason
from clauses_app.exchange.sheets.sheet_xml import MergedRange
from clauses_app.exchange.sheets.values import normalise
from clauses_app.models import Setting

TRACKER, HOURS = "tracker", "hours"
KINDS = (TRACKER, HOURS)


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # French, for the mapping step
    aliases: tuple[str, ...]  # normalised header texts
    # Normalised words that rule the field out: « Heures d'insertion réalisées » holds the
    # words of « Heures d'insertion » (hours required), but « réalisées » says hours done.
    excluded: frozenset[str] = frozenset()


def _f(name: str, label: str, *aliases: str, excluded: str = "") -> Field:
    return Field(name, label, tuple(normalise(a) for a in aliases),
                 frozenset(normalise(excluded).split()))  # fmt: skip


# Words of hours done, and of hours owed: a heading with one cannot be the other.
DONE_WORDS = "réalisées réalisés réalisé effectuées effectués travaillées"
OWED_WORDS = (
    "prescrites prescrit requises prévues prévisionnelles objectif réaliser effectuer "
    "exigées dues engagement"
)


_COMMON = {
    "contract_reference": _f(
        "contract_reference", "N° de marché", "N° marché", "Numéro de marché", "N° du marché",
        "Référence du marché", "Réf. marché", "Marché", "Référence marché", "Numéro marché",
    ),
    "lot": _f("lot", "Lot", "Lot", "N° lot", "Numéro de lot", "Intitulé du lot", "Lot n°"),
    "company": _f(
        "company", "Entreprise", "Entreprise attributaire", "Titulaire", "Attributaire",
        "Entreprise", "Raison sociale", "Entreprise titulaire", "Employeur",
    ),
    "siret": _f("siret", "SIRET", "SIRET", "N° SIRET", "Numéro SIRET", "Siret entreprise"),
    "external_id": _f(
        "external_id", "Identifiant du participant", "Identifiant", "ID participant",
        "N° participant", "Identifiant participant", "Matricule", "N° dossier",
    ),
    "last_name": _f("last_name", "Nom", "Nom", "Nom du participant", "Nom de famille",
                    "Nom participant", "Nom du salarié", "Nom salarié"),
    "first_name": _f("first_name", "Prénom", "Prénom", "Prénom du participant",
                     "Prénom participant", "Prénom du salarié"),
    "birth_date": _f("birth_date", "Date de naissance", "Date de naissance", "Né(e) le",
                     "Né le", "Née le", "Naissance", "Date naissance", "DDN"),
}  # fmt: skip

FIELDS: dict[str, tuple[Field, ...]] = {
    TRACKER: (
        _f("authority", "Donneur d'ordre", "Donneur d'ordre", "Donneur d'ordres",
           "Maître d'ouvrage", "Maître d'ouvrage public", "Acheteur", "Acheteur public",
           "Collectivité", "Pouvoir adjudicateur", "Maîtrise d'ouvrage"),
        _COMMON["contract_reference"],
        _f("contract_object", "Objet du marché", "Objet du marché", "Objet",
           "Intitulé du marché", "Libellé du marché", "Objet marché"),
        _COMMON["lot"],
        _f("lot_amount", "Montant HT du lot", "Montant HT", "Montant du lot", "Montant HT du lot",
           "Montant lot HT", "Montant", "Montant HT (€)"),
        _f("required_hours", "Heures prescrites (lot)", "Heures d'insertion prescrites",
           "Heures prescrites", "Heures requises", "Nombre d'heures prescrites",
           "Objectif d'heures", "Objectif heures", "Heures d'insertion", "Volume d'heures",
           "Heures à réaliser", "Engagement d'heures", "Heures clause", "Heures prévues",
           "Heures à effectuer", "Heures exigées", "Heures dues",
           "Heures d'insertion à réaliser", "Heures d'insertion prévues", excluded=DONE_WORDS),
        _COMMON["company"],
        _COMMON["siret"],
        _COMMON["external_id"],
        _COMMON["last_name"],
        _COMMON["first_name"],
        _COMMON["birth_date"],
        _f("sex", "Sexe", "Sexe", "H/F", "F/H", "Genre", "Civilité", "M/F"),
        _f("criterion", "Critère d'éligibilité", "Critère d'éligibilité", "Critère",
           "Critères", "Critères d'éligibilité", "Public", "Éligibilité", "Public cible",
           "Statut"),
        _f("contract_type", "Type de contrat", "Type de contrat", "Contrat", "Nature du contrat",
           "Type contrat"),
        _f("modality", "Modalité", "Modalité", "Modalité de réalisation", "Mode de réalisation"),
        _f("start_date", "Date de début", "Date de début", "Début", "Date d'entrée",
           "Date d'embauche", "Début du contrat", "Date début", "Début contrat"),
        _f("end_date", "Date de fin", "Date de fin", "Fin", "Date de sortie", "Fin du contrat",
           "Date fin", "Fin contrat"),
        _f("hours_done", "Heures réalisées", "Heures réalisées", "Heures effectuées",
           "Total heures", "Heures travaillées", "Nombre d'heures réalisées", "Heures",
           "Total des heures", "Heures d'insertion réalisées", "Heures d'insertion effectuées",
           "H. réalisées", "H réalisées", "Hrs réalisées", "Réalisé", "Heures réalisées à ce jour",
           excluded=OWED_WORDS),
        _f("qpv", "Résident QPV", "QPV", "Résident QPV", "Résidant QPV", "Quartier prioritaire"),
        _f("qualification", "Niveau de qualification", "Niveau de qualification", "Niveau",
           "Qualification", "Niveau de formation", "Diplôme"),
        _f("trade", "Corps d'état (lot)", "Corps d'état", "Corps de métier", "Métier",
           "Corps d'état du lot", "Secteur d'activité", "Activité"),
        _f("company_kind", "Type de structure", "Type de structure", "Type d'entreprise",
           "Nature de l'entreprise", "Statut de l'entreprise", "Type d'employeur",
           "Nature de la structure", "Structure"),
        _f("outcome", "Situation à la sortie", "Situation à la sortie", "Sortie",
           "Type de sortie", "Situation en fin de contrat", "Situation fin de contrat",
           "Sortie du dispositif", "Devenir", "Situation à l'issue"),
        # The 2026 rule (services/compliance.py): what a contract needs to be judged.
        _f("buyer_type", "Catégorie d'acheteur", "Catégorie d'acheteur", "Type d'acheteur",
           "Type de donneur d'ordre", "Catégorie de l'acheteur", "Type d'acheteur public"),
        _f("nature", "Nature du marché", "Nature du marché", "Type de marché",
           "Catégorie de marché", "Nature des prestations", "Catégorie d'achat"),
        _f("utilities", "Entité adjudicatrice", "Entité adjudicatrice", "Opérateur de réseau",
           "Entité adjudicatrice (oui/non)", "Secteurs spéciaux"),
        _f("estimated_value", "Valeur estimée HT", "Valeur estimée HT", "Valeur estimée",
           "Montant estimé", "Montant estimé HT", "Estimation HT", "Estimation",
           "Valeur estimée du marché", "Montant prévisionnel HT"),
        _f("launch_date", "Lancement de la consultation", "Lancement de la consultation",
           "Date de lancement", "Date de lancement de la consultation", "Date d'envoi de l'avis",
           "Date de publication", "Date AAPC", "Publication de l'avis", "Lancement"),
        _f("social_consideration", "Considération sociale", "Considération sociale",
           "Considération sociale ou d'emploi", "Dimension sociale", "Clause sociale",
           "Type de clause sociale", "Considération sociale (2026)"),
        _f("social_exception", "Exception invoquée", "Exception invoquée", "Exception",
           "Motif d'exception", "Exception à l'obligation", "Dérogation"),
        _f("social_exception_reason", "Justification de l'exception",
           "Justification de l'exception", "Justification", "Motif de l'exception",
           "Justification dérogation", "Motivation de l'exception"),
    ),
    HOURS: (
        _COMMON["contract_reference"],
        _COMMON["lot"],
        _COMMON["company"],
        _COMMON["siret"],
        _COMMON["external_id"],
        _COMMON["last_name"],
        _COMMON["first_name"],
        _COMMON["birth_date"],
        _f("month", "Mois", "Mois", "Période", "Mois de référence", "Mois concerné",
           "Mois travaillé"),
        _f("worked_hours", "Heures travaillées", "Heures travaillées", "Heures réalisées",
           "Heures effectuées", "Heures", "Nombre d'heures", "Nb heures", "Heures du mois",
           "H. travaillées", "H travaillées", excluded=f"{OWED_WORDS} formation"),
        _f("training_hours", "Heures de formation", "Heures de formation", "Formation",
           "Heures formation"),
    ),
}  # fmt: skip

REQUIRED: dict[str, tuple[str, ...]] = {
    TRACKER: ("authority", "contract_reference", "company", "last_name", "first_name",
              "start_date"),
    HOURS: ("contract_reference", "last_name", "first_name", "month", "worked_hours"),
}  # fmt: skip


def field_labels(kind: str) -> dict[str, str]:
    return {f.name: f.label for f in FIELDS[kind]}


def _score(header: str, field: Field) -> int:
    """100 for a known wording, less for a wording that contains (or is inside) one."""
    if not header:
        return 0
    if header in field.aliases:
        return 100
    words = set(header.split())
    if words & field.excluded:
        return 0
    best = 0
    for alias in field.aliases:
        alias_words = set(alias.split())
        if alias_words <= words:
            best = max(best, 50 + 5 * len(alias_words) - len(words - alias_words))
        elif words <= alias_words and len(words) > 1:
            best = max(best, 30 + 5 * len(words))
    return best


def guess_mapping(headers: list[Any], kind: str) -> dict[str, str]:
    """Best field for each header (each used once); ``{field: header as written}``."""
    return guess_mapping_and_doubts(headers, kind)[0]


def guess_mapping_and_doubts(
    headers: list[Any], kind: str
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """:func:`guess_mapping`, and the fields for which another header fitted as well as the
    one taken (``{field: [header taken, other headers…]}``): « Heures réalisées 2024 » and
    « Heures réalisées 2025 », say. The first is taken; the user should check."""
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")
    candidates = []
    for position, header in enumerate(headers):
        text = normalise(header)
        for field in FIELDS[kind]:
            score = _score(text, field)
            if score:
                candidates.append((score, -position, field.name, position))
    mapping: dict[str, str] = {}
    taken_score: dict[str, int] = {}
    used: set[int] = set()
    for score, _order, name, position in sorted(candidates, reverse=True):
        if name in mapping or position in used:
            continue
        mapping[name] = str(headers[position]).strip()
        taken_score[name] = score
        used.add(position)
    doubts: dict[str, list[str]] = {}
    for score, _order, name, position in sorted(candidates, reverse=True):
        if position not in used and taken_score.get(name) == score:  # as good, left aside
            doubts.setdefault(name, [mapping[name]]).append(str(headers[position]).strip())
    ordered = {f.name: mapping[f.name] for f in FIELDS[kind] if f.name in mapping}
    return ordered, doubts


@dataclass
class Table:
    """The data of one sheet under its header row; ``rows`` are (row number, cells);
    ``skipped`` the rows below the header left out as total lines, with the reason."""

    sheet: str | None
    header_row: int
    headers: list[str]
    title_text: str
    rows: list[tuple[int, list[Any]]]
    skipped: list[tuple[int, str]] = default(default_factory=list)


def _header_score(row: list[Any], kind: str, mapping: dict[str, str] | None) -> int:
    # Each text once: a title merged over ten cells is read in each of them.
    cells = list(dict.fromkeys("" if c is None else str(c).strip() for c in row))
    if mapping:
        return len({normalise(h) for h in mapping.values()} & {normalise(c) for c in cells})
    return len(guess_mapping(cells, kind))


def headings_as_written(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """``mapping`` with each heading as the file writes it. A saved profile or a mapping given
    matches headings as the guesser does (:func:`normalise`: case, accents, punctuation and
    spaces aside): « Prénom » reads « PRENOM ». A heading not found is kept as given (and
    reported missing)."""
    written: dict[str, str] = {}
    for header in headers:
        written.setdefault(normalise(header), header)
    return {
        name: header if header in headers else written.get(normalise(header), header)
        for name, header in mapping.items()
    }


def find_tables(
    sheets: list[Sheet], kind: str, mapping: dict[str, str] | None = None, scan: int = 30
) -> tuple[list[Table], list[str]]:
    """The tables of a workbook to import, in the workbook's order, and the sheets left aside.

    The best table is the sheet and header row (among rows 1 to ``scan``) with the most
    recognised headers (at least 2): the headers of ``mapping`` when given, else those the
    guesser knows. Every other sheet whose header row has the same headings (accents, case
    and punctuation aside), one sheet per month or per contract say, is read too. A sheet
    with recognised headings of its own (a summary) is left aside: its name is returned so
    that the user is told."""
    found = [(sheet, _header_of(sheet, kind, mapping, scan)) for sheet in sheets]
    scored = [(best[0], sheet, best[1]) for sheet, best in found if best is not None]
    if not scored:
        return [], []
    _score_value, first_sheet, first_index = max(scored, key=lambda item: item[0])
    first = _table(first_sheet, first_index)
    wanted = _heading_key(first.headers)
    tables, aside = [], []
    for _score_value, sheet, index in scored:
        if sheet is first_sheet:
            tables.append(first)
            continue
        other = _table(sheet, index)
        if _heading_key(other.headers) == wanted:
            other.headers = list(first.headers)  # as written in the first: the mapping's
            tables.append(other)
        elif other.rows:
            aside.append(str(sheet.name))
    return tables, aside


def _heading_key(headers: list[str]) -> tuple[str, ...]:
    """The headings in their places, as compared (trailing empty cells aside)."""
    key = [normalise(h) for h in headers]
    while key and not key[-1]:
        key.pop()
    return tuple(key)


def _header_of(
    sheet: Sheet, kind: str, mapping: dict[str, str] | None, scan: int
) -> tuple[int, int] | None:
    """(score, row index) of ``sheet``'s best header row among its first ``scan`` rows."""
    best: tuple[int, int] | None = None
    for index, (number, row) in enumerate(sheet.rows):
        if number > scan:
            break
        score = _header_score(row, kind, mapping)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, index)
    return best


def _table(sheet: Sheet, index: int) -> Table:
    """The rows of ``sheet`` under its header row ``index`` (blank and sums rows aside), and
    under the rows its headings are merged down over, if any (:func:`_headings`)."""
    header_row = sheet.rows[index][0]
    down = [b for b in sheet.merged if b.covers_row(header_row)
            and b.last_row - header_row < MAX_HEADING_ROWS]  # fmt: skip
    last = max((b.last_row for b in down), default=header_row)
    end = index
    while end < len(sheet.rows) and sheet.rows[end][0] <= last:
        end += 1
    across = [b for b in sheet.merged if b.first_row <= last and b.last_row >= header_row]
    headers = _headings([cells for _n, cells in sheet.rows[index:end]], across)
    texts = (str(c) for _n, row in sheet.rows[:index] for c in row if c is not None)
    title = " ".join(dict.fromkeys(texts))  # a title merged over ten cells, once
    table = Table(sheet.name, header_row, headers, title, [])
    for number, cells in sheet.rows[end:]:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        reason = sums_row_reason(cells)
        if reason is not None:
            table.skipped.append((number, reason))
            continue
        cells.extend([None] * (len(headers) - len(cells)))  # in place: no second copy
        table.rows.append((number, cells))
    return table


# Rows a heading may be merged down over (« Heures » over « prescrites » and « réalisées »).
MAX_HEADING_ROWS = 3


def _headings(rows: list[list[Any]], merged: list[MergedRange]) -> list[str]:
    """The heading of each column, as shown.

    A merged cell's value is read in each of its cells (grid.py). A heading merged down over
    the rows below it makes them heading rows: each column's heading is its texts top to
    bottom, each once (« Heures » over « réalisées »: « Heures réalisées »). A heading merged
    across several columns names the first; the others, still under the same text, are
    numbered (« Nom », « Nom (2) »): distinct, said unread when no field takes them, and
    offered to the mapping, since a second column under one heading usually holds something
    else (the first names under « Nom »)."""
    width = max(len(cells) for cells in rows)
    headers = []
    for column in range(width):
        parts: list[str] = []
        for cells in rows:
            value = cells[column] if column < len(cells) else None
            text = "" if value is None else str(value).strip()
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        headers.append(" ".join(parts))
    for block in merged:
        first = block.first_column - 1
        for column in range(first + 1, min(block.last_column, width)):
            if headers[column] and headers[column] == headers[first]:
                headers[column] = f"{headers[first]} ({column - first + 1})"
    return headers


# ---------------------------------------------------------------- profiles

PROFILE_PREFIX = "import_profile"
MAX_KEY = 80


def profile_key(kind: str, name: str) -> str:
    key = f"{PROFILE_PREFIX}:{kind}:{name}"
    if kind not in KINDS or not name.strip() or len(key) > MAX_KEY:
        raise ValueError(
            f"Nom de profil invalide : « {name} » (non vide, au plus "
            f"{MAX_KEY - len(PROFILE_PREFIX) - len(kind) - 2} caractères)."
        )
    return key


ValueMap = dict[str, dict[str, str]]  # {field: {normalised text: code}}


def value_key(text: object) -> str:
    """How a coded cell is looked up in a value map: accents, case and punctuation ignored."""
    return normalise(text)


def save_profile(
    session: Session,
    kind: str,
    name: str,
    mapping: dict[str, str],
    values: ValueMap | None = None,
) -> None:
    """Store (or replace) a named mapping, with the codes chosen for values not understood
    (``{field: {text: code}}``); the caller's transaction commits it."""
    known = {f.name for f in FIELDS[kind]}
    unknown = (set(mapping) | set(values or {})) - known
    if unknown:
        raise ValueError(f"Champs inconnus dans la correspondance : {', '.join(sorted(unknown))}.")
    key = profile_key(kind, name)
    value: dict[str, object] = {"kind": kind, "name": name, "mapping": dict(mapping)}
    if values:
        value["values"] = {
            f: {value_key(t): str(c) for t, c in codes.items()} for f, codes in values.items()
        }
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def load_profile(session: Session, kind: str, name: str) -> dict[str, str] | None:
    loaded = load_profile_values(session, kind, name)
    return None if loaded is None else loaded[0]


def load_profile_values(
    session: Session, kind: str, name: str
) -> tuple[dict[str, str], ValueMap] | None:
    """A profile's mapping and its chosen codes (``None`` when there is no such profile)."""
    row = session.get(Setting, profile_key(kind, name))
    if row is None or not isinstance(row.value, dict):
        return None
    mapping = {str(k): str(v) for k, v in row.value.get("mapping", {}).items()}
    stored = row.value.get("values") or {}
    values = {
        str(f): {str(t): str(c) for t, c in codes.items()}
        for f, codes in stored.items()
        if isinstance(codes, dict)
    }
    return mapping, values


def list_profiles(session: Session, kind: str) -> list[str]:
    prefix = f"{PROFILE_PREFIX}:{kind}:"
    keys = session.scalars(select(Setting.key).where(Setting.key.startswith(prefix)))
    return sorted(k[len(prefix) :] for k in keys)


def delete_profile(session: Session, kind: str, name: str) -> bool:
    row = session.get(Setting, profile_key(kind, name))
    if row is None:
        return False
    session.delete(row)
    return True
