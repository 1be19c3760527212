"""Model behaviour the rest relies on: fixed reference UUIDs, audit columns, foreign keys,
settings persistence."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from clauses_app.models import ReferenceItem, reference_uuid
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.reference import REFERENCE_EPOCH, ensure_reference_rows
from clauses_app.services.settings import (
    AppSettings,
    CountingRules,
    Organisation,
    effective_rules,
    load_settings,
    save_settings,
)
from clauses_app.storage import Database
from tests import builders as b


def test_reference_rows_have_fixed_uuids_in_every_database(tmp_path, database: Database) -> None:  # type: ignore[no-untyped-def]
    other = open_app_database(str(tmp_path / "other.sqlite3"))
    with database.session() as s1, other.session() as s2:
        rows1 = [(r.uuid, r.kind, r.code, r.created_at) for r in s1.scalars(select(ReferenceItem))]
        rows2 = [(r.uuid, r.kind, r.code, r.created_at) for r in s2.scalars(select(ReferenceItem))]
    other.dispose()
    assert sorted(rows1) == sorted(rows2)
    codes = {(kind, code) for _, kind, code, _ in rows1}
    for code in ("DELD", "BRSA", "ASS", "AAH", "RQTH", "JEUNE", "SENIOR", "QPV", "SIAE", "PLIE",
                 "AVIS_SPE"):  # fmt: skip
        assert ("criterion", code) in codes
    assert reference_uuid("criterion", "BRSA") == uuid.uuid5(
        uuid.UUID("6f1c2a8e-0d7b-5c1e-9a43-3b2f6d8e1c57"), "criterion:BRSA"
    )
    assert all(created == REFERENCE_EPOCH for *_, created in rows1)


def test_edited_reference_labels_survive_reseeding(database: Database) -> None:
    with database.transaction() as s:
        row = s.scalars(select(ReferenceItem).where(ReferenceItem.code == "MACONNERIE")).one()
        row.label = "Gros œuvre"
        row.labour_share = D("55")
    with database.transaction() as s:
        assert ensure_reference_rows(s) == 0
        row = s.scalars(select(ReferenceItem).where(ReferenceItem.code == "MACONNERIE")).one()
        assert (row.label, row.labour_share) == ("Gros œuvre", D("55.0000"))


def test_updated_at_moves_only_when_content_changes(database: Database) -> None:
    with database.transaction() as s:
        auth = b.authority(s, "Ville A")
        auth_uuid = auth.uuid
    with database.session() as s:
        first = s.get(type(auth), auth_uuid).updated_at  # type: ignore[union-attr]
    with database.transaction() as s:
        loaded = s.get(type(auth), auth_uuid)
        assert loaded is not None
        loaded.name = "Ville A"  # same value: no UPDATE
    with database.session() as s:
        assert s.get(type(auth), auth_uuid).updated_at == first  # type: ignore[union-attr]
    with database.transaction() as s:
        loaded = s.get(type(auth), auth_uuid)
        assert loaded is not None
        loaded.name = "Ville B"
    with database.session() as s:
        assert s.get(type(auth), auth_uuid).updated_at > first  # type: ignore[union-attr]


def test_foreign_keys_are_enforced(database: Database) -> None:
    with database.session() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        b.authority(s)
        with pytest.raises(IntegrityError):
            s.execute(
                text(
                    "INSERT INTO lot (uuid, contract_uuid, number, title, clause_mode, created_at,"
                    " updated_at) VALUES ('aa', 'no-such-contract', '1', 'x', 'HOURS',"
                    " '2025-01-01', '2025-01-01')"
                )
            )
            s.flush()


def test_a_failed_transaction_leaves_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as s:
        b.authority(s, "Ville fantôme")
        raise RuntimeError("boom")
    with database.session() as s:
        assert s.execute(text("SELECT count(*) FROM contracting_authority")).scalar() == 0


def test_settings_round_trip(database: Database) -> None:
    custom = AppSettings(
        etp_basis=1600,
        hourly_cost=D("27.5"),
        eligibility_validity_months=4,
        counting=CountingRules(cdi_cap_months=12, training_cap_percent=D("20")),
        organisation=Organisation(name="PLIE des Deux Rives", facilitator_name="Inès Morel"),
    )
    with database.transaction() as s:
        save_settings(s, custom)
    with database.session() as s:
        assert load_settings(s) == custom


def test_defaults_when_nothing_is_stored(database: Database) -> None:
    with database.session() as s:
        settings = load_settings(s)
    assert settings.etp_basis == 1607 and settings.hourly_cost == D("30")
    assert settings.counting.cdi_cap_months is None and settings.counting.training_counted


def test_effective_rules_precedence() -> None:
    settings = AppSettings(counting=CountingRules(cdi_cap_months=24))
    assert effective_rules(settings, None, None).cdi_cap_months == 24
    assert effective_rules(settings, {"cdi_cap_months": 12}, None).cdi_cap_months == 12
    rules = effective_rules(settings, {"cdi_cap_months": 12}, {"cdi_cap_months": "6"})
    assert rules.cdi_cap_months == 6
    rules = effective_rules(settings, None, {"training_cap_percent": "15", "unknown": 1})
    assert rules.training_cap_percent == D("15")


def test_participant_full_name(database: Database) -> None:
    with database.session() as s:
        person = b.participant(s, "Pérez", "Chloé", birth_date=date(1995, 12, 11))
        assert person.full_name == "PÉREZ Chloé"
