"""The balance report's content, written once as document blocks (French, formatted).

Every figure comes from :class:`~clauses_app.services.balance.BalanceData` (itself from
``compute_figures``); this module only words and formats them, through
``clauses_app.formatting``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from clauses_app.formatting import (
    format_date,
    format_etp,
    format_hours,
    format_number,
    format_percent,
    plural,
)
from clauses_app.reports import document as d
from clauses_app.reports.balance_compliance_section import compliance_blocks
from clauses_app.reports.balance_framework_section import framework_blocks
from clauses_app.reports.balance_people_sections import annex_blocks, people_blocks
from clauses_app.reports.charts import (
    MAX_CONTRACTS,
    completion_per_contract_chart,
    hours_per_month_chart,
)
from clauses_app.services.balance import BalanceData, FigureRow, HoursShare
from clauses_app.services.figures import Totals
from clauses_app.services.hours_apart import pending_phrase

# Every figure of the report with the same decimals, so that its columns line up.
hours = partial(format_hours, fixed=True)
percent = partial(format_percent, fixed=True)
TITLE = "Bilan de la clause sociale d'insertion"
EMPTY_NOTICE = (
    "Aucune donnée pour cette période : aucune heure d'insertion prescrite ni réalisée et "
    "aucun contrat de travail sur les marchés de ce donneur d'ordre."
)
PERSONAL_NOTICE = (
    "Ce document contient une annexe nominative : données personnelles (RGPD). "
    "À ne transmettre qu'aux personnes habilitées et à ne pas conserver au-delà du besoin."
)
R: d.Align = "right"


def build_balance_document(data: BalanceData, narrative: str = "") -> d.Document:
    """The blocks of the balance report of ``data``, with the facilitator's ``narrative``."""
    period = data.period_label
    org = data.organisation
    document = d.Document(
        title=f"{TITLE} — {data.authority_name} — {period}",
        footer=f"Bilan clause sociale · {data.authority_name} · {period} · "
        f"édité le {format_date(data.generated_on)}",
        author=org.name,
    )
    document.add(_cover(data), d.PageBreak())
    document.add(d.Heading("Synthèse"))
    if data.is_empty:
        document.add(d.Paragraph(EMPTY_NOTICE, "warning"))
    else:
        document.add(d.Paragraph(summary_sentence(data)))
    if data.unawarded:
        document.add(d.Paragraph(unawarded_sentence(data), "warning"))
    document.add(_key_figures(data))
    # The facilitator's reading of the figures comes right after them, before the detail.
    document.add(d.Heading("Commentaire du facilitateur", 2))
    text = narrative.strip() or "Aucun commentaire n'a été saisi pour cette période."
    document.add(*(d.Paragraph(part) for part in text.split("\n\n")))
    if not data.is_empty:
        document.add(*_figure_sections(data))
    if data.unawarded:
        document.add(d.Heading("Lots sans entreprise attributaire", 2), _unawarded_table(data))
    if data.framework:
        document.add(*framework_blocks(data.framework))
    if data.compliance is not None:
        document.add(*compliance_blocks(data.compliance))
    if not data.is_empty:
        document.add(*people_blocks(data))
    document.add(d.Paragraph(_method_note(data), "small"))
    if data.nominative is not None:
        document.add(*annex_blocks(data))
    return document


def _cover(data: BalanceData) -> d.Cover:
    org = data.organisation
    lines = [f"Période : {data.period_label}", f"Établi par : {org.name}"]
    contact = ", ".join(x for x in (org.facilitator_email, org.facilitator_phone) if x)
    if org.facilitator_name:
        lines.append(
            f"Facilitateur : {org.facilitator_name}" + (f" ({contact})" if contact else "")
        )
    elif contact:
        lines.append(f"Contact : {contact}")
    if not data.is_empty:
        lines.append(cover_summary(data))
    lines.append(f"Document édité le {format_date(data.generated_on, long=True)}")
    notices = []
    if data.is_empty:
        notices.append(EMPTY_NOTICE)
    if data.nominative is not None:
        notices.append(PERSONAL_NOTICE)
    return d.Cover(
        title=TITLE,
        subtitle=data.authority_name + (f" ({data.authority_city})" if data.authority_city else ""),
        lines=tuple(lines),
        logo_path=org.logo_path,
        notice="\n\n".join(notices),
    )


