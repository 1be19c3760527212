"""The balance report's section on the 2026 social-consideration rule (L2112-2-1,
L3114-2-1): the authority's contracts launched since the obligation's first day, which carry
a social consideration, which invoke an exception (with its justification) and which have
neither. The rule is :mod:`clauses_app.services.compliance`; this module only words it."""

from __future__ import annotations

from clauses_app.formatting import format_date, format_money, format_number
from clauses_app.reports import document as d
from clauses_app.services.compliance import (
    CONSIDERATION_LABELS,
    EXCEPTION_LABELS,
    Compliance,
    ComplianceSummary,
    ContractCompliance,
)

TITLE = "Considération sociale dans les marchés (obligation 2026)"
R: d.Align = "right"
SITUATION = {
    Compliance.CONSIDERATION: "Oui",
    Compliance.EXCEPTION: "Exception",
    Compliance.MISSING: "Non : à régulariser",
    Compliance.BELOW: "Sous le seuil",
    Compliance.NOT_JUDGED: "Valeur non renseignée",
}


def _count(count: int, singular: str, plural: str) -> str:
    return f"{format_number(count, 0)} {singular if count <= 1 else plural}"


def compliance_blocks(summary: ComplianceSummary) -> list[d.Block]:
    """Heading, summary sentence, the table of contracts and the exceptions' reasons."""
    since = format_date(summary.obligation_start)
    blocks: list[d.Block] = [d.Heading(TITLE)]
    if not summary.contracts:
        blocks.append(
            d.Paragraph(
                f"Aucun marché de ce donneur d'ordre n'a été lancé depuis le {since} "
                "au cours de la période."
            )
        )
        return blocks
    blocks.append(d.Paragraph(summary_sentence(summary)))
    missing = summary.with_status(Compliance.MISSING)
    if missing:
        names = ", ".join(c.reference for c in missing)
        blocks.append(
            d.Paragraph(
                f"Sans considération sociale ni exception justifiée : {names}. L'article "
                "L2112-2-1 du code de la commande publique l'impose au-dessus des "
                "seuils européens.",
                "warning",
            )
        )
    blocks.append(_table(summary))
    exceptions = summary.with_status(Compliance.EXCEPTION)
    if exceptions:
        blocks.append(d.Heading("Exceptions invoquées", 2))
        blocks.extend(d.Paragraph(_exception_text(c)) for c in exceptions)
    blocks.append(
        d.Paragraph(
            f"Marchés dont la consultation a été lancée à partir du {since}. Seuil : celui de "
            "la période en vigueur au lancement, selon la nature du marché et la catégorie "
            "d'acheteur ; valeur estimée du besoin, à défaut le montant attribué (signalé par "
            "un astérisque).",
            "small",
        )
    )
    return blocks


def summary_sentence(summary: ComplianceSummary) -> str:
    """``3 marchés lancés depuis le 22/08/2026, dont 2 atteignent leur seuil : 1 avec une
    considération sociale, 0 avec une exception justifiée, 1 sans.``"""
    subject = summary.subject
    with_one = len(summary.with_status(Compliance.CONSIDERATION))
    excepted = len(summary.with_status(Compliance.EXCEPTION))
    missing = len(summary.with_status(Compliance.MISSING))
    launched = _count(len(summary.contracts), "marché lancé", "marchés lancés")
    reach = "atteint son seuil" if len(subject) <= 1 else "atteignent leur seuil"
    return (
        f"{launched} depuis le {format_date(summary.obligation_start)}, dont "
        f"{format_number(len(subject), 0)} {reach} européen : "
        f"{format_number(with_one, 0)} avec une considération sociale, "
        f"{format_number(excepted, 0)} avec une exception justifiée, "
        f"{format_number(missing, 0)} sans."
    )


def _table(summary: ComplianceSummary) -> d.Table:
    return d.Table(
        columns=(
            d.Column("Marché", 1.0),
            d.Column("Objet", 1.7),
            d.Column("Lancement", 0.9),
            d.Column("Valeur HT", 1.3, R),
            d.Column("Seuil HT", 1.3, R),
            d.Column("Considération sociale", 1.2),
            d.Column("Laquelle", 2.2),
        ),
        rows=tuple(_row(c) for c in summary.contracts),
        small=True,
    )


def _row(item: ContractCompliance) -> tuple[str, ...]:
    value = format_money(item.value) if item.value is not None else "—"
    if item.value is not None and not item.value_is_estimate:
        value += "*"
    which = ""
    if item.status == Compliance.CONSIDERATION:
        which = CONSIDERATION_LABELS.get(item.social_consideration, item.social_consideration)
    elif item.status == Compliance.EXCEPTION and item.social_exception:
        which = EXCEPTION_LABELS.get(item.social_exception, item.social_exception)
    return (
        item.reference,
        item.object,
        format_date(item.launch_date),
        value,
        format_money(item.threshold) if item.threshold is not None else "—",
        SITUATION.get(item.status, item.status),
        which,
    )


def _exception_text(item: ContractCompliance) -> str:
    label = EXCEPTION_LABELS.get(item.social_exception or "", item.social_exception or "")
    return f"{item.reference} ({item.object}) — {label} : {item.social_exception_reason}"
