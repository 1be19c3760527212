"""Validation of each kind of record: ``{field: French message}``, empty when valid.

Values are typed (``Decimal``, ``date``, ``uuid.UUID``, ``str``, ``bool`` or None); a form
reports text it cannot even parse itself. Rules that need the database (unique SIRET,
an employment inside its contract's performance period) read it through ``session``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Numeric, func, inspect, select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_hours, format_money
from clauses_app.models import (
    Award,
    AwardRole,
    BuyerType,
    ClauseMode,
    Company,
    ContractNature,
    CriterionStatus,
    Lot,
    Operation,
    Participant,
    PoolingScope,
    PublicContract,
    Sex,
    SocialConsideration,
    SocialException,
)
from clauses_app.models.base import Hours, Money
from clauses_app.services.bounds import FIRST_DAY, LAST_DAY, MAX_HOURS, MAX_MONEY, beyond
from clauses_app.services.identifiers import is_valid_siret
from clauses_app.services.records.kinds import MODELS, Kind
from clauses_app.services.records.versions import CHILD_LISTS

Errors = dict[str, str]
Values = Mapping[str, Any]

REQUIRED = "Champ obligatoire."
CRITERION_TWICE = "Ce critère est déjà saisi avec la même date de validation."
HUNDRED = Decimal(100)
TRANCHE_AMOUNT = "Le montant facturé par tranche doit être supérieur à 0 € HT."
TRANCHE_HOURS = "Le nombre d'heures par tranche facturée doit être supérieur à 0."
NOT_INVOICED = (
    "Ce lot n'est pas dimensionné sur le montant facturé : choisissez « Heures par tranche "
    "de montant facturé » dans le lot pour y saisir des montants."
)
INVOICE_TOO_LARGE = f"Un montant facturé ne peut pas dépasser {format_money(MAX_MONEY)} HT."
MONEY_TOO_LARGE = f"Un montant ne peut pas dépasser {format_money(MAX_MONEY)}."
HOURS_TOO_LARGE = f"Un nombre d'heures ne peut pas dépasser {format_hours(MAX_HOURS)}."
DAY_OUT_OF_RANGE = f"Date hors des années {FIRST_DAY.year} à {LAST_DAY.year} : vérifiez l'année."
LAUNCH_AFTER_NOTIFICATION = "La consultation doit être lancée avant la notification."
LAUNCH_AFTER_START = "La consultation doit être lancée avant le début d'exécution."
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTAL_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def compact_siret(text: str | None) -> str | None:
    """SIRET without spaces or dots (what is stored), None when empty."""
    if text is None:
        return None
    digits = re.sub(r"[\s.\u202f\u00a0-]", "", text)
    return digits or None


def siret_message(text: str | None) -> str | None:
    """Why a SIRET is wrong, or None when it is empty or valid (Luhn checksum)."""
    value = compact_siret(text)
    if value is None:
        return None
    if not value.isdigit() or len(value) != 14:
        return "Un SIRET compte 14 chiffres."
    if not is_valid_siret(value):
        return "SIRET invalide : la clé de contrôle ne correspond pas."
    return None


class _Checker:
    """Collects the first message of each field."""

    def __init__(self, values: Values) -> None:
        self.values = values
        self.errors: Errors = {}

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) else value

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def required(self, *names: str) -> None:
        for name in names:
            if self.get(name) in (None, ""):
                self.fail(name, REQUIRED)

    def dates_in_order(self, start: str, end: str, message: str | None = None) -> None:
        first, last = self.get(start), self.get(end)
        if first and last and last < first:
            self.fail(end, message or "La date de fin précède la date de début.")

    def at_least(self, name: str, minimum: Decimal, message: str) -> None:
        value = self.get(name)
        if value is not None and value < minimum:
            self.fail(name, message)

    def at_most(self, name: str, maximum: Decimal, message: str) -> None:
        """A finite number no larger than ``maximum`` (services/bounds.py)."""
        value = self.get(name)
        if value is not None and beyond(value, maximum):
            self.fail(name, message)

    def non_negative(self, *names: str) -> None:
        for name in names:
            self.at_least(name, Decimal(0), "La valeur ne peut pas être négative.")

    def percent(self, *names: str) -> None:
        for name in names:
            value = self.get(name)
            if value is not None and not Decimal(0) <= value <= HUNDRED:
                self.fail(name, "Un pourcentage est compris entre 0 et 100 %.")

    def one_of(self, name: str, allowed: tuple[str, ...]) -> None:
        value = self.get(name)
        if value not in (None, "") and value not in allowed:
            self.fail(name, "Valeur inconnue.")

    def siret(self, name: str = "siret") -> None:
        message = siret_message(self.get(name))
        if message:
            self.fail(name, message)

    def postal_code(self, name: str = "postal_code") -> None:
        value = self.get(name)
        if value and not POSTAL_CODE.match(value):
            self.fail(name, "Un code postal compte 5 chiffres.")

    def email(self, name: str = "email") -> None:
        value = self.get(name)
        if value and not EMAIL.match(value):
            self.fail(name, "Adresse électronique invalide.")

    def not_after_today(self, name: str, message: str) -> None:
        value = self.get(name)
        if value and value > date.today():
            self.fail(name, message)


def validate(
    session: Session, kind: str, values: Values, record_uuid: uuid.UUID | None = None
) -> Errors:
    """Messages for every invalid field of a record of ``kind`` (empty when valid)."""
    check = _Checker(values)
    VALIDATORS[kind](session, check, record_uuid)
    _within_columns(check, MODELS[kind], values, "")
    child = CHILD_LISTS.get(kind)
    if child is not None:
        child_model = inspect(MODELS[kind]).relationships[child[0]].mapper.class_
        for index, row in enumerate(values.get(child[0]) or ()):
            _within_columns(check, child_model, row, f"{child[0]}.{index}.")
    return check.errors


def _within_columns(check: _Checker, model: type[Any], values: Values, prefix: str) -> None:
    """Every amount, number of hours and date within what the application takes in
    (services/bounds.py), read from the columns' types so that no field is left out: past
    them SQLite keeps a rounded float, PostgreSQL refuses the row, and a date's month
    arithmetic fails. A field's own message, when it has one, comes first."""
    money, hours = Money(), Hours()
    columns = inspect(model).columns
    for name, value in values.items():
        column = columns.get(name)
        if column is None or value is None:
            continue
        kind = column.type
        if isinstance(kind, Date) and isinstance(value, date):
            if not FIRST_DAY <= value <= LAST_DAY:
                check.fail(prefix + name, DAY_OUT_OF_RANGE)
        elif isinstance(kind, Numeric) and isinstance(value, Decimal):
            shape = (kind.precision, kind.scale)
            if shape == (money.precision, money.scale) and beyond(value, MAX_MONEY):
                check.fail(prefix + name, MONEY_TOO_LARGE)
            elif shape == (hours.precision, hours.scale) and beyond(value, MAX_HOURS):
                check.fail(prefix + name, HOURS_TOO_LARGE)


