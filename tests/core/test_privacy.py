"""Personal data (guide §5): right of access, expiry, purge keeping past figures, archive, CLI."""

from __future__ import annotations

import json
import stat
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clauses_app.cli import main
from clauses_app.models import Participant, ParticipantCriterion
from clauses_app.services import privacy
from clauses_app.services.balance import build_balance
from clauses_app.services.balance_people import age_band
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.periods import Period
from clauses_app.services.progress import CancelFlag, Cancelled
from clauses_app.services.settings import AppSettings
from clauses_app.services.stats import database_stats
from clauses_app.storage import Database
from tests import builders as b

TODAY = date(2025, 7, 1)  # retention 2 years: last activity before 1 July 2023 is expired
SETTINGS = AppSettings()
# Long enough to spill onto overflow pages, which SQLite frees without wiping them.
LONG_NOTES = "Suivie par Mme X, RQTH en cours. " * 150


@dataclass
class Dataset:
    authority: uuid.UUID
    dupont: uuid.UUID  # expired: born 20/06/1997, hired 01/03/2022 and 10/06/2023
    martin: uuid.UUID  # expired and archived: born 01/02/1973, hired 01/09/2022
    durand: uuid.UUID  # active: hired in 2025


def build(database: Database) -> Dataset:
    with database.transaction() as s:
        auth = b.authority(s, "Ville de Pornic")
        con = b.contract(s, auth, start_date=date(2022, 1, 1), end_date=date(2025, 12, 31))
        award = b.award(s, b.lot(s, con), b.company(s, "BTP Ouest", siret="73282932000074"), 2000)
        dupont = b.participant(
            s, "Dupont", "Jeanne", birth_date=date(1997, 6, 20), sex="F", qpv=True,
            qualification_code="INFRA3", external_id="FT-12345", address="3 rue des Lilas",
            postal_code="44210", city="Pornic", notes=LONG_NOTES,
            last_contact_date=date(2023, 5, 2),
        )  # fmt: skip
        b.criterion(s, dupont, "BRSA", date(2022, 1, 10), evidence="Attestation CAF 01/2022")
        b.criterion(s, dupont, "JEUNE", date(2022, 1, 10), evidence="Carte d'identité")
        first = b.employment(s, award, dupont, date(2022, 3, 1), date(2022, 6, 30),
                             contract_type_code="CDD", job_title="Manœuvre")  # fmt: skip
        march = b.month_hours(s, first, 2022, 3, "151.67", training="7")
        march.source = "releve_DUPONT_2022.xlsx"
        for month in (4, 5, 6):
            b.month_hours(s, first, 2022, month, "151.67", training="7")
        second = b.employment(s, award, dupont, date(2023, 6, 10), date(2023, 6, 30))
        b.month_hours(s, second, 2023, 6, "100")

        martin = b.participant(s, "Martin", "Paul", birth_date=date(1973, 2, 1), sex="M",
                               address="8 quai Leray", archived=True)  # fmt: skip
        b.criterion(s, martin, "SENIOR", date(2022, 8, 1), evidence="Pièce d'identité")
        third = b.employment(s, award, martin, date(2022, 9, 1), date(2022, 12, 31))
        b.total_hours(s, third, date(2022, 9, 1), date(2022, 12, 31), "400")

        durand = b.participant(s, "Durand", "Léa", birth_date=date(2001, 4, 4))
        fourth = b.employment(s, award, durand, date(2025, 1, 6), date(2025, 6, 30))
        b.month_hours(s, fourth, 2025, 1, "120")
        return Dataset(auth.uuid, dupont.uuid, martin.uuid, durand.uuid)


@pytest.fixture
def data(database: Database) -> Dataset:
    return build(database)


# --- Right of access -------------------------------------------------------------------------


