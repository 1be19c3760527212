"""Clause wording for tender documents (DOCX): RC mention, AE commitment and CCAP article.

For a lot, a contract or a whole operation, and one legal basis of the guide §4. The text
comes from an editable template (see ``reports.templates``); this module supplies the values:
hours per lot, pooling, eligible publics, modalities, the facilitator's contact, penalties.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.formatting import (
    format_date,
    format_etp,
    format_hours,
    format_money,
    format_number,
    xml_text,
)
from clauses_app.models import (
    ClauseMode,
    ContractingAuthority,
    Lot,
    Operation,
    PoolingScope,
    PublicContract,
    ReferenceKind,
)
from clauses_app.reports.atomic import write_atomically
from clauses_app.reports.docx_writer import add_paragraph, new_document
from clauses_app.reports.errors import ReportError
from clauses_app.reports.templates import (
    BLANK,
    Rendered,
    TableValue,
    Value,
    find_logo,
    find_template,
    render_template,
)
from clauses_app.services.invoices import clause_words
from clauses_app.services.profile import signed_organisation
from clauses_app.services.reference import labels, trade_labour_shares
from clauses_app.services.settings import (
    AppSettings,
    UnvalidatedHours,
    effective_rules,
    load_settings,
)
from clauses_app.services.sizing import SizingError, etp, size_clause
from clauses_app.storage import Database

BASES = ("L2112-2", "L2152-7", "L2113-12", "L2113-13", "R2123-1")


@dataclass(frozen=True)
class WordingResult:
    """The file written and the placeholders left to fill by hand (never printed raw)."""

    path: Path
    unfilled: tuple[str, ...]  # known fields without a value (a dotted line in the text)
    unknown: tuple[str, ...]  # names the application does not know (a dotted line too)

    @property
    def complete(self) -> bool:
        return not self.unfilled and not self.unknown


@dataclass
class _Scope:
    authority: ContractingAuthority
    contracts: list[PublicContract]
    lots: list[Lot]
    operation: Operation | None
    description: str


def write_clause_wording(
    database: Database,
    *,
    lot_uuid: uuid.UUID | None = None,
    contract_uuid: uuid.UUID | None = None,
    operation_uuid: uuid.UUID | None = None,
    basis: str = "L2112-2",
    out_path: Path | str,
    template_dir: Path | None = None,
    penalty_per_hour: Decimal | None = None,
    values: Mapping[str, str] | None = None,
) -> WordingResult:
    """Write the wording set of one lot, contract or operation for ``basis`` to a DOCX.

    ``values`` fills or overrides template fields by name (e.g. ``ponderation_critere``).
    """
    if basis not in BASES:
        raise ReportError(f"Fondement juridique inconnu : « {basis} » ({', '.join(BASES)}).")
    if sum(x is not None for x in (lot_uuid, contract_uuid, operation_uuid)) != 1:
        raise ReportError("Indiquez un lot, un marché ou une opération (un seul).")
    template = find_template(basis, template_dir)
    with database.session() as session:
        settings = load_settings(session)
        settings = replace(settings, organisation=signed_organisation(settings.organisation))
        scope = _load_scope(session, lot_uuid, contract_uuid, operation_uuid)
        fields = wording_values(session, scope, settings, penalty_per_hour)
        basis_label = labels(session, ReferenceKind.LEGAL_BASIS).get(basis, basis)
    fields.update(values or {})
    try:
        rendered = render_template(template.read_text(encoding="utf-8"), fields)
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"Modèle illisible « {template} » : {exc}.") from exc
    logo = find_logo(template_dir) or (
        Path(settings.organisation.logo_path) if settings.organisation.logo_path else None
    )
    title = f"Clause sociale d'insertion — {basis_label}"

    def write(path: Path) -> None:
        footer = f"Clause sociale d'insertion ({basis}) · {scope.authority.name}"
        doc = new_document(title, settings.organisation.name, footer, cover=False)
        _heading_block(doc, title, scope, settings, logo)
        _render(doc, rendered)
        doc.save(str(path))

    path = write_atomically(Path(out_path), write)
    return WordingResult(path, tuple(rendered.unfilled), tuple(rendered.unknown))


def _load_scope(
    session: Session,
    lot_uuid: uuid.UUID | None,
    contract_uuid: uuid.UUID | None,
    operation_uuid: uuid.UUID | None,
) -> _Scope:
    if lot_uuid is not None:
        lot = session.get(Lot, lot_uuid)
        if lot is None:
            raise ReportError(f"Lot inconnu : {lot_uuid}.")
        parent = lot.contract
        text = f"lot {lot.number} « {lot.title} » du marché {parent.reference}"
        return _Scope(parent.authority, [parent], [lot], parent.operation, text)
    if contract_uuid is not None:
        contract = session.get(PublicContract, contract_uuid)
        if contract is None:
            raise ReportError(f"Marché inconnu : {contract_uuid}.")
        return _Scope(contract.authority, [contract], list(contract.lots), contract.operation,
                      f"marché {contract.reference} « {contract.object} »")  # fmt: skip
    operation = session.get(Operation, operation_uuid)
    if operation is None:
        raise ReportError(f"Opération inconnue : {operation_uuid}.")
    contracts = list(
        session.scalars(
            select(PublicContract)
            .where(PublicContract.operation_uuid == operation.uuid)
            .order_by(PublicContract.reference)
        )
    )
    lots = [lot for c in contracts for lot in c.lots]
    return _Scope(
        operation.authority, contracts, lots, operation, f"opération « {operation.name} »"
    )


def lot_hours(lot: Lot, settings: AppSettings, shares: Mapping[str, Decimal]) -> Decimal | None:
    """The clause's hours of a lot: its own figure, else its awards' sum, else the sizing of
    amount × labour share × insertion rate ÷ hourly cost; None when nothing allows it."""
    if lot.required_hours is not None:
        return lot.required_hours
    awarded = [a.required_hours for a in lot.awards if a.required_hours is not None]
    if awarded:
        return sum(awarded, Decimal(0))
    share = lot.labour_share
    if share is None and lot.trade_code:
        share = shares.get(lot.trade_code)
    if lot.amount_ht is None or share is None or lot.insertion_rate is None:
        return None
    try:
        return size_clause(
            lot.amount_ht, share, lot.insertion_rate, lot.hourly_cost, settings
        ).required_hours
    except SizingError:
        return None


def wording_values(
    session: Session, scope: _Scope, settings: AppSettings, penalty: Decimal | None
) -> dict[str, Value]:
    """Every field a template may use, by name (documented in docs/templates.md)."""
    shares = trade_labour_shares(session)
    rows, total, missing = [], Decimal(0), False
    framework: list[tuple[Lot, str]] = []  # lots sized on the amount invoiced
    for lot in scope.lots:
        contract = next(c for c in scope.contracts if c.uuid == lot.contract_uuid)
        if lot.clause_mode == ClauseMode.INVOICED:
            hours_text = invoiced_clause_words(lot)
            framework.append((lot, hours_text))
        elif lot.clause_mode == ClauseMode.PERCENT and lot.required_percent is not None:
            percent = format_number(lot.required_percent, 2)
            hours_text = f"{percent}\u00a0% des heures travaillées"
        else:
            hours = lot_hours(lot, settings, shares)
            missing = missing or hours is None
            total += hours or 0
            hours_text = format_hours(hours) if hours is not None else BLANK
        rows.append((contract.reference, lot.number, lot.title, hours_text))
    org = settings.organisation
    first = scope.contracts[0] if scope.contracts else None
    penalty = penalty or (first.penalty_per_hour if first else None)
    penalty = penalty or settings.default_penalty_per_hour
    # The contract's own values win over the settings (the first contract of a wider scope,
    # as for the penalty per hour).
    late = first.statement_penalty_per_day if first else None
    if late is None:
        late = settings.default_statement_penalty_per_day
    weight = first.award_criterion_weight if first else None
    if weight is None:
        weight = settings.default_award_criterion_weight
    return {
        "acheteur": scope.authority.name,
        "perimetre": scope.description,
        "objet": first.object if first and len(scope.contracts) == 1 else scope.description,
        "reference": ", ".join(c.reference for c in scope.contracts),
        "operation": scope.operation.name if scope.operation else "",
        "heures_total": _total_words(total, missing, framework),
        "etp_total": _etp_words(total, missing, bool(framework), settings),
        "accord_cadre": _framework_sentence(framework, len(scope.lots) > 1, settings),
        "tableau_heures": TableValue(
            ("Marché", "Lot", "Intitulé", "Heures d'insertion"),
            tuple(rows),
            ("Total", "", "", format_hours(total)) if len(rows) > 1 and not missing else None,
        ),
        "mutualisation": _pooling_sentence(scope),
        "publics_eligibles": list(labels(session, ReferenceKind.CRITERION).values()),
        "modalites": list(labels(session, ReferenceKind.MODALITY).values()),
        "facilitateur_structure": org.name,
        "facilitateur_nom": org.facilitator_name,
        "facilitateur_email": org.facilitator_email,
        "facilitateur_telephone": org.facilitator_phone,
        "facilitateur_adresse": org.address,
        "penalite_heure": format_money(penalty),
        "penalite_releve": format_money(late),
        "ponderation_critere": f"{weight}\u00a0%",
        "validite_eligibilite": f"{settings.eligibility_validity_months} mois",
        "heures_non_validees": UNVALIDATED_SENTENCES[
            effective_rules(
                settings,
                scope.operation.rules_override if scope.operation else None,
                first.rules_override if first else None,
            ).unvalidated_hours
        ],
        "date_du_jour": format_date(date.today(), long=True),
    }


def invoiced_clause_words(lot: Lot) -> str:
    """« 1 h par tranche de 2 000,00 € HT facturés » (a dotted line for a missing tranche)."""
    words = clause_words(lot.tranche_amount, lot.tranche_hours)
    return words if lot.tranche_amount is not None else words.replace("…", BLANK)


def _total_words(total: Decimal, missing: bool, framework: list[tuple[Lot, str]]) -> str:
    """The scope's hours: a number, the clause of lots sized on the amount invoiced, or both."""
    fixed = format_hours(total) if total and not missing else ""
    if not framework:
        return fixed
    invoiced = "; ".join(
        words if len(framework) == 1 else f"{words} (lot {lot.number})" for lot, words in framework
    )
    if not total:
        return invoiced
    return f"{fixed or BLANK}, plus {invoiced}"


