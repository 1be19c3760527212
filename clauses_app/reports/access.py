"""The right of access (RGPD article 15) as a document a person can read: PDF, DOCX or JSON.

The content is :func:`services.privacy.person_export`; this module words it in French for
the person who asked: :func:`access_document` builds the report model (reports/document.py)
that the PDF and DOCX writers render, :func:`french_keys` gives the JSON its French keys
(docs/privacy.md lists them). Files are written whole, owner-only (reports/atomic.py).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clauses_app.formatting import format_date, format_hours, format_money, plural
from clauses_app.reports import document as d
from clauses_app.reports.atomic import write_atomically
from clauses_app.reports.errors import ReportError
from clauses_app.services import privacy
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database

FORMATS = ("pdf", "docx", "json")

# English key of person_export → French key of the JSON handed to the person.
FRENCH_KEYS = {
    "document": "document", "format_version": "version_format", "generated_at": "produit_le",
    "participant": "participant", "uuid": "identifiant_interne",
    "external_id": "identifiant_externe", "last_name": "nom", "first_name": "prenom",
    "birth_date": "date_naissance", "sex": "sexe", "address": "adresse",
    "postal_code": "code_postal", "city": "ville", "qpv": "residence_qpv",
    "qualification_code": "code_qualification", "qualification": "niveau_qualification",
    "last_contact_date": "dernier_contact", "archived": "archive", "notes": "notes",
    "created_at": "cree_le", "updated_at": "modifie_le",
    "criteria": "criteres_eligibilite", "criterion_code": "code_critere",
    "criterion": "critere", "validated_on": "valide_le", "status": "statut",
    "evidence": "justificatif",
    "employments": "contrats", "authority": "donneur_ordre", "name": "nom",
    "contract": "marche", "reference": "reference", "object": "objet", "lot": "lot",
    "number": "numero", "title": "intitule", "award_uuid": "identifiant_attribution",
    "company": "entreprise", "siret": "siret", "employer": "employeur",
    "modality_code": "code_modalite", "modality": "modalite",
    "contract_type_code": "code_type_contrat", "contract_type": "type_contrat",
    "job_title": "poste", "start_date": "debut", "end_date": "fin",
    "transferred_staff": "personnel_transfere", "ineligible": "non_eligible",
    "invoiced_amount": "montant_facture_euros", "outcome_end_code": "code_situation_sortie",
    "outcome_end": "situation_sortie", "outcome_6m_code": "code_situation_6_mois",
    "outcome_6m": "situation_6_mois",
    "hours": "heures", "kind": "nature", "period_start": "debut_periode",
    "period_end": "fin_periode", "worked_hours": "heures_travaillees",
    "training_hours": "heures_formation", "source": "source",
    "retention": "conservation", "last_activity": "derniere_activite",
    "retention_years": "duree_conservation_ans", "kept_until": "conserve_jusqu_au",
    "hold": "conservation_prolongee", "until": "jusqu_au", "reason": "motif",
    "anonymised": "anonymise",
}  # fmt: skip
HOURS_KINDS = {"MONTH": "MOIS", "TOTAL": "TOTAL"}
STATUSES = {"VALIDE": "validé", "A_DOCUMENTER": "à documenter", "INELIGIBLE": "inéligible"}
SEXES = {"F": "femme", "M": "homme"}
TITLE = "Vos données personnelles enregistrées dans Clauses"


def french_keys(value: Any) -> Any:
    """``person_export``'s content with French keys (and French hours kinds)."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "kind" and isinstance(item, str):
                item = HOURS_KINDS.get(item, item)
            result[FRENCH_KEYS.get(key, key)] = french_keys(item)
        return result
    if isinstance(value, list):
        return [french_keys(item) for item in value]
    return value


def _day(text: str | None) -> str:
    return format_date(date.fromisoformat(text[:10])) if text else "—"


def _yes(value: bool | None) -> str:
    return "oui" if value else "non"


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _pairs(rows: list[tuple[str, str]]) -> d.Table:
    return d.Table(
        (d.Column("Donnée", 1.0), d.Column("Valeur enregistrée", 2.2)),
        tuple((label, value) for label, value in rows),
    )