def _authority(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("name")
    check.siret()
    check.postal_code()
    check.one_of("buyer_type", BuyerType.ALL)
    for index, contact in enumerate(check.values.get("contacts") or ()):
        if not (contact.get("name") or "").strip():
            check.fail(f"contacts.{index}.name", "Le nom du contact est obligatoire.")
        email = (contact.get("email") or "").strip()
        if email and not EMAIL.match(email):
            check.fail(f"contacts.{index}.email", "Adresse électronique invalide.")


def _operation(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("authority_uuid", "name")
    check.dates_in_order("start_date", "end_date")


def _contract(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("authority_uuid", "reference", "object", "legal_basis")
    check.dates_in_order(
        "start_date", "end_date", "La fin d'exécution précède le début d'exécution."
    )
    check.non_negative("amount_ht", "penalty_per_hour")
    check.one_of("pooling_scope", PoolingScope.ALL)
    _social_consideration(check)
    operation_uuid = check.get("operation_uuid")
    if operation_uuid is not None:
        operation = session.get(Operation, operation_uuid)
        if operation is None:
            check.fail("operation_uuid", "Opération introuvable.")
        elif operation.authority_uuid != check.get("authority_uuid"):
            check.fail("operation_uuid", "Cette opération appartient à un autre donneur d'ordre.")


def social_consideration_errors(values: Values) -> Errors:
    """The 2026 rule's checks alone, for imports that set these fields on a contract (the
    same messages as the contract form's)."""
    check = _Checker(values)
    _social_consideration(check)
    return check.errors


def _social_consideration(check: _Checker) -> None:
    """What the 2026 rule judges (services/compliance.py) and the wording's own values."""
    check.one_of("nature", ContractNature.ALL)
    check.one_of("social_consideration", SocialConsideration.ALL)
    check.one_of("social_exception", SocialException.ALL)
    check.non_negative("estimated_value", "statement_penalty_per_day")
    weight = check.get("award_criterion_weight")
    if weight is not None and not 0 <= weight <= 100:
        check.fail("award_criterion_weight", "Un pourcentage est compris entre 0 et 100 %.")
    launch = check.get("launch_date")
    if launch:
        notified, start = check.get("notification_date"), check.get("start_date")
        if notified and launch > notified:
            check.fail("launch_date", LAUNCH_AFTER_NOTIFICATION)
        elif start and launch > start:
            check.fail("launch_date", LAUNCH_AFTER_START)
    if check.get("social_exception"):
        consideration = check.get("social_consideration")
        if consideration not in (None, "", SocialConsideration.NONE):
            check.fail(
                "social_exception",
                "Une exception ne s'invoque qu'en l'absence de considération sociale.",
            )
        if not check.get("social_exception_reason"):
            check.fail("social_exception_reason", "Une exception doit être justifiée.")


def _lot(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("contract_uuid", "number", "title")
    check.non_negative("amount_ht", "required_hours")
    check.percent("labour_share", "insertion_rate", "required_percent")
    check.at_least("hourly_cost", Decimal("0.01"), "Le coût horaire doit être supérieur à 0 €.")
    check.one_of("clause_mode", ClauseMode.ALL)
    if check.get("clause_mode") == ClauseMode.INVOICED:
        check.required("tranche_amount")
    check.at_least("tranche_amount", Decimal("0.01"), TRANCHE_AMOUNT)
    check.at_least("tranche_hours", Decimal("0.01"), TRANCHE_HOURS)
    check.dates_in_order("start_date", "end_date")
    contract_uuid, number = check.get("contract_uuid"), check.get("number")
    if contract_uuid and number:
        clash = select(func.count()).where(Lot.contract_uuid == contract_uuid, Lot.number == number)
        if record_uuid is not None:
            clash = clash.where(Lot.uuid != record_uuid)
        if session.scalar(clash):
            check.fail("number", "Ce marché a déjà un lot de ce numéro.")


def _award(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("lot_uuid", "company_uuid")
    check.one_of("role", AwardRole.ALL)
    check.non_negative("required_hours", "worked_hours_total")
    check.percent("required_percent")
    lot_uuid, company_uuid = check.get("lot_uuid"), check.get("company_uuid")
    if lot_uuid and company_uuid:
        clash = select(func.count()).where(
            Award.lot_uuid == lot_uuid, Award.company_uuid == company_uuid
        )
        if record_uuid is not None:
            clash = clash.where(Award.uuid != record_uuid)
        if session.scalar(clash):
            check.fail("company_uuid", "Cette entreprise est déjà attributaire de ce lot.")
    invoices = check.values.get("invoices") or ()
    for index, invoice in enumerate(invoices):
        for name, message in invoice_errors(invoice).items():
            check.fail(f"invoices.{index}.{name}", message)
    if invoices and lot_uuid:
        lot = session.get(Lot, lot_uuid)
        if lot is not None and lot.clause_mode != ClauseMode.INVOICED:
            check.fail("invoices", NOT_INVOICED)


def invoice_errors(values: Values) -> Errors:
    """The checks of one amount invoiced (the award form's rows, ``clauses invoiced add``)."""
    check = _Checker(values)
    check.required("invoiced_on", "amount_ht")
    check.non_negative("amount_ht")
    if "amount_ht" in check.errors and check.get("amount_ht") is not None:
        check.errors["amount_ht"] = "Un montant facturé ne peut pas être négatif."
    check.at_most("amount_ht", MAX_MONEY, INVOICE_TOO_LARGE)
    return check.errors


def _company(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("name", "kind")
    check.siret()
    check.postal_code()
    check.email()
    siret = compact_siret(check.get("siret"))
    if siret and "siret" not in check.errors:
        clash = select(Company.name).where(Company.siret == siret)
        if record_uuid is not None:
            clash = clash.where(Company.uuid != record_uuid)
        other = session.scalar(clash.limit(1))
        if other is not None:
            check.fail("siret", f"Ce SIRET est déjà celui de l'entreprise « {other} ».")


def _participant(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("last_name", "first_name")
    check.one_of("sex", Sex.ALL)
    check.postal_code()
    check.not_after_today("birth_date", "La date de naissance est dans le futur.")
    birth = check.get("birth_date")
    if birth and birth.year < 1900:
        check.fail("birth_date", "Date de naissance invalide.")
    seen: set[tuple[Any, Any]] = set()
    for index, item in enumerate(check.values.get("criteria") or ()):
        held = (item.get("criterion_code"), item.get("validated_on"))
        if held[0] and held in seen:
            check.fail(f"criteria.{index}.criterion_code", CRITERION_TWICE)
        seen.add(held)
        if not item.get("criterion_code"):
            check.fail(f"criteria.{index}.criterion_code", "Choisissez un critère.")
        if item.get("status") not in (None, *CriterionStatus.ALL):
            check.fail(f"criteria.{index}.status", "Statut inconnu.")
        validated = item.get("validated_on")
        if validated and validated > date.today():
            check.fail(f"criteria.{index}.validated_on", "La date de validation est à venir.")
        elif validated and birth and validated < birth:
            check.fail(
                f"criteria.{index}.validated_on",
                "La date de validation précède la naissance du participant.",
            )
        elif not validated and item.get("status", CriterionStatus.VALIDATED) == (
            CriterionStatus.VALIDATED
        ):
            # A criterion without its validation date is one to document, never validated.
            check.fail(
                f"criteria.{index}.validated_on",
                "Indiquez la date de validation, ou choisissez le statut « À documenter ».",
            )


def _employment(session: Session, check: _Checker, record_uuid: uuid.UUID | None) -> None:
    check.required("participant_uuid", "award_uuid", "modality_code", "contract_type_code",
                   "start_date")  # fmt: skip
    check.dates_in_order("start_date", "end_date", "La fin du contrat précède son début.")
    check.non_negative("invoiced_amount")
    award_uuid = check.get("award_uuid")
    if award_uuid is not None and check.get("start_date"):
        _inside_performance_period(session, check, award_uuid)
    participant_uuid = check.get("participant_uuid")
    if participant_uuid is not None and session.get(Participant, participant_uuid) is None:
        check.fail("participant_uuid", "Participant introuvable.")


def performance_period(session: Session, award_uuid: uuid.UUID) -> tuple[date | None, date | None]:
    """The award's performance period: its lot's dates, or else its contract's."""
    row = session.execute(
        select(Lot.start_date, Lot.end_date, PublicContract.start_date, PublicContract.end_date)
        .join(Award, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .where(Award.uuid == award_uuid)
    ).first()
    if row is None:
        return None, None
    lot_start, lot_end, contract_start, contract_end = row
    return lot_start or contract_start, lot_end or contract_end


def _inside_performance_period(session: Session, check: _Checker, award_uuid: uuid.UUID) -> None:
    if session.get(Award, award_uuid) is None:
        check.fail("award_uuid", "Attribution introuvable.")
        return
    from clauses_app.formatting import format_date

    first, last = performance_period(session, award_uuid)
    start, end = check.get("start_date"), check.get("end_date")
    if first and start < first:
        check.fail("start_date", f"Le contrat commence avant l'exécution du marché "
                                 f"({format_date(first)}).")  # fmt: skip
    if last and start > last:
        check.fail("start_date", f"Le contrat commence après la fin d'exécution du marché "
                                 f"({format_date(last)}).")  # fmt: skip
    if last and end and end > last:
        check.fail("end_date", f"Le contrat finit après la fin d'exécution du marché "
                               f"({format_date(last)}).")  # fmt: skip


VALIDATORS: dict[str, Callable[[Session, _Checker, uuid.UUID | None], None]] = {
    Kind.AUTHORITY: _authority,
    Kind.OPERATION: _operation,
    Kind.CONTRACT: _contract,
    Kind.LOT: _lot,
    Kind.AWARD: _award,
    Kind.COMPANY: _company,
    Kind.PARTICIPANT: _participant,
    Kind.EMPLOYMENT: _employment,
}