def _etp_words(total: Decimal, missing: bool, framework: bool, settings: AppSettings) -> str:
    if framework and not total:
        return PROPORTIONAL
    if not total or missing:
        return ""
    fixed = format_etp(etp(total, settings))
    return f"{fixed}, plus {PROPORTIONAL}" if framework else fixed


PROPORTIONAL = "un volume proportionnel aux montants facturés"


def _framework_sentence(
    framework: list[tuple[Lot, str]], name_lots: bool, settings: AppSettings
) -> str:
    """What a framework contract's clause means, for the lots sized on the amount invoiced
    (empty when there is none: the template's optional line is then left out)."""
    if not framework:
        return ""
    where = ", ".join(f"lot {lot.number} « {lot.title} »" for lot, _w in framework)
    step = settings.rounding_step
    rounding = "à l'heure" if step == 1 else f"par multiple de {step} heures"
    clause = "; ".join(words for _lot, words in framework)
    subject = f"Pour le {where}, exécuté" if name_lots else "Le marché étant exécuté"
    return (
        f"{subject} par bons de commande, le nombre d'heures d'insertion suit les montants "
        f"facturés : {clause}. Les heures exigées pour une période sont calculées sur le total "
        f"des montants facturés pendant cette période, arrondi une seule fois {rounding}. Le "
        "titulaire transmet chaque mois au facilitateur les montants facturés (date, montant "
        "hors taxes, bon de commande)."
    )


