"""Import of a facilitator's tracker: one row per work contract (docs/clause-format.md §
"Spreadsheet imports").

Creates (or finds) authorities by name, contracts by reference within their authority, lots by
number (required hours counted once per lot), companies by SIRET else name, awards,
participants (identifier, else name + birth date), their criteria, employments, and one TOTAL
hours record per employment over its dates. The tracker gives no contract dates: a new
contract's notification date is set to 1 January of the tracker's year, so that its lots'
required hours count whole in that year (services.counting.required_share).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.exchange.sheets.base import RowContext, SheetImport
from clauses_app.exchange.sheets.batch import BatchedInserts
from clauses_app.exchange.sheets.codes import (
    BUYER_TYPE_PATTERNS,
    COMPANY_KIND_PATTERNS,
    CONSIDERATION_PATTERNS,
    CONTRACT_TYPE_PATTERNS,
    EXCEPTION_PATTERNS,
    MODALITY_PATTERNS,
    NATURE_PATTERNS,
    NOTHING,
    OUTCOME_PATTERNS,
    QUALIFICATION_PATTERNS,
    SEX_PATTERNS,
    SEXES,
    TRADE_PATTERNS,
    Patterns,
    coded,
    criteria_codes,
    lot_key,
    modality_for,
    plain,
    social_labels,
    split_lot,
    trade_for,
)
from clauses_app.exchange.sheets.mapping import TRACKER
from clauses_app.exchange.sheets.matching import PeopleIndex, Person
from clauses_app.exchange.sheets.values import (
    MONTH_WORDS,
    BadCell,
    impossible_hours,
    normalise,
    parse_amount,
    parse_birth_date,
    parse_date,
    parse_flag,
    parse_hours,
)
from clauses_app.formatting import format_hours
from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    CriterionStatus,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    Participant,
    ParticipantCriterion,
    PublicContract,
    ReferenceKind,
)
from clauses_app.services.identifiers import is_valid_siret
from clauses_app.services.records.validation import social_consideration_errors
from clauses_app.services.reference import labels as reference_labels

# When a tracker was last edited, in its normalised title: « Mis à jour le 12/03/2026 »,
# « MAJ : 12 mars 2026 », « mise à jour du 1er mars 2026 », « actualisé en mars 2026 »,
# « mise à jour 2026 ».
_MONTH = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
UPDATED_ON = re.compile(
    r"\b(?:mise?s? a jour|maj|actualisee?s?)(?: (?:le|du|au|en|en date du))?"
    rf"(?: (?:\d{{1,2}}(?:er)? )?(?:\d{{1,2}}|{_MONTH}))? (?:\d{{4}}|\d{{2}})\b"
)
ESTIMATED_NOTE = "Date de notification estimée à l'import du tableau de suivi (année {year})."


@dataclass
class TrackerRow:
    number: int
    authority: str
    reference: str
    contract_object: str
    lot_number: str
    lot_title: str
    lot_amount: Decimal | None
    required_hours: Decimal | None
    company: str
    siret: str | None
    external_id: str | None
    last_name: str
    first_name: str
    birth_date: date | None
    sex: str | None
    criteria: list[str]
    unknown_criteria: list[str]
    qpv: bool
    qualification: str | None
    trade: str | None
    company_kind: str | None
    outcome: str | None
    contract_type: str
    modality: str
    start: date
    end: date | None
    hours_done: Decimal | None
    # The 2026 rule's columns (None: not given, the record keeps its value).
    buyer_type: str | None = None
    social: dict[str, Any] | None = None  # contract fields: nature, utilities, launch_date…


# The contract's columns of the 2026 rule, in the order they are checked and written.
SOCIAL_FIELDS = ("nature", "utilities", "estimated_value", "launch_date",
                 "social_consideration", "social_exception", "social_exception_reason")  # fmt: skip
ESTIMATED_MARK = "Date de notification estimée"


def _hours_text(hours: Decimal | None) -> str:
    return "aucune heure" if hours is None else format_hours(hours)


class TrackerImport(SheetImport):
    kind = TRACKER

    def run(self, session: Session) -> None:
        self.session = session
        self.criteria_known = set(reference_labels(session, ReferenceKind.CRITERION))
        self.contract_types = reference_labels(session, ReferenceKind.CONTRACT_TYPE)
        self.qualifications = reference_labels(session, ReferenceKind.QUALIFICATION)
        self.trades = reference_labels(session, ReferenceKind.TRADE)
        self.code_lists: dict[str, dict[str, str]] = {
            "contract_type": self.contract_types,
            "modality": reference_labels(session, ReferenceKind.MODALITY),
            "qualification": self.qualifications,
            "sex": SEXES,
            "trade": self.trades,
            "company_kind": reference_labels(session, ReferenceKind.COMPANY_KIND),
            "outcome": reference_labels(session, ReferenceKind.OUTCOME),
            "criterion": reference_labels(session, ReferenceKind.CRITERION),
            **social_labels(),
        }
        self.year = self._tracker_year()
        self.today = date.today()
        self.sirets: dict[str, bool] = {}
        # A coded column holds a few distinct wordings over thousands of rows: each read once.
        self.codes_read: dict[tuple[str, str], str | None] = {}
        self.criteria_read: dict[str, tuple[list[str], list[str]]] = {}
        self._load()
        # Rows are read and written one at a time: a national tracker's rows, or the records
        # they make, are never all held at once (docs/reliability.md).
        self.inserts = BatchedInserts(session)
        rows = self.table.rows
        rows.reverse()
        while rows:  # each row's cells are let go once it is written
            number, cells = rows.pop()
            row = self._read(RowContext(number, cells))
            if row is not None:
                self._apply(row)
                self.inserts.maybe_flush()
        self.inserts.flush()

    # ------------------------------------------------------------ reading

    def _read(self, ctx: RowContext) -> TrackerRow | None:
        authority = self.text(ctx, "authority", required=True)
        reference = self.text(ctx, "contract_reference", required=True)
        company = self.text(ctx, "company", required=True)
        last = self.text(ctx, "last_name", required=True)
        first = self.text(ctx, "first_name", required=True)
        start = self.parsed(ctx, "start_date", parse_date, required=True)
        end = self.parsed(ctx, "end_date", parse_date)
        if start and end and end < start:
            self.error(ctx, "end_date", "la date de fin précède la date de début")
        hours_done = self.parsed(ctx, "hours_done", parse_hours)
        if hours_done is not None and start is not None and (end is None or end >= start):
            self._check_hours_done(ctx, hours_done, start, end)
        required = self.parsed(ctx, "required_hours", parse_hours)
        amount = self.parsed(ctx, "lot_amount", parse_amount)
        for name, value in (("hours_done", hours_done), ("required_hours", required),
                            ("lot_amount", amount)):  # fmt: skip
            if value is not None and value < 0:
                self.error(ctx, name, f"{self.labels[name]} : valeur négative ({value})")
        contract_type = self._contract_type(ctx)
        codes, unknown = self._criteria_of(ctx)
        sex = self._code(ctx, "sex", SEX_PATTERNS, "sexe non reconnu", error=True)
        number, title = split_lot(self.text(ctx, "lot"))
        buyer_type = self._code(ctx, "buyer_type", BUYER_TYPE_PATTERNS,
                                "catégorie d'acheteur inconnue", error=True)  # fmt: skip
        social = self._social(ctx)
        if ctx.failed or start is None:
            return None
        return TrackerRow(
            number=ctx.number,
            authority=authority,
            reference=reference,
            contract_object=self.text(ctx, "contract_object") or reference,
            lot_number=number or "1",
            lot_title=title or self.text(ctx, "contract_object") or reference,
            lot_amount=amount,
            required_hours=required,
            company=company,
            siret=self._siret(ctx),
            external_id=self.text(ctx, "external_id") or None,
            last_name=last,
            first_name=first,
            birth_date=self.parsed(ctx, "birth_date", parse_birth_date),
            sex=sex,
            criteria=codes,
            unknown_criteria=unknown,
            qpv=bool(self.parsed(ctx, "qpv", parse_flag)) or "QPV" in codes,
            qualification=self._code(
                ctx, "qualification", QUALIFICATION_PATTERNS, "niveau non reconnu"
            ),
            trade=self._code(ctx, "trade", TRADE_PATTERNS, "corps d'état non reconnu"),
            company_kind=self._code(
                ctx, "company_kind", COMPANY_KIND_PATTERNS, "type de structure non reconnu"
            ),
            outcome=self._code(ctx, "outcome", OUTCOME_PATTERNS, "situation non reconnue"),
            contract_type=contract_type or "CDD",
            modality=self._modality(ctx, contract_type or "CDD"),
            start=start,
            end=end,
            hours_done=hours_done,
            buyer_type=buyer_type,
            social=social,
        )

    def _check_hours_done(
        self, ctx: RowContext, hours: Decimal, start: date, end: date | None
    ) -> None:
        """More hours done than the work contract's days hold, 24 hours a day (from its start
        to its end, or to today when it has none), are refused."""
        last = end or self.today
        impossible = impossible_hours(hours, max(1, (last - start).days + 1))
        if impossible:
            dates = f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}" if end else (
                f"du {start:%d/%m/%Y} à aujourd'hui, sans date de fin")  # fmt: skip
            self.error(ctx, "hours_done", f"{self.labels['hours_done']} : {impossible} "
                       f"({dates}) ; vérifiez le total et les dates")  # fmt: skip

    def _social(self, ctx: RowContext) -> dict[str, Any]:
        """The contract's 2026 columns that the row fills, checked as the contract form
        checks them (an exception needs its justification…)."""
        unknown = "(choisissez son code à l'étape de correspondance, ou --map-value)"
        values: dict[str, Any] = {
            "nature": self._code(ctx, "nature", NATURE_PATTERNS,
                                 f"nature du marché inconnue {unknown}", error=True),
            "utilities": self.parsed(ctx, "utilities", parse_flag),
            "estimated_value": self.parsed(ctx, "estimated_value", parse_amount),
            "launch_date": self.parsed(ctx, "launch_date", parse_date),
            "social_consideration": self._code(
                ctx, "social_consideration", CONSIDERATION_PATTERNS,
                f"considération sociale inconnue {unknown}", error=True),
            "social_exception": None,
            "social_exception_reason": self.text(ctx, "social_exception_reason") or None,
        }  # fmt: skip
        exception = self.text(ctx, "social_exception")
        if exception and not NOTHING.match(plain(exception)):
            values["social_exception"] = self._code(
                ctx, "social_exception", EXCEPTION_PATTERNS,
                f"exception inconnue {unknown}", error=True,
            )  # fmt: skip
            if values["social_consideration"] is None:  # an exception: no consideration
                values["social_consideration"] = "NONE"
        given = {k: v for k, v in values.items() if v is not None}
        for name, message in social_consideration_errors(given).items():
            self.error(ctx, name, f"{self.labels[name]} : {message[0].lower()}{message[1:]}")
        return given

    def _contract_type(self, ctx: RowContext) -> str | None:
        if not self.text(ctx, "contract_type"):
            return "CDD"
        return self._code(
            ctx, "contract_type", CONTRACT_TYPE_PATTERNS,
            "type de contrat inconnu (choisissez son code à l'étape de correspondance, ou "
            "--map-value)", error=True,
        )  # fmt: skip

    def _modality(self, ctx: RowContext, contract_type: str) -> str:
        code = self._code(ctx, "modality", MODALITY_PATTERNS, "modalité non reconnue (déduite)")
        return code or modality_for(contract_type)

    def _code(
        self, ctx: RowContext, field_name: str, patterns: Patterns, problem: str,
        error: bool = False,
    ) -> str | None:  # fmt: skip
        """A coded cell's code: the user's choice for this text, else the code, the list's
        label or the word patterns. Not understood: counted for the mapping step, and an
        error or a warning."""
        text = self.text(ctx, field_name)
        if not text:
            return None
        known = self.code_lists[field_name]
        chosen = self.chosen_code(field_name, text)
        if chosen is not None:
            if chosen in known:
                return chosen
            self.error(ctx, field_name, f"code « {chosen} » choisi pour « {text} » inconnu")
            return None
        key = (field_name, text)
        if key in self.codes_read:
            code = self.codes_read[key]
        else:
            code = self.codes_read[key] = coded(text, patterns, known)
        if code is not None and code in known:
            return code
        self.not_understood(field_name, text)
        if error:
            self.error(ctx, field_name, f"{problem} : « {text} »")
        else:
            self.warning(ctx.number, field_name, f"{problem} : « {text} »")
        return None

    def _criteria_of(self, ctx: RowContext) -> tuple[list[str], list[str]]:
        """Codes of the criterion cell (several parts), the user's choices applied."""
        text = self.text(ctx, "criterion")
        read = self.criteria_read.get(text)
        if read is None:
            read = self.criteria_read[text] = criteria_codes(text, self.criteria_known)
        codes, unknown = list(read[0]), read[1]
        left = []
        for part in unknown:
            chosen = self.chosen_code("criterion", part)
            if chosen in self.criteria_known:
                codes.append(str(chosen))
            else:
                self.not_understood("criterion", part)
                left.append(part)
        return sorted(set(codes)), left

    def _siret(self, ctx: RowContext) -> str | None:
        text = re.sub(r"\s", "", self.text(ctx, "siret"))
        if not text:
            return None
        valid = self.sirets.get(text)
        if valid is None:  # a company's SIRET is on each of its rows: checked once
            valid = self.sirets[text] = is_valid_siret(text)
        if not valid:
            self.warning(ctx.number, "siret", f"SIRET invalide « {text} » : ignoré")
            return None
        return text

    def _tracker_year(self) -> int | None:
        """A year written in the title rows, else that of the earliest start date. The date
        the file was updated (« mis à jour le 12/03/2026 ») is not the year it follows."""
        title = UPDATED_ON.sub(" ", normalise(self.table.title_text))
        found = re.search(r"\b(19[5-9]\d|20\d\d)\b", title)
        if found:
            return int(found.group(1))
        position = self.positions.get("start_date")
        years = set()
        for _number, cells in self.table.rows:
            value = cells[position] if position is not None and position < len(cells) else None
            if value is not None and value != "":
                try:
                    years.add(parse_date(value).year)
                except BadCell:
                    continue
        return min(years, default=None)

    # ------------------------------------------------------------ matching and writing

    def _load(self) -> None:
        s = self.session
        self.authorities = {normalise(a.name): a for a in s.scalars(select(ContractingAuthority))}
        self.contracts = {
            (c.authority_uuid, normalise(c.reference)): c for c in s.scalars(select(PublicContract))
        }
        # Lots and awards are many in a national tracker (one lot per few people): keys too.
        self.lots: dict[tuple[Any, str], uuid.UUID] = {
            (contract, lot_key(number)): key
            for key, contract, number in s.execute(select(Lot.uuid, Lot.contract_uuid, Lot.number))
        }
        self.lot_hours: dict[uuid.UUID, Decimal | None] = {}  # required hours of lots seen
        self.companies_by_siret: dict[str, Company] = {}
        self.companies_by_name: dict[str, Company] = {}
        for company in s.scalars(select(Company)):
            if company.siret:
                self.companies_by_siret[company.siret] = company
            self.companies_by_name.setdefault(normalise(company.name), company)
        self.awards: dict[tuple[Any, Any], uuid.UUID] = {
            (lot, company): key
            for key, lot, company in s.execute(
                select(Award.uuid, Award.lot_uuid, Award.company_uuid)
            )
        }
        # Participants, their criteria, employments and hours are the big tables: keys and
        # the few columns compared, no ORM objects (an update loads its one record).
        self.people = PeopleIndex(s)
        self.criteria = {
            (p, code)
            for p, code in s.execute(
                select(ParticipantCriterion.participant_uuid, ParticipantCriterion.criterion_code)
            )
        }
        self.employments: dict[tuple[Any, Any, date], uuid.UUID] = {
            (p, a, start): key
            for key, p, a, start in s.execute(select(
                Employment.uuid, Employment.participant_uuid, Employment.award_uuid,
                Employment.start_date))
        }  # fmt: skip
        self.with_months = set(
            s.scalars(select(HoursRecord.employment_uuid).distinct()
                      .where(HoursRecord.kind == HoursKind.MONTH))
        )  # fmt: skip
        self.totals: dict[tuple[Any, date], uuid.UUID] = {
            (employment, start): key
            for key, employment, start in s.execute(
                select(HoursRecord.uuid, HoursRecord.employment_uuid, HoursRecord.period_start)
                .where(HoursRecord.kind == HoursKind.TOTAL))
        }  # fmt: skip
        # Records counted so far, per entity (one set each: no (entity, key) tuple per record).
        self.seen: defaultdict[str, set[Any]] = defaultdict(set)

    def _count(self, entity: str, key: Any, outcome: str) -> None:
        """Count each record once, however many rows mention it."""
        if key in self.seen[entity]:
            return
        self.seen[entity].add(key)
        counts = self.report.count(entity)
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def _new(self, entity: str, obj: Any) -> Any:
        obj.uuid = uuid.uuid4()
        self.session.add(obj)
        self._count(entity, obj.uuid, "new")
        return obj

    def _apply(self, row: TrackerRow) -> None:
        authority = self._authority(row)
        contract = self._contract(row, authority)
        lot = self._lot(row, contract)
        company = self._company(row)
        award = self.awards.get((lot, company.uuid))
        if award is None:
            award = self.inserts.add(Award, lot_uuid=lot, company_uuid=company.uuid)
            self._count("award", award, "new")
            self.awards[(lot, company.uuid)] = award
        else:
            self._count("award", award, "unchanged")
        person = self._participant(row)
        self._criteria(row, person)
        # The work contracts of the rows read so far are those counted: no other note of
        # them is kept (a national tracker has a hundred thousand rows).
        repeated = self.employments.get((person, award, row.start)) in self.seen["employment"]
        employment = self._employment(row, person, award)
        if repeated:
            self._repeated_row(row, employment)
        else:
            self._total_hours(row, employment)

    def _repeated_row(self, row: TrackerRow, employment: uuid.UUID) -> None:
        """A row of a work contract (same person, award and start) that an earlier row of the
        file gave already. With the hours done it has now (the total the earlier row wrote,
        else the one already in the database) it is counted once, with a warning; with other
        hours it is refused: one of the two would otherwise be lost in silence."""
        same = (
            "même contrat de travail qu'une ligne précédente (même personne, attribution et début)"
        )
        total = self.totals.get((employment, row.start))
        if employment in self.with_months or row.hours_done is None:
            hours = row.hours_done  # monthly statements count, or no total given: nothing lost
        elif total is None:
            hours = None
        else:
            hours = self.inserts.record(HoursRecord, total)["worked_hours"]
        if row.hours_done == hours:
            self.warning(row.number, None, same + " : compté une fois")
        else:
            self.sink.error(
                same + f" avec d'autres heures réalisées "
                f"({_hours_text(row.hours_done)} au lieu de {_hours_text(hours)}) : "
                "gardez une seule ligne, ou corrigez la date de début",
                **self.where(row.number, "hours_done"),
            )

    def _authority(self, row: TrackerRow) -> ContractingAuthority:
        key = normalise(row.authority)
        authority = self.authorities.get(key)
        if authority is None:
            authority = self._new(
                "contracting_authority",
                ContractingAuthority(name=row.authority, buyer_type=row.buyer_type or "LOCAL"),
            )
            self.authorities[key] = authority
        elif row.buyer_type and authority.buyer_type != row.buyer_type:
            if authority.uuid in self.seen["contracting_authority"]:
                self.warning(row.number, "buyer_type", "catégorie d'acheteur différente pour le "
                             "même donneur d'ordre : la première valeur est gardée")  # fmt: skip
            else:
                authority.buyer_type = row.buyer_type
                self._count("contracting_authority", authority.uuid, "updated")
        else:
            self._count("contracting_authority", authority.uuid, "unchanged")
        return authority

    def _contract(self, row: TrackerRow, authority: ContractingAuthority) -> PublicContract:
        key = (authority.uuid, normalise(row.reference))
        contract = self.contracts.get(key)
        social = row.social or {}
        if contract is None:
            year = self.year or row.start.year
            # The estimated notification never precedes the consultation's launch.
            notified = max(date(year, 1, 1), social.get("launch_date") or date(year, 1, 1))
            contract = self._new(
                "public_contract",
                PublicContract(
                    authority_uuid=authority.uuid,
                    reference=row.reference,
                    object=row.contract_object,
                    notification_date=notified,
                    notes=ESTIMATED_NOTE.format(year=year),
                    **social,
                ),
            )
            self.contracts[key] = contract
        elif contract.uuid in self.seen["public_contract"]:
            differing = [n for n in SOCIAL_FIELDS if n in social
                         and getattr(contract, n) != social[n]]  # fmt: skip
            if differing:
                self.warning(row.number, differing[0], f"{self.labels[differing[0]]} différente "
                             "sur le même marché : la première valeur est gardée")  # fmt: skip
        else:
            changed = self._update_social(row, contract, social)
            self._count("public_contract", contract.uuid, "updated" if changed else "unchanged")
        return contract

    def _update_social(
        self, row: TrackerRow, contract: PublicContract, social: dict[str, Any]
    ) -> bool:
        """Write the row's 2026 columns on an existing contract; an estimated notification
        date moves to a later launch, a real one refuses it (the whole import stops)."""
        launch = social.get("launch_date")
        if launch is not None:
            estimated = ESTIMATED_MARK in (contract.notes or "")
            notified = contract.notification_date
            if notified is not None and launch > notified and estimated:
                contract.notification_date = launch
            elif notified is not None and launch > notified:
                self.sink.error(
                    f"{self.labels['launch_date']} : la consultation doit être lancée avant la "
                    f"notification du marché {contract.reference} ({notified:%d/%m/%Y})",
                    **self.where(row.number, "launch_date"),
                )
                return False
            if contract.start_date is not None and launch > contract.start_date:
                self.sink.error(
                    f"{self.labels['launch_date']} : la consultation doit être lancée avant le "
                    f"début d'exécution du marché {contract.reference}",
                    **self.where(row.number, "launch_date"),
                )
                return False
        values = {n: social[n] for n in SOCIAL_FIELDS if n in social}
        consideration = values.get("social_consideration")
        if values.get("social_exception") is None and consideration not in (None, "NONE"):
            values["social_exception"] = values["social_exception_reason"] = None  # ends it
        changed = False
        for name, value in values.items():
            if getattr(contract, name) != value:
                setattr(contract, name, value)
                changed = True
        return changed

    def _lot(self, row: TrackerRow, contract: PublicContract) -> uuid.UUID:
        key = (contract.uuid, lot_key(row.lot_number))
        lot = self.lots.get(key)
        if lot is None:
            lot = self.inserts.add(
                Lot,
                contract_uuid=contract.uuid,
                number=row.lot_number,
                title=row.lot_title,
                trade_code=row.trade or trade_for(row.lot_title, self.trades),
                amount_ht=row.lot_amount,
                required_hours=row.required_hours,
            )
            self._count("lot", lot, "new")
            self.lots[key] = lot
            self.lot_hours[lot] = row.required_hours
            return lot
        if lot in self.seen["lot"]:
            kept = self.lot_hours.get(lot)
            if row.required_hours is not None and row.required_hours != kept:
                self.warning(
                    row.number,
                    "required_hours",
                    "heures prescrites différentes sur le même lot ("
                    f"{_hours_text(row.required_hours)} ≠ {_hours_text(kept)}) : la première "
                    "valeur est gardée",
                )
            return lot
        record = self.inserts.record(Lot, lot)
        changed = False
        if row.trade and record["trade_code"] is None:
            record["trade_code"], changed = row.trade, True
        for attribute, value in (("required_hours", row.required_hours),
                                 ("amount_ht", row.lot_amount)):  # fmt: skip
            if value is not None and record[attribute] != value:
                record[attribute] = value
                changed = True
        self.lot_hours[lot] = record["required_hours"]
        self._count("lot", lot, "updated" if changed else "unchanged")
        return lot

    def _company(self, row: TrackerRow) -> Company:
        company = self.companies_by_siret.get(row.siret or "") or self.companies_by_name.get(
            normalise(row.company)
        )
        if company is None:
            company = self._new(
                "company",
                Company(name=row.company, siret=row.siret, kind=row.company_kind or "CLASSIQUE"),
            )
            if row.siret:
                self.companies_by_siret[row.siret] = company
            self.companies_by_name[normalise(row.company)] = company
            return company
        if row.siret and company.siret is None and row.siret not in self.companies_by_siret:
            company.siret = row.siret
            self.companies_by_siret[row.siret] = company
            self._count("company", company.uuid, "updated")
        if (
            row.company_kind
            and company.kind in (None, "CLASSIQUE")
            and (company.kind != row.company_kind)
        ):
            company.kind = row.company_kind
            self._count("company", company.uuid, "updated")
        self._count("company", company.uuid, "unchanged")
        return company

    def _participant(self, row: TrackerRow) -> uuid.UUID:
        match = self.people.match(row.external_id, row.last_name, row.first_name, row.birth_date)
        if match is not None:
            if match.uncertain:
                self.uncertain(row, match.person, match.uncertain)
            participant = self.inserts.record(Participant, match.person.uuid)
            changed = False
            for attribute in ("birth_date", "sex", "external_id", "qualification_code"):
                value = getattr(row, "qualification" if attribute.startswith("qual") else attribute)
                if value is not None and participant[attribute] is None:
                    participant[attribute] = value
                    changed = True
            if row.qpv and not participant["qpv"]:
                participant["qpv"] = changed = True
            self._count("participant", match.person.uuid, "updated" if changed else "unchanged")
            return match.person.uuid
        key = self.inserts.add(
            Participant,
            external_id=row.external_id,
            last_name=row.last_name,
            first_name=row.first_name,
            birth_date=row.birth_date,
            sex=row.sex,
            qpv=row.qpv,
            qualification_code=row.qualification,
            notes=None,
        )
        self._count("participant", key, "new")
        self.people.add(Person(key, row.external_id, row.last_name, row.first_name, row.birth_date))
        return key

    def uncertain(self, row: TrackerRow, person: Person, reason: str) -> None:
        from clauses_app.exchange.report import UncertainMatch

        born = f", né(e) le {row.birth_date:%d/%m/%Y}" if row.birth_date else ""
        self.report.uncertain_matches.append(
            UncertainMatch(
                row.number,
                self.table.sheet,
                f"{row.last_name.upper()} {row.first_name}{born}",
                person.uuid,
                person.label,
                reason,
            )
        )

    def _criteria(self, row: TrackerRow, participant: uuid.UUID) -> None:
        for code in row.criteria:
            key = (participant, code)
            if key in self.criteria:
                self._count("participant_criterion", key, "unchanged")
                continue
            self.criteria.add(key)
            self.seen["participant_criterion"].add(key)
            new = self.inserts.add(
                ParticipantCriterion,
                participant_uuid=participant,
                criterion_code=code,
                # A tracker gives no validation date: the criterion is to document.
                status=CriterionStatus.TO_DOCUMENT,
            )
            self._count("participant_criterion", new, "new")
        if row.unknown_criteria:
            text = ", ".join(row.unknown_criteria)
            self.warning(
                row.number,
                "criterion",
                f"critère non reconnu « {text} » : participant gardé sans ce critère, à vérifier",
            )
            note = f"Critère à vérifier (import du tableau de suivi) : « {text} »."
            person = self.inserts.record(Participant, participant)
            notes = person["notes"]
            if note not in (notes or ""):
                person["notes"] = f"{notes}\n{note}" if notes else note

    def _employment(self, row: TrackerRow, participant: uuid.UUID, award: uuid.UUID) -> uuid.UUID:
        key = (participant, award, row.start)
        existing = self.employments.get(key)
        if existing is None:
            new = self.inserts.add(
                Employment,
                participant_uuid=participant,
                award_uuid=award,
                modality_code=row.modality,
                contract_type_code=row.contract_type,
                start_date=row.start,
                end_date=row.end,
                transferred_staff=False,
                ineligible=False,
                outcome_end_code=row.outcome,
            )
            self._count("employment", new, "new")
            self.employments[key] = new
            return new
        employment = self.inserts.record(Employment, existing)
        changed = False
        for attribute, value in (("end_date", row.end), ("contract_type_code", row.contract_type),
                                 ("outcome_end_code", row.outcome)):  # fmt: skip
            if value is not None and employment[attribute] != value:
                employment[attribute] = value
                changed = True
        self._count("employment", existing, "updated" if changed else "unchanged")
        return existing

    def _total_hours(self, row: TrackerRow, employment: uuid.UUID) -> None:
        if row.hours_done is None:
            return
        if employment in self.with_months:
            self.warning(
                row.number,
                "hours_done",
                "relevés mensuels déjà présents pour ce contrat : le total du tableau est ignoré",
            )
            return
        end = row.end or row.start
        if row.end is None:
            self.warning(
                row.number, "end_date", "date de fin absente : total compté sur le mois de début"
            )
        existing = self.totals.get((employment, row.start))
        if existing is not None:
            record = self.inserts.record(HoursRecord, existing)
            changed = record["worked_hours"] != row.hours_done or record["period_end"] != end
            if changed:
                record["worked_hours"], record["period_end"] = row.hours_done, end
            self._count("hours_record", existing, "updated" if changed else "unchanged")
            return
        new = self.inserts.add(
            HoursRecord,
            employment_uuid=employment,
            kind=HoursKind.TOTAL,
            period_start=row.start,
            period_end=end,
            worked_hours=row.hours_done,
            training_hours=Decimal(0),
            source=self.file_name[:60],
        )
        # Counted, not noted: no later row names this total (a row of the same work contract
        # is a repeated row, _apply), and a national tracker makes a hundred thousand.
        self.report.count("hours_record").new += 1
        self.totals[(employment, row.start)] = new