def access_document(data: dict[str, Any], organisation: str) -> d.Document:
    """The French document of one person's data (``person_export``'s content)."""
    person = data["participant"]
    name = f"{person['first_name']} {person['last_name']}".strip()
    produced = datetime.fromisoformat(data["generated_at"])
    document = d.Document(
        title=f"{TITLE} : {name}",
        footer=f"Droit d'accès : {name} — confidentiel",
        author=organisation,
    )
    document.add(
        d.Cover(
            title="Vos données personnelles",
            subtitle="Réponse à votre demande d'accès (article 15 du RGPD)",
            lines=(
                name,
                f"Dossier tenu par : {organisation}",
                f"Document produit le {format_date(produced.date())} à {produced:%H:%M} (UTC)",
            ),
            notice=(
                "Ce document contient des données personnelles, dont certaines sensibles : "
                "conservez-le en lieu sûr."
            ),
        ),
        d.Paragraph(
            "Ce document reprend tout ce que notre structure enregistre à votre sujet dans son "
            "outil de suivi des clauses sociales d'insertion : votre identité, les critères qui "
            "rendent votre parcours éligible, vos contrats et missions avec les heures "
            "déclarées, et la durée pendant laquelle ces informations sont conservées."
        ),
        d.Heading("Identité"),
        _pairs(
            [
                ("Nom", _text(person["last_name"])),
                ("Prénom", _text(person["first_name"])),
                ("Date de naissance", _day(person["birth_date"])),
                ("Sexe", SEXES.get(person["sex"] or "", "—")),
                ("Adresse", _text(person["address"])),
                (
                    "Code postal et ville",
                    _text(" ".join(p for p in (person["postal_code"], person["city"]) if p)),
                ),
                ("Résidence en quartier prioritaire (QPV)", _yes(person["qpv"])),
                ("Niveau de qualification", _text(person["qualification"])),
                ("Identifiant externe (France Travail, dossier…)", _text(person["external_id"])),
                ("Date du dernier contact", _day(person["last_contact_date"])),
                ("Dossier archivé", _yes(person["archived"])),
                ("Notes", _text(person["notes"])),
                ("Fiche créée le", _day(person["created_at"])),
                ("Dernière modification le", _day(person["updated_at"])),
                ("Identifiant interne", person["uuid"]),
            ]
        ),
        d.Heading("Critères d'éligibilité"),
    )
    if data["criteria"]:
        document.add(
            d.Table(
                (
                    d.Column("Critère", 2.0),
                    d.Column("Validé le", 1.0),
                    d.Column("Statut", 1.0),
                    d.Column("Justificatif", 2.0),
                ),
                tuple(
                    (
                        _text(c["criterion"] or c["criterion_code"]),
                        _day(c["validated_on"]),
                        STATUSES.get(c["status"], c["status"]),
                        _text(c["evidence"]),
                    )
                    for c in data["criteria"]
                ),
            )
        )
    else:
        document.add(d.Paragraph("Aucun critère enregistré."))
    document.add(d.Heading("Contrats et missions"))
    if not data["employments"]:
        document.add(d.Paragraph("Aucun contrat enregistré."))
    for number, employment in enumerate(data["employments"], start=1):
        _employment(document, number, employment)
    _retention(document, data["retention"])
    return document


def _company(company: dict[str, Any] | None) -> str:
    if not company:
        return "—"
    return f"{company['name']} (SIRET {company['siret']})" if company["siret"] else company["name"]


