"""Forms of operations, public contracts, lots and awards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from clauses_app.formatting import format_etp, format_hours, format_money, format_number
from clauses_app.models import (
    AwardRole,
    ClauseMode,
    ContractNature,
    PoolingScope,
    ReferenceKind,
    SocialConsideration,
)
from clauses_app.services import records
from clauses_app.services.compliance import (
    CONSIDERATION_LABELS,
    EXCEPTION_LABELS,
    NATURE_LABELS,
    STATUS_LABELS,
    Compliance,
    judge_values,
)
from clauses_app.services.contract_figures import ContractFigures, load_contract_figures
from clauses_app.services.figures.awards import AWARD_FIGURES_USED, LOT_FIGURES_USED
from clauses_app.services.invoices import invoiced_clause, lot_clause_mode
from clauses_app.services.records import Kind
from clauses_app.services.reference import labels, trade_labour_shares
from clauses_app.services.sizing import SizingError, size_clause, size_invoiced
from clauses_app.services.thresholds import load_thresholds
from clauses_app.ui.forms.base import (
    FormField,
    RecordForm,
    child_messages,
    error_label,
    show_message,
)
from clauses_app.ui.tasks import Task, run_task
from clauses_app.ui.widgets.child_table import ChildColumn, ChildTable
from clauses_app.ui.widgets.dialogs import inform
from clauses_app.ui.widgets.fields import (
    CheckField,
    ChoiceField,
    DateField,
    DecimalField,
    FieldError,
    MultilineField,
    TextField,
)

POOLING = (
    (PoolingScope.NONE, "Aucune (chaque lot séparément)"),
    (PoolingScope.CONTRACT, "Entre les lots du marché"),
    (PoolingScope.OPERATION, "Entre les marchés de l'opération"),
)
CLAUSE_MODES = (
    (ClauseMode.HOURS, "Nombre d'heures"),
    (ClauseMode.PERCENT, "Pourcentage des heures travaillées"),
    (ClauseMode.INVOICED, "Heures par tranche de montant facturé (accord-cadre)"),
)
DEFAULT_TIP = "Vide : la valeur des Paramètres (affichée en grisé) est reprise dans la clause."
ROLES = ((AwardRole.HOLDER, "Titulaire"), (AwardRole.CO_CONTRACTOR, "Co-traitant"))


class OperationForm(RecordForm):
    kind = Kind.OPERATION
    title_new = "Nouvelle opération"
    title_edit = "Opération"

    def build_fields(self, session: Session) -> list[FormField]:
        return [
            FormField("authority_uuid", "Donneur d'ordre",
                      ChoiceField(records.choices(session, Kind.AUTHORITY)), required=True),
            FormField("name", "Nom", TextField(200), required=True),
            FormField("description", "Description", MultilineField()),
            FormField("start_date", "Début", DateField()),
            FormField("end_date", "Fin", DateField()),
        ]  # fmt: skip


class ContractForm(RecordForm):
    kind = Kind.CONTRACT
    title_new = "Nouveau marché"
    title_edit = "Marché"

    def build_fields(self, session: Session) -> list[FormField]:
        legal = ChoiceField(list(labels(session, ReferenceKind.LEGAL_BASIS).items()), None)
        return [
            FormField("authority_uuid", "Donneur d'ordre",
                      ChoiceField(records.choices(session, Kind.AUTHORITY)), required=True),
            FormField("operation_uuid", "Opération", ChoiceField([], "— aucune —")),
            FormField("reference", "Référence", TextField(80), required=True),
            FormField("object", "Objet", TextField(300), required=True),
            FormField("procedure", "Procédure", TextField(80)),
            FormField("legal_basis", "Base juridique de la clause", legal, required=True),
            FormField("notification_date", "Notification", DateField()),
            FormField("start_date", "Début d'exécution", DateField()),
            FormField("end_date", "Fin d'exécution", DateField()),
            FormField("amount_ht", "Montant HT", DecimalField("€")),
            # What the 2026 rule (L2112-2-1, L3114-2-1) needs to judge the contract.
            FormField("nature", "Nature du marché", ChoiceField(list(NATURE_LABELS.items()), None)),
            FormField("utilities", "", CheckField("Passé en tant qu'entité adjudicatrice "
                                                  "(activité d'opérateur de réseau)")),
            FormField("estimated_value", "Valeur estimée HT (seuils)", DecimalField("€")),
            FormField("launch_date", "Lancement de la consultation", DateField()),
            FormField("social_consideration", "Considération sociale",
                      ChoiceField(list(CONSIDERATION_LABELS.items()), None)),
            FormField("social_exception", "Exception invoquée",
                      ChoiceField(list(EXCEPTION_LABELS.items()), "— aucune —")),
            FormField("social_exception_reason", "Justification de l'exception",
                      MultilineField()),
            FormField("pooling_scope", "Globalisation des heures", ChoiceField(POOLING, None)),
            FormField("penalty_per_hour", "Pénalité par heure non réalisée", DecimalField("€")),
            FormField("statement_penalty_per_day", "Pénalité par jour de retard d'un relevé",
                      DecimalField("€")),
            FormField("award_criterion_weight", "Pondération du critère d'insertion",
                      DecimalField("%", decimals=0)),
            FormField("notes", "Notes", MultilineField()),
        ]  # fmt: skip

    def build_extra(self, layout: QVBoxLayout) -> None:
        # The global settings the wording uses when the contract's own value is empty.
        settings = self.context.settings()
        hints = {
            "penalty_per_hour": settings.default_penalty_per_hour,
            "statement_penalty_per_day": settings.default_statement_penalty_per_day,
        }
        for name, amount in hints.items():
            field = self.fields[name].field
            assert isinstance(field, DecimalField)
            field.edit.setPlaceholderText(format_number(amount, 2))
            field.edit.setToolTip(DEFAULT_TIP)
        weight = self.fields["award_criterion_weight"].field
        assert isinstance(weight, DecimalField)
        weight.edit.setPlaceholderText(str(settings.default_award_criterion_weight))
        weight.edit.setToolTip(DEFAULT_TIP)
        with self.context.database.session() as session:
            self._thresholds = load_thresholds(session)
        self.compliance_label = QLabel()
        self.compliance_label.setObjectName("complianceStatus")
        self.compliance_label.setWordWrap(True)
        layout.addWidget(self.compliance_label)
        self._build_figures(layout)

    def _build_figures(self, layout: QVBoxLayout) -> None:
        """The contract's hours (services.contract_figures), computed in the background."""
        self.figures_label = QLabel()
        self.figures_label.setObjectName("contractFigures")
        self.figures_label.setWordWrap(True)
        self.figures_label.setStyleSheet(
            "background: #eef3f9; border: 1px solid #c9d6e6; border-radius: 4px; padding: 6px;"
        )
        self.figures_task: Task | None = None
        layout.insertWidget(0, self.figures_label)  # the contract's hours come first
        contract = self.record_uuid
        if contract is None:
            self.figures_label.hide()
            return
        self.figures_label.setText("Calcul des heures du marché…")
        self.figures_task = run_task(
            self, "Heures du marché", self.context.database,
            lambda database, progress: load_contract_figures(database, contract, progress),
            on_done=self._show_figures, on_error=self._figures_failed,
            show_progress=False, changes_data=False,
        )  # fmt: skip
        self.finished.connect(self._stop_figures)

    def _stop_figures(self) -> None:
        """The view closes: its figures are no longer wanted (and their thread must end
        before the view goes)."""
        task = self.figures_task
        if task is not None and task.is_running:
            task.cancel()
            task.wait()

    def _show_figures(self, figures: ContractFigures) -> None:
        self.figures_task = None
        self.figures_label.setText("\n".join(figures.lines()))

    def _figures_failed(self, error: BaseException) -> None:
        self.figures_task = None
        self.figures_label.setText(f"Heures du marché indisponibles : {error}")

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        values, unreadable = super().values()
        weight = values.get("award_criterion_weight")
        if weight is not None:  # a whole percent (the column is an integer)
            values["award_criterion_weight"] = int(weight)
        return values, unreadable

    def load_values(self, values: dict[str, Any]) -> None:
        values = {
            "legal_basis": "L2112-2",
            "pooling_scope": PoolingScope.NONE,
            "nature": ContractNature.WORKS,
            "social_consideration": SocialConsideration.INSERTION_CLAUSE,
            **values,
        }
        self._reload_operations(values.get("authority_uuid"))
        super().load_values(values)

    def refresh_errors(self) -> dict[str, str]:
        errors = super().refresh_errors()
        self.show_compliance()
        return errors

    def show_compliance(self) -> None:
        """Say under the form what the 2026 rule makes of the contract as typed."""
        values, _unreadable = self.values()
        with self.context.database.session() as session:
            status, limit = judge_values(session, values, self._thresholds)
        text = f"Obligation sociale (2026) : {STATUS_LABELS[status]}"
        if limit is not None and status != Compliance.BEFORE:
            text += f" — seuil {format_money(limit)} HT"
        colour = "#b3261e" if status == Compliance.MISSING else "#555"
        self.compliance_label.setStyleSheet(f"color: {colour};")
        self.compliance_label.setText(text)

    def field_changed(self, name: str) -> None:
        if name == "authority_uuid":
            try:
                authority = self.fields["authority_uuid"].field.value()
            except FieldError:
                authority = None
            self._reload_operations(authority)

    def _reload_operations(self, authority_uuid: Any) -> None:
        field = self.fields["operation_uuid"].field
        assert isinstance(field, ChoiceField)
        with self.context.database.session() as session:
            options = (
                records.choices(session, Kind.OPERATION, authority_uuid=authority_uuid)
                if authority_uuid
                else []
            )
        field.set_choices(options)