def cover_summary(data: BalanceData) -> str:
    """The cover's one line: hours done for hours required, the rate, the people."""
    t = data.totals
    text = f"En bref : {hours(t.hours_done)} réalisées pour {hours(t.hours_required)} prescrites"
    if t.completion_rate is not None:
        text += f" ({percent(t.completion_rate)})"
    return text + f", {plural(data.participant_count, 'participant', 'participants')}."


def summary_sentence(data: BalanceData) -> str:
    """The one-paragraph summary at the top of the report."""
    t = data.totals
    rate = t.completion_rate
    done = hours(t.hours_done)
    pending = pending_phrase(t.pending_counted, t.pending_excluded, fixed=True)
    if pending:  # hours of employments whose eligibility awaits its justification
        done += f" ({pending})"
    text = (
        f"Sur la période ({data.period_label}), les marchés de {data.authority_name} comportant "
        f"une clause sociale d'insertion ont permis de réaliser {done} "
        f"d'insertion pour {hours(t.hours_required)} prescrites"
    )
    if rate is not None:
        text += f", soit un taux de réalisation de {percent(rate)}"
    text += f" et {format_etp(t.etp_done)} (base {format_number(data.etp_basis, 0)} h). "
    text += (
        f"{plural(data.participant_count, 'participant', 'participants')} "
        f"{'a' if data.participant_count <= 1 else 'ont'} occupé "
        f"{plural(data.employment_count, 'contrat de travail', 'contrats de travail')} "
        f"auprès de "
        f"{plural(data.company_count, 'entreprise attributaire', 'entreprises attributaires')}"
    )
    if data.siae_count:
        text += (
            f" ; {plural(data.siae_count, 'structure', 'structures')} de l'insertion par "
            "l'activité économique ou du secteur adapté "
            f"{'a été mobilisée' if data.siae_count <= 1 else 'ont été mobilisées'}"
        )
    return text + "."


def unawarded_sentence(data: BalanceData) -> str:
    """What the required hours leave out: lots whose clause plans hours, with no awardee."""
    count = len(data.unawarded)
    return (
        f"S'y ajoutent {hours(data.unawarded_hours)} prévues par la clause "
        f"{'d’un lot' if count == 1 else f'de {format_number(count, 0)} lots'} qu'aucune "
        "entreprise ne s'est encore vu attribuer : ces heures prévues non attribuées ne "
        "figurent pas dans les heures prescrites (détail dans « Lots sans entreprise "
        "attributaire »)."
    )


def _key_figures(data: BalanceData) -> d.KeyFigures:
    t = data.totals
    return d.KeyFigures(
        (
            ("Heures prescrites", hours(t.hours_required)),
            ("Heures réalisées", hours(t.hours_done)),
            ("Taux de réalisation", percent(t.completion_rate)),
            ("Équivalents temps plein", format_etp(t.etp_done)),
            ("Participants", format_number(data.participant_count, 0)),
            ("Contrats de travail", format_number(data.employment_count, 0)),
            ("Entreprises attributaires", format_number(data.company_count, 0)),
            ("SIAE et structures mobilisées", format_number(data.siae_count, 0)),
        )
    )


def _figures_columns(first: str, *extra: d.Column) -> tuple[d.Column, ...]:
    return (
        d.Column(first, 1.3 if extra else 3.0),
        *extra,
        d.Column("Heures prescrites", 1.3, R),
        d.Column("Heures réalisées", 1.3, R),
        d.Column("Taux", 0.9, R),
        d.Column("ETP", 1.1, R),
    )


def _figures_cells(row: FigureRow | Totals) -> tuple[str, ...]:
    return (
        hours(row.hours_required),
        hours(row.hours_done),
        percent(row.completion_rate),
        format_etp(row.etp_done),
    )


def _figures_table(
    first: str, rows: Sequence[FigureRow], total: Totals, detail: str = ""
) -> d.Table:
    extra = (d.Column(detail, 2.6),) if detail else ()
    return d.Table(
        columns=_figures_columns(first, *extra),
        rows=tuple((r.label, *((r.detail,) if detail else ()), *_figures_cells(r)) for r in rows),
        total=("Total", *(("",) if detail else ()), *_figures_cells(total)),
    )