# What hours of a person whose eligibility is not validated in time count for: the counting
# rule unvalidated_hours (docs/counting-rules.md), of the first contract of the scope.
UNVALIDATED_SENTENCES = {
    UnvalidatedHours.PROVISIONAL: (
        "Les heures d'une personne dont l'éligibilité n'a pas encore été validée sont "
        "comptées à titre provisoire, sous réserve de la validation du facilitateur."
    ),
    UnvalidatedHours.EXCLUDED: (
        "Les heures d'une personne dont l'éligibilité n'a pas été validée avant le début de "
        "son contrat ou de sa mission ne sont pas prises en compte."
    ),
}


def _pooling_sentence(scope: _Scope) -> str:
    kinds = {c.pooling_scope or PoolingScope.NONE for c in scope.contracts}
    if kinds == {PoolingScope.CONTRACT}:
        return (
            "Les heures réalisées par un même titulaire sur plusieurs lots du marché sont "
            "globalisées : l'excédent d'heures sur un lot compense le déficit sur un autre."
        )
    if kinds == {PoolingScope.OPERATION}:
        name = scope.operation.name if scope.operation else "de l'opération"
        return (
            "Les heures réalisées par un même titulaire sur plusieurs lots ou marchés de "
            f"l'opération « {name} » sont globalisées : l'excédent d'heures sur l'un "
            "compense le déficit sur un autre."
        )
    if kinds == {PoolingScope.NONE}:
        return (
            "Les heures d'insertion sont dues lot par lot : les heures réalisées sur un lot ne "
            "compensent pas celles d'un autre lot."
        )
    return "La globalisation des heures entre lots suit les stipulations propres à chaque marché."