# The figures of a lot and of an award: which of them the clause mode reads decides which
# their forms show.
LOT_FIGURE_FIELDS = ("required_hours", "required_percent", "tranche_hours", "tranche_amount")
AWARD_FIGURE_FIELDS = ("required_hours", "required_percent", "worked_hours_total")


class LotForm(RecordForm):
    kind = Kind.LOT
    title_new = "Nouveau lot"
    title_edit = "Lot"

    def build_fields(self, session: Session) -> list[FormField]:
        self._shares = trade_labour_shares(session)
        trades = ChoiceField(list(labels(session, ReferenceKind.TRADE).items()))
        return [
            FormField("contract_uuid", "Marché",
                      ChoiceField(records.choices(session, Kind.CONTRACT)), required=True),
            FormField("number", "Numéro", TextField(20), required=True),
            FormField("title", "Intitulé", TextField(300), required=True),
            FormField("trade_code", "Corps d'état", trades),
            FormField("amount_ht", "Montant HT", DecimalField("€")),
            FormField("labour_share", "Part de main-d'œuvre", DecimalField("%")),
            FormField("insertion_rate", "Taux d'insertion", DecimalField("%")),
            FormField("hourly_cost", "Coût horaire chargé", DecimalField("€/h")),
            FormField("clause_mode", "La clause porte sur", ChoiceField(CLAUSE_MODES, None)),
            FormField("required_hours", "Heures d'insertion du lot", DecimalField("h")),
            FormField("required_percent", "Pourcentage des heures", DecimalField("%")),
            FormField("tranche_hours", "Heures par tranche facturée", DecimalField("h")),
            FormField("tranche_amount", "Montant d'une tranche", DecimalField("€ HT facturés")),
            FormField("start_date", "Début d'exécution du lot", DateField()),
            FormField("end_date", "Fin d'exécution du lot", DateField()),
        ]  # fmt: skip

    def load_values(self, values: dict[str, Any]) -> None:
        super().load_values({"clause_mode": ClauseMode.HOURS, "number": "1", **values})
        self._follow_clause_mode()

    def _follow_clause_mode(self) -> None:
        """The figures the clause mode reads (figures.awards.LOT_FIGURES_USED: the hours,
        the percentage, or the tranche), and any other already filled in."""
        mode = self.fields["clause_mode"].field.value()
        if self.ask_for(LOT_FIGURE_FIELDS, LOT_FIGURES_USED.get(mode)):
            self.fit_height()

    def build_extra(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.compute_button = QPushButton("Calculer les heures")
        self.compute_button.setToolTip(
            "Montant × part de main-d'œuvre × taux d'insertion ÷ coût horaire"
        )
        self.compute_button.clicked.connect(self.compute_hours)
        self.sizing_button = QPushButton("Dimensionner…")
        self.sizing_button.clicked.connect(self.open_sizing)
        self.sizing_result = QLabel()
        row.addWidget(self.compute_button)
        row.addWidget(self.sizing_button)
        row.addWidget(self.sizing_result, 1)
        layout.addLayout(row)

    def field_changed(self, name: str) -> None:
        if name == "clause_mode" and not self._loading:
            self._follow_clause_mode()
        if name == "trade_code":
            share_field = self.fields["labour_share"].field
            code = self.fields["trade_code"].field.value() if not self._loading else None
            if code in self._shares:
                share_field.set_value(self._shares[code])

    def compute_hours(self) -> None:
        """Fill the lot's hours from its amount, labour share, rate and cost (sizing service)."""
        try:
            amount = self.fields["amount_ht"].field.value()
            share = self.fields["labour_share"].field.value()
            rate = self.fields["insertion_rate"].field.value()
            cost = self.fields["hourly_cost"].field.value()
        except FieldError:
            self.refresh_errors()
            return
        if amount is None or share is None or rate is None:
            self.sizing_result.setText("Renseignez le montant, la part et le taux.")
            return
        try:
            sizing = size_clause(amount, share, rate, cost, self.context.settings())
        except SizingError as exc:
            self.sizing_result.setText(str(exc))
            return
        self.fields["required_hours"].field.set_value(sizing.required_hours)
        self.sizing_result.setText(
            f"{format_hours(sizing.required_hours)} soit {format_etp(sizing.etp)}"
        )

    def open_sizing(self) -> None:
        """The clause-sizing assistant (part of the dashboard work); reload after it saved."""
        if self.record_uuid is None:
            inform(self, "Dimensionner", "Enregistrez d'abord le lot.")
            return
        try:
            from clauses_app.ui.pages.sizing import SizingDialog
        except ImportError:
            inform(self, "Dimensionner", "L'assistant de dimensionnement arrive bientôt.")
            return
        dialog = SizingDialog(self.context, lot_uuid=self.record_uuid, parent=self)
        if dialog.exec():
            with self.context.database.session() as session:
                saved = records.load_record(session, Kind.LOT, self.record_uuid)
            self._loading = True
            for name in ("required_hours", "amount_ht", "labour_share", "insertion_rate",
                         "hourly_cost", "trade_code", "clause_mode", "required_percent",
                         "tranche_amount", "tranche_hours"):  # fmt: skip
                self.fields[name].field.set_value(saved[name])
            self._loading = False
            self._follow_clause_mode()
            self.base = saved  # the sizing saved the lot: its new version
            self._snapshot = self.snapshot()
            self.refresh_errors()


class AwardForm(RecordForm):
    kind = Kind.AWARD
    title_new = "Nouvelle attribution"
    title_edit = "Attribution"

    def build_fields(self, session: Session) -> list[FormField]:
        return [
            FormField("lot_uuid", "Lot", ChoiceField(records.choices(session, Kind.LOT)),
                      required=True),
            FormField("company_uuid", "Entreprise",
                      ChoiceField(records.choices(session, Kind.COMPANY)), required=True),
            FormField("role", "Rôle", ChoiceField(ROLES, None)),
            FormField("award_date", "Date d'attribution", DateField()),
            FormField("required_hours", "Heures d'insertion dues", DecimalField("h")),
            FormField("required_percent", "Pourcentage dû (clause en %)", DecimalField("%")),
            FormField("worked_hours_total", "Heures travaillées sur le lot", DecimalField("h")),
        ]  # fmt: skip

    def load_values(self, values: dict[str, Any]) -> None:
        super().load_values({"role": AwardRole.HOLDER, **values})
        self._follow_lot()

    def build_extra(self, layout: QVBoxLayout) -> None:
        # Shown for a lot sized on the amount invoiced (or an award that has amounts): an
        # empty table under every other award only asks a question that does not arise.
        self.invoiced_section = QWidget()
        section = QVBoxLayout(self.invoiced_section)
        section.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.invoiced_section)
        section.addWidget(QLabel("<b>Montants facturés</b> (accord-cadre : clause en heures par "
                                "tranche de montant facturé)"))  # fmt: skip
        self.invoices = ChildTable(
            [
                ChildColumn("invoiced_on", "Date de facture *", "date"),
                ChildColumn("amount_ht", "Montant € HT *", "money"),
                ChildColumn("reference", "Bon de commande ou facture"),
            ],
            "Ajouter un montant",
        )
        self.invoices.changed.connect(lambda: self._on_changed("invoices"))
        section.addWidget(self.invoices)
        self.invoices_error = error_label()
        section.addWidget(self.invoices_error)
        self.invoiced_total = QLabel()
        self.invoiced_total.setObjectName("invoiced_total")
        self.invoiced_total.setWordWrap(True)
        section.addWidget(self.invoiced_total)

    def load_extra(self, values: dict[str, Any]) -> None:
        self.invoices.set_rows(values.get("invoices") or [])

    def extra_values(self) -> dict[str, Any]:
        rows, unreadable = self.invoices.rows()
        return {
            "invoices": rows,
            "_unreadable": {f"invoices.{key}": message for key, message in unreadable.items()},
        }

    def show_extra_errors(self, errors: dict[str, str]) -> None:
        show_message(self.invoices_error, child_messages(errors, "invoices", "Montant"))

    def field_changed(self, name: str) -> None:
        if name in ("invoices", "lot_uuid") and not self._loading:
            self._follow_lot()

    def _follow_lot(self) -> None:
        """The figures the lot's clause reads (figures.awards.AWARD_FIGURES_USED: the hours
        owed, or the percentage and hours worked, or the amounts invoiced), and any other
        already filled in; then the amounts' total and the hours it calls for, under the
        lot's clause (every amount: a period's hours are the figures', rounded on that
        period's total)."""
        try:
            lot_uuid = self.fields["lot_uuid"].field.value()
        except FieldError:
            lot_uuid = None
        terms = mode = None
        if lot_uuid is not None:
            with self.context.database.session() as session:
                terms = invoiced_clause(session, lot_uuid)
                mode = lot_clause_mode(session, lot_uuid)
        rows, _unreadable = self.invoices.rows()
        amounts = [row["amount_ht"] for row in rows if row.get("amount_ht") is not None]
        changed = self.ask_for(AWARD_FIGURE_FIELDS, AWARD_FIGURES_USED.get(mode or ""))
        shown = terms is not None or bool(rows)
        if shown == self.invoiced_section.isHidden():
            self.invoiced_section.setVisible(shown)
            changed = True
        if changed:
            self.fit_height()
        if terms is None:
            self.invoiced_total.setText(
                "Le lot n'est pas dimensionné sur le montant facturé." if amounts else ""
            )
            return
        amount, hours = terms
        total = sum(amounts, Decimal(0))
        try:
            owed = size_invoiced(total, amount, hours, self.context.settings()).required_hours
        except SizingError as exc:
            self.invoiced_total.setText(str(exc))
            return
        self.invoiced_total.setText(
            f"Clause : {format_hours(hours)} par tranche de {format_money(amount)} HT facturés. "
            f"Total facturé : {format_money(total)} HT ({len(amounts)} montants), soit "
            f"{format_hours(owed)} d'insertion exigées."
        )