def test_export_holds_identity_criteria_employments_and_hours(
    database: Database, data: Dataset
) -> None:
    with database.session() as s:
        export = privacy.person_export(s, data.dupont)
    json.dumps(export)  # JSON-serialisable as is
    person = export["participant"]
    assert (person["last_name"], person["first_name"]) == ("Dupont", "Jeanne")
    assert person["birth_date"] == "1997-06-20" and person["external_id"] == "FT-12345"
    assert (person["address"], person["postal_code"], person["city"]) == (
        "3 rue des Lilas", "44210", "Pornic",
    )  # fmt: skip
    assert person["qpv"] is True and person["qualification"] == "Sans diplôme (infra 3)"
    assert person["notes"] == LONG_NOTES
    assert [
        (c["criterion_code"], c["validated_on"], c["evidence"]) for c in export["criteria"]
    ] == [
        ("BRSA", "2022-01-10", "Attestation CAF 01/2022"),
        ("JEUNE", "2022-01-10", "Carte d'identité"),
    ]
    first, second = export["employments"]
    assert first["contract"]["reference"] == "2025-001"
    assert first["company"] == {"uuid": first["company"]["uuid"], "name": "BTP Ouest",
                                "siret": "73282932000074"}  # fmt: skip
    assert first["authority"]["name"] == "Ville de Pornic" and first["job_title"] == "Manœuvre"
    assert (first["start_date"], first["end_date"]) == ("2022-03-01", "2022-06-30")
    hours = first["hours"]
    assert [(h["period_start"], h["worked_hours"], h["training_hours"]) for h in hours] == [
        ("2022-03-01", 151.67, 7.0), ("2022-04-01", 151.67, 7.0),
        ("2022-05-01", 151.67, 7.0), ("2022-06-01", 151.67, 7.0),
    ]  # fmt: skip
    assert first["hours"][0]["source"] == "releve_DUPONT_2022.xlsx"
    assert second["hours"][0]["period_end"] == "2023-06-30"
    assert export["retention"] == {
        "last_activity": "2023-06-30", "retention_years": 2, "kept_until": "2025-06-30",
        "hold": None, "anonymised": False,
    }  # fmt: skip


def test_export_of_an_unknown_participant_is_a_clear_error(database: Database) -> None:
    unknown = uuid.UUID(int=7)
    with database.session() as s, pytest.raises(privacy.UnknownParticipantError) as caught:
        privacy.person_export(s, unknown)
    assert str(caught.value) == f"Participant inconnu : {unknown}."


# --- Expiry ----------------------------------------------------------------------------------


def _expired(database: Database, today: date, config: AppSettings = SETTINGS) -> list[uuid.UUID]:
    with database.session() as s:
        return [e.uuid for e in privacy.expired_participants(s, today, config)]


def test_expired_list_archived_first_then_oldest(database: Database, data: Dataset) -> None:
    with database.session() as s:
        expired = privacy.expired_participants(s, TODAY, SETTINGS)
    assert [(e.uuid, e.last_activity, e.archived) for e in expired] == [
        (data.martin, date(2022, 12, 31), True),
        (data.dupont, date(2023, 6, 30), False),
    ]


def test_expiry_boundary_exactly_two_years_is_kept(database: Database) -> None:
    with database.transaction() as s:
        kept = b.participant(s, "Garde", "Exacte", last_contact_date=date(2023, 7, 1)).uuid
        gone = b.participant(s, "Part", "Veille", last_contact_date=date(2023, 6, 30)).uuid
    assert _expired(database, TODAY) == [gone]
    assert _expired(database, TODAY + timedelta(days=1)) == [gone, kept]
    three_years = AppSettings(retention_years=3)
    assert _expired(database, date(2026, 6, 30), three_years) == []
    assert _expired(database, date(2026, 7, 1), three_years) == [gone]


def test_last_activity_takes_hours_then_creation_day(database: Database) -> None:
    with database.transaction() as s:
        award = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        late = b.participant(s, "Relevé", "Tardif", last_contact_date=date(2022, 1, 5))
        employment = b.employment(s, award, late, date(2022, 1, 1), date(2022, 12, 31))
        b.total_hours(s, employment, date(2022, 1, 1), date(2023, 8, 31), "800")
        never = b.participant(s, "Sans", "Date", created_at=datetime(2023, 3, 3, 9, tzinfo=UTC))
        late_uuid, never_uuid = late.uuid, never.uuid
    assert _expired(database, TODAY) == [never_uuid]  # hours up to 31/08/2023 keep the other
    assert _expired(database, date(2025, 9, 1)) == [never_uuid, late_uuid]


def test_leap_day_today(database: Database) -> None:
    assert privacy.retention_cutoff(date(2024, 2, 29), 2) == date(2022, 2, 28)
    with database.transaction() as s:
        b.participant(s, "Fin", "Février", last_contact_date=date(2022, 2, 27))
        b.participant(s, "Limite", "Février", last_contact_date=date(2022, 2, 28))
    assert len(_expired(database, date(2024, 2, 29))) == 1