def _heading_block(
    doc: DocxDocument, title: str, scope: _Scope, settings: AppSettings, logo: Path | None
) -> None:
    if logo is not None and logo.is_file():
        with contextlib.suppress(Exception):  # a bad logo must not stop the document
            doc.add_picture(str(logo), height=Cm(2))
    doc.add_paragraph(style="Title").add_run(xml_text(title))
    add_paragraph(doc, f"Donneur d'ordre : {scope.authority.name}\nPérimètre : {scope.description}")
    add_paragraph(
        doc,
        f"Texte proposé par {settings.organisation.name} le "
        f"{format_date(date.today(), long=True)}, à adapter par l'acheteur.",
        "small",
    )


def _render(doc: DocxDocument, rendered: Rendered) -> None:
    for line in rendered.lines:
        text = xml_text(line.text)  # XML cannot hold a control character (docx_writer)
        if line.kind == "h1":
            doc.add_heading(text, level=1)
        elif line.kind == "h2":
            doc.add_heading(text, level=2)
        elif line.kind == "bullet":
            doc.add_paragraph(text, style="List Bullet")
        elif line.kind == "table" and line.table is not None:
            _table(doc, line.table)
        else:
            paragraph = doc.add_paragraph(text)
            paragraph.paragraph_format.space_after = Pt(6)


def _table(doc: DocxDocument, value: TableValue) -> None:
    rows = [value.headers, *value.rows, *([value.total] if value.total else [])]
    table = doc.add_table(rows=len(rows), cols=len(value.headers))
    table.style = doc.styles["Table Grid"]
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            run = table.cell(r, c).paragraphs[0].add_run(xml_text(text))
            run.font.size = Pt(9)
            run.bold = r == 0 or (value.total is not None and r == len(rows) - 1)
    doc.add_paragraph()