def _employment(document: d.Document, number: int, e: dict[str, Any]) -> None:
    start, end = _day(e["start_date"]), _day(e["end_date"]) if e["end_date"] else "en cours"
    document.add(
        d.Heading(f"{number}. {_text(e['job_title'])} — du {start} au {end}", level=2),
        _pairs(
            [
                ("Donneur d'ordre", e["authority"]["name"]),
                ("Marché", f"{e['contract']['reference']} : {_text(e['contract']['object'])}"),
                ("Lot", f"{e['lot']['number']} : {_text(e['lot']['title'])}"),
                ("Entreprise attributaire", _company(e["company"])),
                ("Employeur (s'il est différent)", _company(e["employer"])),
                ("Modalité", _text(e["modality"] or e["modality_code"])),
                ("Type de contrat", _text(e["contract_type"] or e["contract_type_code"])),
                ("Situation à la sortie", _text(e["outcome_end"])),
                ("Situation 6 mois après", _text(e["outcome_6m"])),
                (
                    "Montant facturé",
                    format_money(e["invoiced_amount"]) if e["invoiced_amount"] is not None else "—",
                ),
            ]
        ),
    )
    if e["hours"]:
        document.add(
            d.Table(
                (
                    d.Column("Période", 2.0),
                    d.Column("Heures travaillées", 1.2, "right"),
                    d.Column("Heures de formation", 1.2, "right"),
                    d.Column("Origine du relevé", 2.0),
                ),
                tuple(
                    (
                        f"du {_day(h['period_start'])} au {_day(h['period_end'])}",
                        format_hours(h["worked_hours"] or 0),
                        format_hours(h["training_hours"] or 0),
                        _text(h["source"] or "saisie"),
                    )
                    for h in e["hours"]
                ),
                small=True,
            )
        )


def _retention(document: d.Document, retention: dict[str, Any]) -> None:
    hold = retention["hold"]
    document.add(d.Heading("Durée de conservation"))
    if retention["anonymised"]:
        document.add(d.Paragraph("Ce dossier a été anonymisé : votre identité a été effacée."))
        return
    text = (
        f"Votre dossier est conservé {plural(retention['retention_years'], 'an', 'ans')} après "
        "votre dernière "
        f"activité ({_day(retention['last_activity'])}), soit jusqu'au "
        f"{_day(retention['kept_until'])} inclus ; il est ensuite anonymisé : votre nom, votre "
        "adresse et vos notes sont effacés, seuls restent des chiffres sans identité."
    )
    if hold:
        text += (
            f" Il est conservé plus longtemps, jusqu'au {_day(hold['until'])}, pour le motif "
            f"suivant : {hold['reason'] or 'non précisé'}."
        )
    document.add(
        d.Paragraph(text),
        d.Paragraph(
            "Vous pouvez demander la rectification de ces données, leur effacement lorsque la "
            "loi le permet, ou vous opposer à leur traitement, auprès de la structure qui vous "
            "accompagne.",
            style="small",
        ),
    )


def suggested_file_name(data: dict[str, Any], fmt: str) -> str:
    """« droit-acces-NOM-Prenom.pdf » (letters and digits only)."""
    person = data["participant"]
    parts = [person["last_name"] or "", person["first_name"] or ""]
    name = "-".join("".join(ch for ch in p if ch.isalnum()) for p in parts if p)
    return f"droit-acces-{name or 'participant'}.{fmt}"


def write_access_file(
    database: Database,
    participant_uuid: uuid.UUID,
    fmt: str,
    out_path: Path | str,
    progress: Progress | None = None,
) -> Path:
    """Write one person's data to ``out_path`` as ``pdf``, ``docx`` or ``json`` (French keys).

    Raises :class:`privacy.UnknownParticipantError` for an unknown UUID and
    :class:`ReportError` (French) for an unknown format or a file that cannot be written.
    """
    if fmt not in FORMATS:
        raise ReportError(f"Format inconnu : « {fmt} » (pdf, docx ou json).")
    report(progress, 0, 2, "Lecture du dossier")
    with database.session() as session:
        data = privacy.person_export(session, participant_uuid)
        organisation = load_settings(session).organisation.name
    report(progress, 1, 2, "Écriture du fichier")
    if fmt == "json":
        text = json.dumps(french_keys(data), ensure_ascii=False, indent=2) + "\n"

        def write_json(temp: Path) -> None:
            temp.write_text(text, encoding="utf-8")

        path = write_atomically(Path(out_path), write_json)
    else:
        from clauses_app.reports.docx_writer import write_docx
        from clauses_app.reports.pdf_writer import write_pdf

        writer = write_pdf if fmt == "pdf" else write_docx
        document = access_document(data, organisation)
        path = write_atomically(Path(out_path), lambda temp: writer(document, temp))
    report(progress, 2, 2, "Terminé")
    return path