def test_a_hold_keeps_a_participant_until_its_date(database: Database, data: Dataset) -> None:
    with database.transaction() as s:
        privacy.set_retention_hold(
            s, data.dupont, date(2025, 12, 31), "Contrôle FSE 2021-2027", today=TODAY
        )
    with database.session() as s:
        assert privacy.preview_purge(s, TODAY, SETTINGS).held == 1
        assert privacy.person_export(s, data.dupont)["retention"]["hold"] == {
            "until": "2025-12-31", "reason": "Contrôle FSE 2021-2027",
        }  # fmt: skip
    assert _expired(database, TODAY) == [data.martin]
    assert _expired(database, date(2025, 12, 31)) == [data.martin]
    assert _expired(database, date(2026, 1, 1)) == [data.martin, data.dupont]
    with database.transaction() as s:
        privacy.set_retention_hold(s, data.dupont, None)
    assert _expired(database, TODAY) == [data.martin, data.dupont]


# --- Birth date reduction --------------------------------------------------------------------


def test_reduced_birth_date_by_hand() -> None:
    # No band limit between 1 January and the birthday: 1 January.
    assert privacy.reduced_birth_date(date(1973, 2, 1), [date(2022, 9, 1)]) == date(1973, 1, 1)
    # Hired on 10/06/2023, 25 years old; born on 1/1/1997 they would be 26: the day after
    # 10/06/1997 is the earliest birth date that keeps "under 26".
    starts = [date(2022, 3, 1), date(2023, 6, 10)]
    assert privacy.reduced_birth_date(date(1997, 6, 20), starts) == date(1997, 6, 11)
    # 29/02/2024 minus 50 years is "29/02/1974", which does not exist: 1 March 1974.
    assert privacy.reduced_birth_date(date(1974, 3, 15), [date(2024, 2, 29)]) == date(1974, 3, 1)
    assert privacy.reduced_birth_date(None, [date(2024, 1, 1)]) is None


days = st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31))
starts = st.lists(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), max_size=6)


@settings(max_examples=400, deadline=None)
@given(born=days, hired=starts)
def test_reduced_birth_date_keeps_every_band(born: date, hired: list[date]) -> None:
    reduced = privacy.reduced_birth_date(born, hired)
    assert reduced is not None and reduced.year == born.year and reduced <= born
    assert [age_band(reduced, day) for day in hired] == [age_band(born, day) for day in hired]
    assert privacy.reduced_birth_date(reduced, hired) == reduced  # a second purge: no change


# --- Purge -----------------------------------------------------------------------------------


def _figures(database: Database, authority: uuid.UUID) -> list[object]:
    with database.session() as s:
        return [
            database_stats(s),
            database_stats(s, authority, Period.year(2022)),
            database_stats(s, authority, Period.year(2023)),
            *(
                build_balance(s, authority, period, generated_on=TODAY)
                for period in (Period.year(2022), Period.year(2023), None)
            ),
        ]


def test_purge_erases_identity_and_keeps_every_past_figure(
    database: Database, data: Dataset
) -> None:
    before = _figures(database, data.authority)
    # Dupont was 25 when hired on 10/06/2023: born on 1 January 1997 she would have been 26.
    people_2023 = before[4].people  # type: ignore[attr-defined]
    bands = [(r.code, r.count) for r in people_2023.by_age_band]
    assert bands == [("-26", 1), ("26-44", 0), ("45-49", 0), ("50+", 0)]
    people_2022 = before[3].people  # type: ignore[attr-defined]
    assert [(r.code, r.count) for r in people_2022.by_criterion] == [
        ("BRSA", 1), ("JEUNE", 1), ("SENIOR", 1),
    ]  # fmt: skip
    with database.transaction() as s:
        result = privacy.purge(s, TODAY, SETTINGS)
    assert sorted(result.purged) == sorted([data.dupont, data.martin])
    assert _figures(database, data.authority) == before

    with database.session() as s:
        dupont = s.get(Participant, data.dupont)
        assert dupont is not None
        assert dupont.last_name == "Anonyme" and dupont.first_name == privacy.pseudonym(dupont.uuid)
        assert len(dupont.first_name) == 6
        assert (dupont.external_id, dupont.address, dupont.postal_code, dupont.city) == (
            None, None, None, None,
        )  # fmt: skip
        assert dupont.notes is None and dupont.archived is True
        assert dupont.birth_date == date(1997, 6, 11)
        assert (dupont.sex, dupont.qpv, dupont.qualification_code) == ("F", True, "INFRA3")
        criteria = s.scalars(
            select(ParticipantCriterion).where(ParticipantCriterion.participant_uuid == dupont.uuid)
        ).all()
        assert sorted((c.criterion_code, c.validated_on, c.evidence) for c in criteria) == [
            ("BRSA", date(2022, 1, 10), None), ("JEUNE", date(2022, 1, 10), None),
        ]  # fmt: skip
        assert all(h.source is None for e in dupont.employments for h in e.hours)
        martin = s.get(Participant, data.martin)
        assert martin is not None and martin.birth_date == date(1973, 1, 1)
        durand = s.get(Participant, data.durand)
        assert durand is not None and (durand.last_name, durand.archived) == ("Durand", False)
        log = privacy.purge_log(s)
    assert len(log) == 1 and log[0]["purged"] == 2 and log[0]["today"] == "2025-07-01"
    assert sorted(log[0]["participants"]) == sorted([str(data.dupont), str(data.martin)])
    assert "Dupont" not in json.dumps(log)


