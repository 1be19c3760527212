"""The 2026 rule's fields in the authority and contract forms, typed in as a user does.

Thresholds from 1 January 2026 (docs/counting-rules.md): supplies and services of local
authorities 216,000 € HT, of the State 140,000 € HT; the obligation applies to consultations
launched from 22 August 2026.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from clauses_app.models import BuyerType, ContractingAuthority, PublicContract
from clauses_app.services import records
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.forms.contracts import ContractForm
from tests import builders as b
from tests.ui.test_forms import new_form, pick, save, type_into

STATE = "État ou établissement public de l'État (autorité publique centrale)"


def contract_count(context: AppContext) -> int:
    with context.database.session() as s:
        return s.scalar(select(func.count()).select_from(PublicContract)) or 0


def services_contract(qtbot: Any, context: AppContext) -> RecordForm:
    """A services contract of a local authority, launched on 1 September 2026, with no social
    consideration: the threshold is 216,000 € HT."""
    form = new_form(qtbot, context, Kind.CONTRACT)
    pick(form, "authority_uuid", "Ville de Lyon")
    type_into(qtbot, form, "reference", "2026-101")
    type_into(qtbot, form, "object", "Nettoyage des écoles")
    pick(form, "nature", "Services")
    type_into(qtbot, form, "launch_date", "01/09/2026")
    pick(form, "social_consideration", "Aucune")
    return form


def test_authority_form_sets_the_buyer_type(qtbot: Any, app_context: AppContext) -> None:
    form = new_form(qtbot, app_context, Kind.AUTHORITY)
    assert form.fields["buyer_type"].field.value() == BuyerType.LOCAL  # the default
    type_into(qtbot, form, "name", "Préfecture du Rhône")
    pick(form, "buyer_type", STATE)
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted
    with app_context.database.session() as s:
        authority = s.scalars(select(ContractingAuthority)).one()
        assert authority.buyer_type == BuyerType.STATE


def test_contract_form_judges_each_side_of_the_threshold(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        b.authority(s, "Ville de Lyon")
    form = services_contract(qtbot, app_context)
    assert isinstance(form, ContractForm)
    type_into(qtbot, form, "estimated_value", "215 999,99")
    assert form.compliance_label.text() == (
        "Obligation sociale (2026) : Sous le seuil — seuil 216\u202f000,00\u00a0€ HT"
    )
    type_into(qtbot, form, "estimated_value", "216 000")
    assert form.compliance_label.text() == (
        "Obligation sociale (2026) : Non conforme : ni considération sociale ni exception "
        "justifiée — seuil 216\u202f000,00\u00a0€ HT"
    )
    type_into(qtbot, form, "launch_date", "21/08/2026")  # the day before the obligation
    assert "Lancé avant l'obligation" in form.compliance_label.text()
    type_into(qtbot, form, "launch_date", "22/08/2026")
    assert "Non conforme" in form.compliance_label.text()
    pick(form, "social_consideration", "Clause d'insertion (condition d'exécution)")
    assert "Conforme : considération sociale" in form.compliance_label.text()


def test_an_exception_without_reason_saves_nothing(qtbot: Any, app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        b.authority(s, "Ville de Lyon")
    form = services_contract(qtbot, app_context)
    type_into(qtbot, form, "estimated_value", "300 000")
    pick(form, "social_exception", "Pas de lien suffisant avec l'objet du marché")
    save(qtbot, form)
    assert form.result() != form.DialogCode.Accepted
    assert form.error_text("social_exception_reason") == "Une exception doit être justifiée."
    assert contract_count(app_context) == 0

    type_into(qtbot, form, "social_exception_reason", "Fourniture d'un logiciel sur étagère.")
    assert "Conforme : exception justifiée" in form.compliance_label.text()
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted, form.current_errors()
    with app_context.database.session() as s:
        saved = s.scalars(select(PublicContract)).one()
        assert (saved.nature, saved.launch_date, saved.estimated_value) == (
            "SERVICES", date(2026, 9, 1), Decimal("300000.00"),
        )  # fmt: skip
        assert (saved.social_consideration, saved.social_exception) == ("NONE", "NO_LINK")
        assert saved.social_exception_reason == "Fourniture d'un logiciel sur étagère."


def test_bad_social_values_are_refused_with_french_messages(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        b.authority(s, "Ville de Lyon")
    form = services_contract(qtbot, app_context)
    type_into(qtbot, form, "notification_date", "15/08/2026")  # before the launch
    type_into(qtbot, form, "estimated_value", "-5")
    pick(form, "social_consideration", "Autre considération sociale ou d'emploi")
    pick(form, "social_exception", "Autre exception")
    type_into(qtbot, form, "social_exception_reason", "Sans objet")
    type_into(qtbot, form, "award_criterion_weight", "12,5")
    save(qtbot, form)
    assert form.result() != form.DialogCode.Accepted
    assert form.error_text("launch_date") == (
        "La consultation doit être lancée avant la notification."
    )
    assert form.error_text("estimated_value") != ""
    assert form.error_text("social_exception") == (
        "Une exception ne s'invoque qu'en l'absence de considération sociale."
    )
    assert form.error_text("award_criterion_weight") == "Saisissez un nombre entier."
    type_into(qtbot, form, "award_criterion_weight", "120")
    assert form.error_text("award_criterion_weight") == (
        "Un pourcentage est compris entre 0 et 100 %."
    )
    assert contract_count(app_context) == 0


def test_per_contract_wording_values_are_saved_and_default_to_the_settings(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        b.authority(s, "Ville de Lyon", buyer_type=BuyerType.STATE)
    form = services_contract(qtbot, app_context)
    assert isinstance(form, ContractForm)
    weight = form.fields["award_criterion_weight"].field
    assert weight.input_widget().placeholderText() == "10"  # the setting, shown greyed
    type_into(qtbot, form, "estimated_value", "140 000")  # the State's threshold: subject
    pick(form, "social_consideration", "Marché réservé (L2113-12 à L2113-15)")
    assert form.compliance_label.text().endswith("seuil 140\u202f000,00\u00a0€ HT")
    qtbot.mouseClick(form.fields["utilities"].field.input_widget(), Qt.MouseButton.LeftButton)
    assert form.compliance_label.text().endswith("seuil 432\u202f000,00\u00a0€ HT")
    type_into(qtbot, form, "award_criterion_weight", "15")
    type_into(qtbot, form, "statement_penalty_per_day", "75")
    save(qtbot, form)
    assert form.result() == form.DialogCode.Accepted, form.current_errors()
    with app_context.database.session() as s:
        saved = s.scalars(select(PublicContract)).one()
        assert (saved.award_criterion_weight, saved.statement_penalty_per_day) == (
            15, Decimal("75.00"),
        )  # fmt: skip
        assert (saved.utilities, saved.social_consideration) == (True, "RESERVED")
        rows = records.fetch_rows(s, Kind.CONTRACT, records.ListQuery())
    assert rows[0].values["social_consideration"] == "Marché réservé (L2113-12 à L2113-15)"


def test_contracts_list_names_the_consideration_or_the_exception(app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        town = b.authority(s, "Ville de Lyon")
        b.contract(s, town, "A-1")
        b.contract(s, town, "A-2", social_consideration="NONE", social_exception="COMPETITION",
                   social_exception_reason="Un seul fournisseur possible.")  # fmt: skip
    columns = [c.key for c in records.list_columns(Kind.CONTRACT)]
    assert "social_consideration" in columns
    with app_context.database.session() as s:
        query = records.ListQuery(sort_key="reference")
        rows = records.fetch_rows(s, Kind.CONTRACT, query)
    assert [r.values["social_consideration"] for r in rows] == [
        "Clause d'insertion (condition d'exécution)",
        "Exception : Restriction de la concurrence ou difficulté d'exécution",
    ]
