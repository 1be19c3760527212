"""Framework contracts in the forms: a lot written « 1 h per 2,000 € HT invoiced », the
amounts invoiced typed into the award's form, a negative amount refused (nothing saved)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from clauses_app.models import ClauseMode, Invoice, Lot
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from tests import builders as b
from tests.ui.test_forms import new_form, pick, save, type_into


def _framework(context: AppContext) -> tuple[Any, Any]:
    with context.database.transaction() as s:
        con = b.contract(s, b.authority(s, "Métropole"), "AC-2026", start_date=date(2026, 1, 1))
        lot = b.lot(s, con, "1", title="Espaces verts", clause_mode=ClauseMode.INVOICED,
                    tranche_amount=Decimal(2000), tranche_hours=Decimal(1))  # fmt: skip
        award = b.award(s, lot, b.company(s, "SIAE Jardins"))
        return con.uuid, award.uuid


def test_lot_form_writes_the_clause_on_the_amount_invoiced(
    qtbot: Any, app_context: AppContext
) -> None:
    contract, _award = _framework(app_context)
    form = new_form(qtbot, app_context, Kind.LOT, contract_uuid=contract)
    type_into(qtbot, form, "number", "2")
    type_into(qtbot, form, "title", "Propreté")
    lot_figures = ("required_hours", "required_percent", "tranche_hours", "tranche_amount")

    def asked() -> list[str]:
        return [n for n in lot_figures if form.fields[n].field.widget.isVisibleTo(form)]

    assert asked() == ["required_hours"]  # a new lot's clause is in hours
    pick(form, "clause_mode", "Heures par tranche de montant facturé (accord-cadre)")
    assert asked() == ["tranche_hours", "tranche_amount"]
    type_into(qtbot, form, "tranche_hours", "1")
    save(qtbot, form)
    assert form.result() != form.DialogCode.Accepted  # the tranche is missing
    assert form._errors["tranche_amount"].text() == "Champ obligatoire."
    type_into(qtbot, form, "tranche_amount", "0")
    assert "supérieur à 0" in form._errors["tranche_amount"].text()
    type_into(qtbot, form, "tranche_amount", "2 000")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted
    with app_context.database.session() as s:
        lot = s.scalars(select(Lot).where(Lot.number == "2")).one()
        assert (lot.clause_mode, lot.tranche_amount, lot.tranche_hours) == (
            ClauseMode.INVOICED, Decimal("2000.00"), Decimal("1.00"),
        )  # fmt: skip


def test_award_form_takes_the_amounts_invoiced(qtbot: Any, app_context: AppContext) -> None:
    _contract, award = _framework(app_context)
    form = open_form(app_context, Kind.AWARD, award)
    qtbot.addWidget(form)
    for row, (day, amount, reference) in enumerate(
        (("31/03/2026", "100 000", "BC-001"), ("30/06/2026", "48000,00", ""))
    ):
        qtbot.mouseClick(form.invoices.add_button, Qt.MouseButton.LeftButton)
        form.invoices.set_text(row, "invoiced_on", day)
        form.invoices.set_text(row, "amount_ht", amount)
        form.invoices.set_text(row, "reference", reference)
    assert form.invoiced_total.text() == (
        "Clause : 1\u00a0h par tranche de 2\u202f000,00\u00a0€ HT facturés. Total facturé : "
        "148\u202f000,00\u00a0€ HT (2 montants), soit 74\u00a0h d'insertion exigées."
    )
    form.invoices.set_text(1, "amount_ht", "-48000")
    save(qtbot, form)
    assert form.result() != form.DialogCode.Accepted
    assert form.invoices_error.text() == "Montant 2 : Un montant facturé ne peut pas être négatif."
    with app_context.database.session() as s:
        assert s.scalars(select(Invoice)).all() == []  # nothing saved
    form.invoices.set_text(1, "amount_ht", "48000")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted
    with app_context.database.session() as s:
        saved = s.scalars(select(Invoice).order_by(Invoice.invoiced_on)).all()
        assert [(i.invoiced_on, i.amount_ht, i.reference) for i in saved] == [
            (date(2026, 3, 31), Decimal("100000.00"), "BC-001"),
            (date(2026, 6, 30), Decimal("48000.00"), None),
        ]


def _awards_in_hours_and_percent(context: AppContext) -> tuple[Any, Any]:
    """An award of a lot in hours, and one of a lot in percent that has hours owed typed
    before its lot changed mode."""
    with context.database.transaction() as s:
        con = b.contract(s, b.authority(s, "Ville"), "T-2026", start_date=date(2026, 1, 1))
        in_hours = b.award(s, b.lot(s, con, "1", title="Voirie"), b.company(s, "Routes"), 300)
        percent_lot = b.lot(s, con, "2", title="Propreté", clause_mode=ClauseMode.PERCENT,
                            required_percent=Decimal(5))  # fmt: skip
        in_percent = b.award(s, percent_lot, b.company(s, "Net"), 120)
        return in_hours.uuid, in_percent.uuid


def test_the_amounts_invoiced_show_only_under_a_lot_sized_on_them(
    qtbot: Any, app_context: AppContext
) -> None:
    _contract, framework = _framework(app_context)
    in_hours, _in_percent = _awards_in_hours_and_percent(app_context)
    form = open_form(app_context, Kind.AWARD, in_hours)
    qtbot.addWidget(form)
    assert not form.invoices.isVisibleTo(form)
    framework_lot = form.fields["lot_uuid"].field.combo
    pick(form, "lot_uuid", next(framework_lot.itemText(i) for i in range(framework_lot.count())
                                if "AC-2026" in framework_lot.itemText(i)))  # fmt: skip
    assert form.invoices.isVisibleTo(form)  # the award is moved to a framework lot
    shown = open_form(app_context, Kind.AWARD, framework)
    qtbot.addWidget(shown)
    assert shown.invoices.isVisibleTo(shown)


def test_an_award_form_asks_for_the_figures_its_lots_clause_reads(
    qtbot: Any, app_context: AppContext
) -> None:
    _contract, framework = _framework(app_context)
    in_hours, in_percent = _awards_in_hours_and_percent(app_context)
    figures = ("required_hours", "required_percent", "worked_hours_total")

    def asked(award: Any) -> list[str]:
        form = open_form(app_context, Kind.AWARD, award)
        qtbot.addWidget(form)
        return [name for name in figures if form.fields[name].field.widget.isVisibleTo(form)]

    assert asked(in_hours) == ["required_hours"]
    # The percentage and the hours worked; the hours owed typed before the lot changed mode
    # stay in sight, so that they can be seen and emptied.
    assert asked(in_percent) == list(figures)
    assert asked(framework) == []  # the amounts invoiced make the hours owed


def test_the_alerts_page_names_a_framework_award_without_amounts(
    qtbot: Any, app_context: AppContext
) -> None:
    from clauses_app.services.alerts import AlertKind
    from clauses_app.ui.pages.alerts_page import AlertsPage

    _contract, award = _framework(app_context)  # performance from 01/01/2026, nothing invoiced
    page = AlertsPage(app_context)
    page.today = lambda: date(2026, 3, 15)  # type: ignore[method-assign]
    page.resize(1300, 600)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    opened: list[tuple[str, Any]] = []
    app_context.open_record_requested.connect(lambda kind, u: opened.append((kind, u)))
    assert page.select_alert(AlertKind.INVOICED_AMOUNTS_MISSING, award).isValid()
    assert page.action_label.text().splitlines()[-1] == (
        "À faire : Saisissez les montants facturés de l'attribution : les heures exigées en "
        "découlent."
    )
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert opened == [(Kind.AWARD, award)]  # the award's form, where the amounts are typed
