"""The balance report's sections about people: participants, structures, outcomes, annex."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from clauses_app.formatting import format_date, format_number, format_percent
from clauses_app.reports import document as d
from clauses_app.services.balance import BalanceData
from clauses_app.services.balance_people import CountRow

# Every figure of the report with the same decimals, so that its columns line up.
percent = partial(format_percent, fixed=True)
R: d.Align = "right"


def _count_table(title: str, rows: Sequence[CountRow], base: int, unit: str) -> d.Table:
    return d.Table(
        columns=(d.Column(title, 3.5), d.Column(unit, 1.2, R), d.Column("Part", 0.8, R)),
        rows=tuple((r.label, format_number(r.count, 0), percent(r.share)) for r in rows),
        total=("Total", format_number(base, 0), percent(1 if base else None)),
    )


def people_blocks(data: BalanceData) -> list[d.Block]:
    """Participants by category, the companies and structures involved, the outcomes."""
    p = data.people
    n = p.participant_count
    blocks: list[d.Block] = [d.Heading("Participants")]
    if not n:
        return [*blocks, d.Paragraph("Aucun participant sur la période.")]
    blocks += [
        _count_table("Sexe", p.by_sex, n, "Participants"),
        _count_table("Âge au début du contrat", p.by_age_band, n, "Participants"),
        _count_table("Résidence", p.by_qpv, n, "Participants"),
        _count_table("Niveau de qualification", p.by_qualification, n, "Participants"),
        d.Table(
            columns=(
                d.Column("Critère d'éligibilité", 3.5),
                d.Column("Participants", 1.2, R),
                d.Column("Part", 0.8, R),
            ),
            rows=tuple(
                (r.label, format_number(r.count, 0), percent(r.share)) for r in p.by_criterion
            ),
            note="Une personne peut relever de plusieurs critères : le total des parts peut "
            "dépasser 100 %.",
        ),
    ]
    blocks += _structures(data)
    blocks += _outcomes(data)
    return blocks


def _structures(data: BalanceData) -> list[d.Block]:
    if not data.involved:
        return []
    return [
        d.Heading("Entreprises et structures mobilisées"),
        d.Table(
            columns=(
                d.Column("Entreprise ou structure", 2.4),
                d.Column("Type", 2.4),
                d.Column("Rôle", 1.4),
                d.Column("SIAE / secteur adapté", 1.0),
            ),
            rows=tuple(
                (
                    c.name,
                    c.kind_label,
                    "Attributaire"
                    if c.awardee
                    else "Employeur (mise à disposition, sous-traitance)",
                    "oui" if c.siae else "non",
                )
                for c in data.involved
            ),
        ),
    ]


def _outcomes(data: BalanceData) -> list[d.Block]:
    o = data.outcomes
    blocks: list[d.Block] = [d.Heading("Sorties et suites de parcours")]
    if not o.ended:
        return [*blocks, d.Paragraph("Aucun contrat de travail ne s'est terminé sur la période.")]
    ended = _plural(o.ended, "contrat de travail terminé", "contrats de travail terminés")
    text = f"{ended} sur la période ; "
    if o.known_at_end:
        durable = percent(_ratio(o.durable_at_end, o.known_at_end))
        text += (
            f"situation à l'issue connue pour {format_number(o.known_at_end, 0)} : "
            f"{_plural(o.durable_at_end, 'emploi durable', 'emplois durables')} ({durable} des "
            "situations connues, CDI ou CDD de plus de 6 mois), "
            f"{_plural(o.training_at_end, 'formation', 'formations')}."
        )
    else:
        text += "la situation à l'issue n'est encore renseignée pour aucun."
    if o.known_at_6m:
        text += (
            f" À 6 mois : situation connue pour {format_number(o.known_at_6m, 0)}, dont "
            f"{_plural(o.durable_at_6m, 'emploi durable', 'emplois durables')} et "
            f"{_plural(o.training_at_6m, 'formation', 'formations')}."
        )
    else:
        text += " La situation 6 mois après n'est encore connue pour aucun."
    blocks.append(d.Paragraph(text))
    if o.at_end:
        blocks.append(_count_table("Situation à l'issue du contrat", o.at_end, o.known_at_end,
                                   "Contrats"))  # fmt: skip
    if o.at_6m:
        blocks.append(_count_table("Situation 6 mois après", o.at_6m, o.known_at_6m,
                                   "Contrats"))  # fmt: skip
    return blocks


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _plural(count: int, singular: str, plural_form: str) -> str:
    return f"{format_number(count, 0)} {singular if count <= 1 else plural_form}"


def annex_blocks(data: BalanceData) -> list[d.Block]:
    """The nominative annex: one row per employment, marked as personal data."""
    rows = data.nominative or []
    blocks: list[d.Block] = [
        d.PageBreak(),
        d.Heading("Annexe nominative — données personnelles"),
        d.Paragraph(
            "Données personnelles (RGPD) : cette annexe identifie les participants. Elle n'est "
            "jointe que sur demande expresse et ne doit être communiquée qu'aux personnes "
            "habilitées.",
            "warning",
        ),
    ]
    if not rows:
        return [*blocks, d.Paragraph("Aucun contrat de travail sur la période.")]
    table_rows = []
    for r in rows:
        person = r.participant_name
        details = ", ".join(
            x for x in (
                f"né(e) le {format_date(r.birth_date)}" if r.birth_date else "",
                r.sex, "QPV" if r.qpv else "",
            ) if x
        )  # fmt: skip
        dates = f"{format_date(r.start_date)} – {format_date(r.end_date) or 'en cours'}"
        table_rows.append((
            f"{person}\n{details}" if details else person, r.criteria or "—",
            f"{r.contract_reference} lot {r.lot_number}", r.company, r.contract_type, dates,
            r.eligibility, r.outcome_end or "—",
        ))  # fmt: skip
    columns = (
        d.Column("Participant", 1.8), d.Column("Critères (validation)", 1.5),
        d.Column("Marché", 1.0), d.Column("Entreprise", 1.2), d.Column("Contrat", 0.9),
        d.Column("Période", 1.3), d.Column("Éligibilité", 1.2), d.Column("Sortie", 1.0),
    )  # fmt: skip
    blocks.append(d.Table(columns, tuple(table_rows), small=True))
    return blocks