def _snapshot(database: Database) -> list[tuple[object, ...]]:
    with database.session() as s:
        people = s.scalars(select(Participant).order_by(Participant.uuid)).all()
        return [
            (p.uuid, p.last_name, p.first_name, p.birth_date, p.address, p.archived, p.updated_at,
             sorted((c.criterion_code, c.evidence) for c in p.criteria))
            for p in people
        ]  # fmt: skip


def test_second_purge_changes_nothing(database: Database, data: Dataset) -> None:
    with database.transaction() as s:
        privacy.purge(s, TODAY, SETTINGS)
    after_first = _snapshot(database)
    with database.transaction() as s:
        again = privacy.purge(s, TODAY, SETTINGS)
    assert again.purged == [] and again.already_anonymised == 2
    assert _snapshot(database) == after_first  # updated_at included: no UPDATE was emitted
    with database.session() as s:
        assert len(privacy.purge_log(s)) == 1


def test_cancelled_purge_leaves_the_database_unchanged(
    database: Database, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(privacy, "CHUNK", 1)  # two chunks: cancel after the first is written
    before = _snapshot(database)
    seen: list[int] = []

    def cancel_after_first(done: int, total: int, message: str = "") -> None:
        seen.append(done)
        if done == 1:
            flag.cancel()

    flag = CancelFlag(cancel_after_first)
    with pytest.raises(Cancelled), database.transaction() as s:
        privacy.purge(s, TODAY, SETTINGS, progress=flag)
    assert seen == [0, 1]
    assert _snapshot(database) == before
    with database.session() as s:
        assert privacy.purge_log(s) == []


def test_archive_and_undo(database: Database, data: Dataset) -> None:
    with database.transaction() as s:
        privacy.archive(s, data.durand)
    with database.session() as s:
        assert s.get(Participant, data.durand).archived is True  # type: ignore[union-attr]
    with database.transaction() as s:
        privacy.archive(s, data.durand, archived=False)
    with database.session() as s:
        assert s.get(Participant, data.durand).archived is False  # type: ignore[union-attr]
        with pytest.raises(privacy.UnknownParticipantError):
            privacy.archive(s, uuid.UUID(int=1))


# --- Command line ----------------------------------------------------------------------------


@pytest.fixture
def db_file(database: Database, data: Dataset, db_path: Path) -> Path:
    database.dispose()
    return db_path


def test_cli_export_to_stdout_and_private_file(
    db_file: Path, data: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(db_file)
    assert main(["--db", db, "privacy", "export", "--participant", str(data.dupont)]) == 0
    shown = json.loads(capsys.readouterr().out)  # French keys (docs/privacy.md)
    assert shown["participant"]["nom"] == "Dupont" and len(shown["contrats"]) == 2
    assert shown["contrats"][0]["heures"][0]["nature"] == "MOIS"
    assert shown["conservation"]["conserve_jusqu_au"] == "2025-06-30"
    out = tmp_path / "dupont.json"
    args = ["--db", db, "privacy", "export", "--participant", str(data.dupont), "--out", str(out)]
    assert main(args) == 0
    assert str(out) in capsys.readouterr().out
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["criteres_eligibilite"] == shown["criteres_eligibilite"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personal data: owner only
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--participant", "pas-un-uuid"], "n'est pas un UUID valide"),
        (["export", "--participant", str(uuid.UUID(int=9))], "Participant inconnu"),
        (["export", "--participant", "{dupont}", "--out", "/nulle/part/x.json"], "n'existe pas"),
        (["archive", "--participant", str(uuid.UUID(int=9))], "Participant inconnu"),
        (["purge", "--today", "2025-13-01"], "n'est pas une date"),
        (["hold", "--participant", "{dupont}"], "--until DATE"),
        (["hold", "--participant", "{dupont}", "--until", "31/12/2025", "--undo"], "--until"),
    ],
)
def test_cli_bad_input_one_french_sentence(
    db_file: Path, data: Dataset, args: list[str], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    args = [a.replace("{dupont}", str(data.dupont)) for a in args]
    assert main(["--db", str(db_file), "privacy", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_purge_dry_run_then_purge(
    db_file: Path, data: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(db_file)
    assert main(["--db", db, "privacy", "log"]) == 0
    assert capsys.readouterr().out == "Aucune purge enregistrée.\n"
    before = db_file.read_bytes()
    assert main(["--db", db, "privacy", "purge", "--today", "2025-07-01", "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "Aperçu : 2 dossier(s) à anonymiser, rien n'a été modifié." in text
    assert str(data.martin) in text and "Dupont" not in text and "Martin" not in text
    assert db_file.read_bytes() == before

    assert main(["--db", db, "privacy", "purge", "--today", "2025-07-01", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["expired"], summary["purged"], summary["archived"]) == (2, 2, 1)
    assert [p["uuid"] for p in summary["participants"]] == [str(data.martin), str(data.dupont)]
    assert summary["cutoff"] == "2023-07-01" and summary["dry_run"] is False
    # The file was rewritten: erased values do not linger in free pages.
    content = db_file.read_bytes()
    for erased in (b"Dupont", b"3 rue des Lilas", b"FT-12345", b"Attestation CAF", b"Suivie par"):
        assert erased not in content
    assert b"Durand" in content  # still active, untouched

    assert main(["--db", db, "privacy", "purge", "--today", "2025-07-01", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["purged"], again["already_anonymised"]) == (0, 2)
    assert main(["--db", db, "privacy", "log", "--json"]) == 0
    assert [e["purged"] for e in json.loads(capsys.readouterr().out)] == [2]
    assert main(["--db", db, "privacy", "log"]) == 0
    line = capsys.readouterr().out
    assert "date de référence 01/07/2025  conservation 2 ans  dossiers anonymisés : 2" in line


def test_cli_archive_and_hold(
    db_file: Path, data: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(db_file)
    assert main(["--db", db, "privacy", "archive", "--participant", str(data.durand)]) == 0
    assert "archivé" in capsys.readouterr().out
    hold = ["--db", db, "privacy", "hold", "--participant", str(data.dupont)]
    assert main([*hold, "--until", "31/12/2099", "--reason", "Contrôle FSE"]) == 0
    assert "31/12/2099" in capsys.readouterr().out
    assert main(["--db", db, "privacy", "purge", "--today", "2025-07-01", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["purged"], summary["held"]) == (1, 1)
    assert main([*hold, "--undo"]) == 0
    assert (
        main(["--db", db, "privacy", "archive", "--participant", str(data.durand), "--undo"]) == 0
    )
    capsys.readouterr()
    database = open_app_database(db)
    with database.session() as s:
        assert s.get(Participant, data.durand).archived is False  # type: ignore[union-attr]
        assert privacy.retention_holds(s) == {}
    database.dispose()


def test_anonymize_one_person_on_request(
    database: Database, data: Dataset, db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _figures(database, data.authority)
    args = ["--db", str(db_file), "privacy", "anonymize", "--participant", str(data.durand)]
    assert main(args) == 0
    assert "anonymisé" in capsys.readouterr().out
    assert _figures(database, data.authority) == before
    with database.session() as s:
        durand = s.get(Participant, data.durand)
        assert durand is not None and durand.last_name == "Anonyme" and durand.archived
        assert durand.birth_date == date(2001, 1, 1)  # 23 on 06/01/2025 either way
        (entry,) = privacy.purge_log(s)
    assert (entry["reason"], entry["participants"]) == ("REQUEST", [str(data.durand)])
    assert main(args) == 0
    assert "déjà anonymisé" in capsys.readouterr().out
    with database.session() as s:
        assert len(privacy.purge_log(s)) == 1


def test_compact_rewrites_the_file_without_erased_values(database: Database, db_path: Path) -> None:
    # Debian's SQLite wipes freed pages itself (SECURE_DELETE); Windows builds may not: erase
    # with it off, so that the notes linger, then check the rewrite removes them.
    import sqlite3

    with database.transaction() as s:
        person = b.participant(s, "Lenoir", "Ana", notes=LONG_NOTES).uuid
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA secure_delete = OFF")
        connection.execute("UPDATE participant SET notes = NULL WHERE uuid = ?", (person.hex,))
        # An erasure takes the person's history with them (services/history.py).
        connection.execute("DELETE FROM record_history WHERE participant_uuid = ?",
                           (person.hex,))  # fmt: skip
    connection.close()
    assert b"RQTH en cours" in db_path.read_bytes()
    database.compact()
    assert b"RQTH en cours" not in db_path.read_bytes()
    with database.session() as s:
        assert s.get(Participant, person).notes is None  # type: ignore[union-attr]
