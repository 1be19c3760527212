"""The facilitator's own contact is the user's (a file of the config folder), not the
database's: two facilitators sharing a database each sign their own documents."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from clauses_app import paths
from clauses_app.reports.balance import write_balance_report
from clauses_app.reports.clause_wording import write_clause_wording
from clauses_app.services.periods import Period
from clauses_app.services.profile import (
    FacilitatorProfile,
    ProfileError,
    load_profile,
    profile_path,
    save_organisation_identity,
    save_profile,
    signed_organisation,
)
from clauses_app.services.settings import Organisation, load_settings
from clauses_app.storage import Database
from tests.reports.dataset import Dataset
from tests.reports.readers import docx_text, pdf_pages

ALICE = FacilitatorProfile("Alice Martin", "alice.martin@plie-testville.fr", "05 63 00 00 01")
BRUNO = FacilitatorProfile("Bruno Petit", "bruno.petit@plie-testville.fr", "05 63 00 00 02")


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Another user of the same computer or database: another config folder."""
    monkeypatch.setenv("CLAUSES_HOME", str(home))


def test_profile_round_trip_in_the_config_folder() -> None:
    assert load_profile() == FacilitatorProfile()  # no file yet
    path = save_profile(ALICE)
    assert path == paths.config_dir() / "facilitateur.json" == profile_path()
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "name": "Alice Martin",
        "email": "alice.martin@plie-testville.fr",
        "phone": "05 63 00 00 01",
    }
    assert load_profile() == ALICE
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # mkstemp: the user's only


def test_invalid_or_unreadable_profiles() -> None:
    with pytest.raises(ProfileError, match="courriel du facilitateur"):
        save_profile(FacilitatorProfile("Alice", "pas-une-adresse"))
    assert not profile_path().exists()  # nothing written
    profile_path().write_text("{pas du json", encoding="utf-8")
    assert load_profile() == FacilitatorProfile()  # ignored (logged), never a crash


def test_the_users_contact_goes_over_the_databases() -> None:
    legacy = Organisation(name="PLIE", facilitator_name="Ancien", facilitator_email="a@b.fr")
    assert signed_organisation(legacy, FacilitatorProfile()) == legacy
    signed = signed_organisation(legacy, ALICE)
    assert (signed.name, signed.facilitator_name, signed.facilitator_phone) == (
        "PLIE", "Alice Martin", "05 63 00 00 01",
    )  # fmt: skip
    save_profile(BRUNO)
    assert signed_organisation(legacy).facilitator_email == "bruno.petit@plie-testville.fr"


def test_organisation_identity_is_stored_in_the_database(database: Database) -> None:
    with database.transaction() as session:
        save_organisation_identity(session, "  PLIE du Pays d'Albi ", "1 rue Croix-Verte\nAlbi")
    with database.session() as session:
        settings = load_settings(session)
    assert settings.organisation.name == "PLIE du Pays d'Albi"
    assert settings.organisation.address == "1 rue Croix-Verte\nAlbi"
    assert settings.etp_basis == 1607  # the other settings kept
    with pytest.raises(ProfileError, match="nom de la structure"), database.transaction() as s:
        save_organisation_identity(s, " ", "")


def test_two_facilitators_sharing_a_database_sign_their_own_documents(
    database: Database, dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed: dict[str, tuple[str, str]] = {}
    for profile in (ALICE, BRUNO):
        use_home(monkeypatch, tmp_path / profile.name.split()[0])
        save_profile(profile)
        wording = write_clause_wording(
            database, contract_uuid=dataset.contract_a, out_path=tmp_path / f"{profile.name}.docx"
        )
        report = write_balance_report(
            database, dataset.authority, Period.year(2025), "pdf", tmp_path / f"{profile.name}.pdf"
        )
        signed[profile.name] = (docx_text(wording.path), "\n".join(pdf_pages(report)))
    for mine, theirs in ((ALICE, BRUNO), (BRUNO, ALICE)):
        wording_text, report_text = signed[mine.name]
        for text in (wording_text, report_text):
            assert mine.email in text and mine.name in text
            assert theirs.email not in text
            assert "PLIE de Testville" in text  # the organisation is the database's
            assert "clauses@plie-testville.fr" not in text  # the database's legacy contact
        assert mine.phone in wording_text


def test_without_a_profile_the_databases_contact_is_kept(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    wording = write_clause_wording(
        database, contract_uuid=dataset.contract_a, out_path=tmp_path / "x.docx"
    )
    assert "clauses@plie-testville.fr" in docx_text(wording.path)
