"""Import of monthly hour statements (one row per person and month).

Each row is matched to an employment: the contract by reference, the lot by number, the
person by identifier or name + birth date, then the person's employment on that lot covering
the month. It becomes a MONTH record; the month records of an employment replace the undivided
TOTAL a tracker gave for it (guide §6), which is deleted in the same transaction. Importing
the same statement again changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.exchange.report import UncertainMatch
from clauses_app.exchange.sheets.base import RowContext, SheetImport
from clauses_app.exchange.sheets.codes import lot_key, split_lot
from clauses_app.exchange.sheets.mapping import HOURS
from clauses_app.exchange.sheets.matching import PeopleIndex
from clauses_app.exchange.sheets.values import (
    days_in,
    impossible_hours,
    normalise,
    parse_birth_date,
    parse_hours,
    parse_month,
)
from clauses_app.formatting import format_hours, format_month
from clauses_app.models import (
    Award,
    Company,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    PublicContract,
)
from clauses_app.services.periods import first_day, last_day
from clauses_app.services.settings import load_settings


@dataclass
class StatementRow:
    number: int
    employment: Employment
    month: tuple[int, int]
    worked: Decimal
    training: Decimal
    person: str


class HoursImport(SheetImport):
    kind = HOURS

    def run(self, session: Session) -> None:
        self.session = session
        self._load()
        rows: list[StatementRow] = []
        seen: dict[tuple[uuid.UUID, tuple[int, int]], int] = {}
        for number, cells in self.table.rows:
            row = self._read(RowContext(number, cells))
            if row is None:
                continue
            key = (row.employment.uuid, row.month)
            if key in seen:
                self.sink.error(
                    f"même personne, même contrat et même mois que la ligne {seen[key]}",
                    **self.where(number, "month"),
                )
                continue
            seen[key] = number
            rows.append(row)
        self.rows_read = rows
        self._check_monthly_load(rows)
        for row in rows:
            self._apply(row)
        self._replace_totals({row.employment.uuid: row.person for row in rows})
        session.flush()

    def _load(self) -> None:
        s = self.session
        self.people = PeopleIndex(s)
        self.contracts: dict[str, list[PublicContract]] = defaultdict(list)
        for contract in s.scalars(select(PublicContract)):
            self.contracts[normalise(contract.reference)].append(contract)
        self.lots: dict[uuid.UUID, list[Lot]] = defaultdict(list)
        for lot in s.scalars(select(Lot)):
            self.lots[lot.contract_uuid].append(lot)
        self.awards = {a.uuid: a for a in s.scalars(select(Award))}
        self.companies = {c.uuid: c for c in s.scalars(select(Company))}
        self.employments: dict[tuple[uuid.UUID, uuid.UUID], list[Employment]] = defaultdict(list)
        for employment in s.scalars(select(Employment)):
            lot_uuid = self.awards[employment.award_uuid].lot_uuid
            self.employments[(employment.participant_uuid, lot_uuid)].append(employment)
        self.records: dict[uuid.UUID, list[HoursRecord]] = defaultdict(list)
        for record in s.scalars(select(HoursRecord)):
            self.records[record.employment_uuid].append(record)
        self.monthly_warning = load_settings(s).monthly_hours_warning

    # ------------------------------------------------------------ reading and matching

    def _read(self, ctx: RowContext) -> StatementRow | None:
        reference = self.text(ctx, "contract_reference", required=True)
        last = self.text(ctx, "last_name", required=True)
        first = self.text(ctx, "first_name", required=True)
        month = self.parsed(ctx, "month", parse_month, required=True)
        worked = self.parsed(ctx, "worked_hours", parse_hours, required=True)
        training = self.parsed(ctx, "training_hours", parse_hours) or Decimal(0)
        birth = self.parsed(ctx, "birth_date", parse_birth_date)
        for name, value in (("worked_hours", worked), ("training_hours", training)):
            if value is not None and value < 0:
                self.error(ctx, name, f"nombre d'heures négatif ({value})")
            elif value is not None and (impossible := impossible_hours(value, days_in(month))):
                self.error(ctx, name, f"{self.labels[name]} : {impossible}")
        if ctx.failed or month is None or worked is None:
            return None
        lot = self._lot(ctx, reference)
        if lot is None:
            return None
        match = self.people.match(self.text(ctx, "external_id") or None, last, first, birth)
        if match is None:
            self.error(
                ctx,
                "last_name",
                f"participant introuvable : {last.upper()} {first}"
                + (f", né(e) le {birth:%d/%m/%Y}" if birth else "")
                + " (importez d'abord le tableau de suivi ou créez-le)",
            )
            return None
        if match.uncertain:
            self.report.uncertain_matches.append(
                UncertainMatch(
                    ctx.number, self.table.sheet, f"{last.upper()} {first}", match.person.uuid,
                    match.person.label, match.uncertain,
                )
            )  # fmt: skip
        employment = self._employment(ctx, match.person.uuid, lot, month)
        if employment is None:
            return None
        return StatementRow(ctx.number, employment, month, worked, training, match.person.label)

    def _lot(self, ctx: RowContext, reference: str) -> Lot | None:
        contracts = self.contracts.get(normalise(reference), [])
        if not contracts:
            self.error(ctx, "contract_reference", f"marché « {reference} » introuvable")
            return None
        number, _title = split_lot(self.text(ctx, "lot"))
        lots = [lt for c in contracts for lt in self.lots[c.uuid]]
        if number:
            lots = [lt for lt in lots if lot_key(lt.number) == lot_key(number)]
        lots = self._by_company(ctx, lots)
        if len(lots) == 1:
            return lots[0]
        if not lots:
            self.error(ctx, "lot", f"lot « {number} » introuvable dans le marché « {reference} »")
        else:
            self.error(
                ctx, "lot", f"plusieurs lots possibles pour le marché « {reference} » : précisez"
            )
        return None

    def _by_company(self, ctx: RowContext, lots: list[Lot]) -> list[Lot]:
        """Keep the lots won by the statement's company, when the statement names one."""
        name, siret = normalise(self.text(ctx, "company")), self.text(ctx, "siret")
        if len(lots) < 2 or not (name or siret):
            return lots
        kept = []
        for lot in lots:
            for award in (a for a in self.awards.values() if a.lot_uuid == lot.uuid):
                company = self.companies[award.company_uuid]
                if (siret and company.siret == siret) or (name and normalise(company.name) == name):
                    kept.append(lot)
                    break
        return kept or lots

    def _employment(
        self, ctx: RowContext, person: uuid.UUID, lot: Lot, month: tuple[int, int]
    ) -> Employment | None:
        candidates = self.employments.get((person, lot.uuid), [])
        start, end = first_day(month), last_day(month)
        covering = [
            e
            for e in candidates
            if e.start_date <= end and (e.end_date is None or e.end_date >= start)
        ]
        if len(covering) == 1:
            return covering[0]
        if len(covering) > 1:
            self.error(ctx, "month", "plusieurs contrats de travail couvrent ce mois : précisez")
            return None
        if len(candidates) == 1:
            self.warning(
                ctx.number, "month", "mois hors des dates du contrat de travail : compté quand même"
            )
            return candidates[0]
        self.error(
            ctx,
            "last_name",
            "aucun contrat de travail de cette personne sur ce lot couvrant ce mois",
        )
        return None

    def _check_monthly_load(self, rows: list[StatementRow]) -> None:
        """A person's hours of a month, all rows together: impossible (above 744 h) is an
        error, unlikely (above the settings' monthly warning) a warning."""
        per_person: dict[tuple[uuid.UUID, tuple[int, int]], Decimal] = defaultdict(Decimal)
        first_row: dict[tuple[uuid.UUID, tuple[int, int]], StatementRow] = {}
        for row in rows:
            key = (row.employment.participant_uuid, row.month)
            per_person[key] += row.worked
            first_row.setdefault(key, row)
        for key, total in per_person.items():
            first = first_row[key]
            if impossible := impossible_hours(total, days_in(first.month)):
                self.sink.error(
                    f"{first.person}, {format_month(*first.month)}, toutes ses lignes ensemble : "
                    f"{impossible}", **self.where(first.number, "worked_hours"),
                )  # fmt: skip
            elif total > self.monthly_warning:
                self.warning(
                    first.number,
                    "worked_hours",
                    f"{format_hours(total)} en un mois pour une même personne : à vérifier",
                )

    # ------------------------------------------------------------ writing

    def _apply(self, row: StatementRow) -> None:
        start = first_day(row.month)
        counts = self.report.count("hours_record")
        records = self.records[row.employment.uuid]
        for record in records:
            if record.kind == HoursKind.MONTH and record.period_start == start:
                if record.worked_hours == row.worked and record.training_hours == row.training:
                    counts.unchanged += 1
                else:
                    record.worked_hours, record.training_hours = row.worked, row.training
                    record.source = self.file_name[:60]
                    counts.updated += 1
                return
        record = HoursRecord(
            uuid=uuid.uuid4(),
            employment_uuid=row.employment.uuid,
            kind=HoursKind.MONTH,
            period_start=start,
            period_end=last_day(row.month),
            worked_hours=row.worked,
            training_hours=row.training,
            source=self.file_name[:60],
        )
        self.session.add(record)
        records.append(record)
        counts.new += 1

    def _replace_totals(self, employments: dict[uuid.UUID, str]) -> None:
        """Delete the undivided totals of the employments that now have month records."""
        removed = 0
        for employment, person in sorted(employments.items()):
            for record in list(self.records[employment]):
                if record.kind != HoursKind.TOTAL:
                    continue
                self.warning(
                    None,
                    None,
                    f"{person} : total de {format_hours(record.worked_hours)} du "
                    f"{record.period_start:%d/%m/%Y} au {record.period_end:%d/%m/%Y} remplacé par "
                    "les relevés mensuels",
                )
                self.session.delete(record)
                self.records[employment].remove(record)
                removed += 1
        if removed:
            self.report.removed["hours_record"] = (
                self.report.removed.get("hours_record", 0) + removed
            )
