"""services/records without Qt: validation, save/load, delete impact, list queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from clauses_app.models import Contact, Employment, HoursRecord, Lot, ParticipantCriterion
from clauses_app.services import records
from clauses_app.services.records import Kind, ListQuery, ValidationError
from clauses_app.storage import Database
from tests import builders as b
from tests.ui.bulk_data import bulk_employments

VALID_SIRET = "73282932000074"
D = Decimal


def test_siret_checksum_and_length(database: Database) -> None:
    with database.session() as s:
        ok = records.validate(s, Kind.COMPANY, {"name": "A", "kind": "EI", "siret": VALID_SIRET})
        bad = records.validate(s, Kind.COMPANY, {"name": "A", "kind": "EI",
                                                 "siret": "73282932000075"})  # fmt: skip
        short = records.validate(s, Kind.COMPANY, {"name": "A", "kind": "EI", "siret": "123"})
        spaced = records.validate(
            s, Kind.COMPANY, {"name": "A", "kind": "EI", "siret": "732 829 320 00074"}
        )
    assert ok == {}
    assert bad == {"siret": "SIRET invalide : la clé de contrôle ne correspond pas."}
    assert short == {"siret": "Un SIRET compte 14 chiffres."}
    assert spaced == {}


def test_required_fields_and_ranges(database: Database) -> None:
    with database.session() as s:
        errors = records.validate(
            s, Kind.LOT,
            {"contract_uuid": None, "number": "", "title": " ", "labour_share": D("120"),
             "hourly_cost": D("0"), "amount_ht": D("-1")},
        )  # fmt: skip
    assert errors == {
        "contract_uuid": "Champ obligatoire.",
        "number": "Champ obligatoire.",
        "title": "Champ obligatoire.",
        "amount_ht": "La valeur ne peut pas être négative.",
        "labour_share": "Un pourcentage est compris entre 0 et 100 %.",
        "hourly_cost": "Le coût horaire doit être supérieur à 0 €.",
    }


def test_contract_dates_in_order(database: Database) -> None:
    with database.session() as s:
        auth = b.authority(s)
        errors = records.validate(
            s, Kind.CONTRACT,
            {"authority_uuid": auth.uuid, "reference": "R", "object": "O",
             "legal_basis": "L2112-2", "start_date": date(2025, 6, 1),
             "end_date": date(2025, 5, 31)},
        )  # fmt: skip
    assert errors == {"end_date": "La fin d'exécution précède le début d'exécution."}


def test_employment_inside_the_contract_period(database: Database) -> None:
    with database.transaction() as s:
        auth = b.authority(s)
        con = b.contract(s, auth, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        award = b.award(s, b.lot(s, con), b.company(s), 100)
        person = b.participant(s)
        award_uuid, person_uuid = award.uuid, person.uuid
    values = {"participant_uuid": person_uuid, "award_uuid": award_uuid,
              "modality_code": "EMBAUCHE", "contract_type_code": "CDD",
              "start_date": date(2024, 12, 1), "end_date": date(2026, 1, 31)}  # fmt: skip
    with database.session() as s:
        errors = records.validate(s, Kind.EMPLOYMENT, values)
    assert errors == {
        "start_date": "Le contrat commence avant l'exécution du marché (01/01/2025).",
        "end_date": "Le contrat finit après la fin d'exécution du marché (31/12/2025).",
    }
    with pytest.raises(ValidationError) as refused:
        records.save_record(database, Kind.EMPLOYMENT, values)
    assert set(refused.value.errors) == {"start_date", "end_date"}
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Employment)) == 0
    ok = {**values, "start_date": date(2025, 2, 1), "end_date": date(2025, 1, 31)}
    with database.session() as s:
        assert records.validate(s, Kind.EMPLOYMENT, ok) == {
            "end_date": "La fin du contrat précède son début."
        }


def test_save_and_load_authority_with_contacts(database: Database) -> None:
    new = records.save_record(
        database, Kind.AUTHORITY,
        {"name": "  Ville de Lyon ", "city": "", "siret": "732 829 320 00074",
         "contacts": [{"name": "Anne Roux", "email": "anne@lyon.fr"}, {"name": "Paul Dufour"}]},
    )  # fmt: skip
    with database.session() as s:
        values = records.load_record(s, Kind.AUTHORITY, new)
    assert values["name"] == "Ville de Lyon"
    assert values["city"] is None
    assert values["siret"] == VALID_SIRET
    assert [c["name"] for c in values["contacts"]] == ["Anne Roux", "Paul Dufour"]
    kept = values["contacts"][0] | {"role": "Acheteuse"}
    records.save_record(
        database, Kind.AUTHORITY, {**values, "contacts": [kept, {"name": "Zoé Petit"}]}, new
    )
    with database.session() as s:
        contacts = s.scalars(select(Contact).order_by(Contact.name)).all()
    assert [(c.name, c.role) for c in contacts] == [("Anne Roux", "Acheteuse"), ("Zoé Petit", None)]
    assert contacts[0].uuid == kept["uuid"]


def test_participant_criteria_round_trip(database: Database) -> None:
    new = records.save_record(
        database, Kind.PARTICIPANT,
        {"last_name": "Martin", "first_name": "Léa", "qpv": None,
         "criteria": [{"criterion_code": "BRSA", "validated_on": date(2025, 1, 10)}]},
    )  # fmt: skip
    with database.session() as s:
        values = records.load_record(s, Kind.PARTICIPANT, new)
        assert values["qpv"] is False
        assert [(c["criterion_code"], c["validated_on"]) for c in values["criteria"]] == [
            ("BRSA", date(2025, 1, 10))
        ]
    records.save_record(database, Kind.PARTICIPANT, {**values, "criteria": []}, new)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ParticipantCriterion)) == 0


def test_delete_impact_names_everything_removed(database: Database) -> None:
    with database.transaction() as s:
        auth = b.authority(s, "Ville de Nantes")
        con = b.contract(s, auth, "2025-007", object="Écoles")
        company = b.company(s, "BTP Ouest")
        person = b.participant(s)
        for number in ("1", "2"):
            award = b.award(s, b.lot(s, con, number), company, 100)
            job = b.employment(s, award, person, date(2025, 1, 1))
            b.month_hours(s, job, 2025, 1, 10)
            b.month_hours(s, job, 2025, 2, 10)
        con_uuid, company_uuid, person_uuid = con.uuid, company.uuid, person.uuid
    with database.session() as s:
        impact = records.delete_impact(s, Kind.CONTRACT, con_uuid)
        company_impact = records.delete_impact(s, Kind.COMPANY, company_uuid)
        person_impact = records.delete_impact(s, Kind.PARTICIPANT, person_uuid)
    assert impact.message() == (
        "Supprimer le marché « 2025-007 — Écoles » ?\n\nSeront aussi supprimés :\n"
        "• 2 lots\n• 2 attributions\n• 2 contrats de travail\n• 4 relevés d'heures"
        "\n\nCette suppression est définitive."
    )
    assert company_impact.blocked_by == (
        "elle est attributaire de 2 lots. Supprimez d'abord ces attributions."
    )
    assert person_impact.blocked_by is not None
    with pytest.raises(ValueError, match="attributaire de 2 lots"):
        records.delete_record(database, Kind.COMPANY, company_uuid)
    records.delete_record(database, Kind.CONTRACT, con_uuid)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Lot)) == 0
        assert s.scalar(select(func.count()).select_from(HoursRecord)) == 0
    records.delete_record(database, Kind.COMPANY, company_uuid)


def test_list_pages_search_filter_and_sort(database: Database) -> None:
    bulk_employments(database, 700, contracts=10)
    query = ListQuery()
    with database.session() as s:
        first = records.fetch_rows(s, Kind.EMPLOYMENT, query, 0, 200)
        rest = records.fetch_rows(s, Kind.EMPLOYMENT, query, 200, 1000)
        assert records.count_rows(s, Kind.EMPLOYMENT, query) == 700
        # Zébulon is every 7th employment: 100 of 700, found over the whole table.
        found = records.fetch_rows(s, Kind.EMPLOYMENT, ListQuery(search="zébulon"), 0, 1000)
        by_company = ListQuery(search="ddx")
        assert records.count_rows(s, Kind.EMPLOYMENT, by_company) == 70
        sorted_rows = records.fetch_rows(
            s, Kind.EMPLOYMENT, ListQuery(sort_key="participant"), 0, 3
        )
        ended = records.count_rows(s, Kind.EMPLOYMENT, ListQuery(filters={"status": "ended"}))
    assert len(first) == 200 and len(rest) == 500
    assert not {r.uuid for r in first} & {r.uuid for r in rest}
    starts = [r.values["start_date"] for r in first + rest]
    assert starts == sorted(starts, reverse=True)
    assert len(found) == 100
    assert all(r.values["participant"].startswith("ZÉBULON") for r in found)
    assert found[0].values["modality_code"] == "Embauche directe"
    assert [r.values["participant"] for r in sorted_rows] == [
        "NOM00001 Prénom1", "NOM00002 Prénom2", "NOM00003 Prénom3",
    ]  # fmt: skip
    assert ended == 700  # every bulk employment ended before 2025


def test_filter_specs_offer_the_data_years(database: Database) -> None:
    bulk_employments(database, 20, contracts=2)
    with database.session() as s:
        specs = {f.key: f for f in records.filter_specs(s, Kind.EMPLOYMENT)}
    years = [value for value, _label in specs["year"].options]
    assert years[0] is None
    assert years[1:] == [2021]  # 20 employments starting in January 2021
    assert specs["authority_uuid"].options[1][1] == "Métropole de Test"
