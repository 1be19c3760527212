"""The balance report's section on framework contracts sized on the amount invoiced: per
award, the amounts invoiced in the period and the hours they call for (the figures': the
period's total × hours per tranche ÷ tranche, rounded once)."""

from __future__ import annotations

from decimal import Decimal

from clauses_app.formatting import format_hours, format_money, format_number
from clauses_app.reports import document as d
from clauses_app.services.invoices import FrameworkAward

TITLE = "Accords-cadres : heures sur les montants facturés"
R: d.Align = "right"


def framework_blocks(awards: list[FrameworkAward]) -> list[d.Block]:
    """Heading, the table of awards and how their hours are worked out; a warning names the
    awards with no amount entered in the period."""
    blocks: list[d.Block] = [d.Heading(TITLE, 2)]
    nothing = [a for a in awards if not a.amounts]
    if nothing:
        names = ", ".join(f"{a.contract} lot {a.lot} ({a.company})" for a in nothing)
        blocks.append(
            d.Paragraph(
                f"Aucun montant facturé saisi sur la période pour : {names}. Leurs heures "
                "exigées restent à 0 h tant que les montants ne sont pas saisis.",
                "warning",
            )
        )
    invoiced = sum((a.invoiced_ht for a in awards), Decimal(0))
    required = sum((a.hours_required for a in awards), Decimal(0))
    blocks.append(
        d.Table(
            columns=(
                d.Column("Marché", 1.0),
                d.Column("Lot", 0.5),
                d.Column("Entreprise", 1.6),
                d.Column("Clause", 2.0),
                d.Column("Facturé HT", 1.3, R),
                d.Column("Montants", 0.8, R),
                d.Column("Heures exigées", 1.1, R),
            ),
            rows=tuple(
                (
                    a.contract,
                    a.lot,
                    a.company,
                    a.clause,
                    format_money(a.invoiced_ht),
                    format_number(a.amounts, 0),
                    format_hours(a.hours_required, fixed=True),
                )
                for a in awards
            ),
            total=(
                (
                    "Total",
                    "",
                    "",
                    "",
                    format_money(invoiced),
                    format_number(sum(a.amounts for a in awards), 0),
                    format_hours(required, fixed=True),
                )
                if len(awards) > 1
                else None
            ),
            small=True,
        )
    )
    blocks.append(
        d.Paragraph(
            "Heures exigées de la période : total des montants facturés pendant la période "
            "× heures par tranche ÷ montant d'une tranche, arrondi une seule fois (réglage "
            "d'arrondi), jamais commande par commande.",
            "small",
        )
    )
    return blocks