def _figure_sections(data: BalanceData) -> list[d.Block]:
    blocks: list[d.Block] = []
    if data.by_operation:
        blocks += [d.Heading("Réalisation par opération", 2),
                   _figures_table("Opération", data.by_operation, data.totals)]  # fmt: skip
    blocks += [d.Heading("Réalisation par marché", 2),
               _figures_table("Marché", data.by_contract, data.totals, "Objet")]  # fmt: skip
    blocks += [d.Heading("Réalisation par lot", 2), _lot_table(data)]
    blocks += [d.Heading("Réalisation par entreprise attributaire", 2),
               _figures_table("Entreprise", data.by_company, data.totals)]  # fmt: skip
    if data.monthly:
        blocks.append(d.Chart("Heures réalisées par mois", hours_per_month_chart(data.monthly)))
    charted = sum(r.completion_rate is not None for r in data.by_contract)
    if charted:
        chart = completion_per_contract_chart(data.by_contract)
        blocks.append(d.Chart("Taux de réalisation par marché", chart))
        if charted > MAX_CONTRACTS:
            blocks.append(
                d.Paragraph(
                    f"Le graphique montre les {MAX_CONTRACTS} premiers marchés sur "
                    f"{format_number(charted, 0)} ; tous figurent dans le tableau « Réalisation "
                    "par marché » ci-dessus.",
                    "small",
                )
            )
    blocks += [d.Heading("Répartition des heures réalisées"),
               _share_table("Modalité de réalisation", data.by_modality, data),
               _share_table("Type de contrat", data.by_contract_type, data)]  # fmt: skip
    return blocks


def _lot_table(data: BalanceData) -> d.Table:
    columns = [
        d.Column("Marché", 1.2),
        d.Column("Lot", 1.4),
        d.Column("Attributaire", 1.3),
        d.Column("Heures prescrites", 1.3, R),
        d.Column("Heures réalisées", 1.3, R),
        d.Column("Taux", 0.9, R),
    ]
    if data.pooling:
        columns += [d.Column("Heures mutualisées", 1.3, R), d.Column("Taux mutualisé", 1.1, R)]
    rows = []
    for lot in data.by_lot:
        row = [lot.contract_reference, f"{lot.number} – {lot.title}", lot.companies,
               hours(lot.hours_required), hours(lot.hours_done),
               percent(lot.completion_rate)]  # fmt: skip
        if data.pooling:
            pooled = [
                hours(lot.hours_done_pooled),
                percent(lot.completion_rate_pooled),
            ]
            row += pooled if lot.pooled else ["—", "—"]
        rows.append(tuple(row))
    t = data.totals
    total = ["Total", "", "", hours(t.hours_required), hours(t.hours_done),
             percent(t.completion_rate)]  # fmt: skip
    if data.pooling:
        total += [
            hours(t.hours_done),
            percent(t.completion_rate),
        ]
    note = (
        "Mutualisation : quand le marché le prévoit, l'excédent d'heures d'une entreprise sur un "
        "lot couvre son déficit sur un autre lot du même marché ou de la même opération ; "
        "les totaux ne changent pas."
        if data.pooling
        else ""
    )
    return d.Table(tuple(columns), tuple(rows), tuple(total), note=note)


def _unawarded_table(data: BalanceData) -> d.Table:
    return d.Table(
        columns=(
            d.Column("Marché", 1.2),
            d.Column("Lot", 3.4),
            d.Column("Heures prévues non attribuées", 1.6, R),
        ),
        rows=tuple(
            (
                lot.contract_reference,
                f"{lot.lot_number} – {lot.lot_title}",
                hours(lot.planned_hours),
            )
            for lot in data.unawarded
        ),
        total=("Total", "", hours(data.unawarded_hours)),
    )


def _share_table(title: str, rows: Sequence[HoursShare], data: BalanceData) -> d.Table:
    return d.Table(
        columns=(
            d.Column(title, 3.5),
            d.Column("Heures réalisées", 1.2, R),
            d.Column("Part", 0.8, R),
        ),
        rows=tuple((r.label, hours(r.hours), percent(r.share)) for r in rows),
        total=(
            "Total",
            hours(data.totals.hours_done),
            percent(1 if data.totals.hours_done else None),
        ),
    )


def _method_note(data: BalanceData) -> str:
    return (
        "Méthode : heures réalisées dans les mois de la période selon les règles de "
        "comptabilisation en vigueur ; heures prescrites au prorata des mois d'exécution de "
        "chaque lot compris dans la période ; taux de réalisation = heures réalisées ÷ heures "
        f"prescrites ; ETP = heures ÷ {format_number(data.etp_basis, 0)}. Les participants "
        "sont comptés une fois, d'après leurs contrats de la période ; l'âge est celui du "
        "début du premier contrat. Emploi durable : CDI ou CDD de plus de 6 mois "
        "(définition PLIE). Document anonymisé sauf annexe nominative demandée expressément."
    )
