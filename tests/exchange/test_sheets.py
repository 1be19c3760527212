"""Spreadsheet imports: the samples' figures both ways, French CSV variants, the mapping
guesser, profiles, participant matching, and hostile workbooks."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.exchange import guess_mapping, import_sheet, neutralise_cell, preview_sheet
from clauses_app.exchange.sheets import list_profiles, load_profile, save_profile
from clauses_app.models import (
    CriterionStatus,
    HoursKind,
    HoursRecord,
    Lot,
    Participant,
    ParticipantCriterion,
    PublicContract,
)
from clauses_app.services.progress import CancelFlag, Cancelled
from clauses_app.storage import Database
from tests import builders as b
from tests.exchange.helpers import fingerprint
from tests.exchange.sheets_helpers import (
    EXPECTED,
    STATEMENTS,
    TRACKER,
    figures_2025,
    sample_table,
    write_csv,
    write_xlsx,
)


def test_tracker_alone_gives_the_expected_figures(database: Database) -> None:
    result = import_sheet(database, TRACKER, "tracker")
    assert result.ok and result.applied, [str(e) for e in result.errors]
    assert result.sheet == "Suivi clauses 2025" and result.header_row == 4
    counts = {k: v.new for k, v in result.counts.items()}
    assert counts == {
        "contracting_authority": 2, "public_contract": 4, "lot": 10, "company": 3, "award": 10,
        "participant": 7, "participant_criterion": 7, "employment": 15, "hours_record": 15,
    }  # fmt: skip
    assert figures_2025(database) == EXPECTED
    with database.session() as s:
        contract = s.scalars(
            select(PublicContract).where(PublicContract.reference == "2025-4200")
        ).one()
        assert contract.notification_date == date(2025, 1, 1) and "estimée" in (
            contract.notes or ""
        )
        lot = s.scalars(
            select(Lot).where(Lot.contract_uuid == contract.uuid, Lot.number == "1")
        ).one()
        assert (lot.title, lot.trade_code, lot.required_hours) == (
            "Charpente métallique", "CHARPENTE_METALLIQUE", Decimal("79"),
        )  # fmt: skip
        kinds = set(s.scalars(select(HoursRecord.kind)))
        assert kinds == {HoursKind.TOTAL}
        codes = sorted(s.scalars(select(ParticipantCriterion.criterion_code)))
        assert codes.count("JEUNE") == 1 and codes.count("QPV") == 2 and codes.count("BRSA") == 3
        # A tracker gives no validation date: every criterion is to document, never validated.
        statuses = set(s.scalars(select(ParticipantCriterion.status)))
        assert statuses == {CriterionStatus.TO_DOCUMENT}


def test_tracker_then_statements_gives_the_same_figures(database: Database) -> None:
    assert import_sheet(database, TRACKER, "tracker").ok
    removed = 0
    for statement in STATEMENTS:
        result = import_sheet(database, statement, "hours")
        assert result.ok and result.applied, [str(e) for e in result.errors]
        removed += result.removed.get("hours_record", 0)
    assert removed == 15  # every tracker total is replaced by its months
    assert figures_2025(database) == EXPECTED
    with database.session() as s:
        assert set(s.scalars(select(HoursRecord.kind))) == {HoursKind.MONTH}
        assert len(s.scalars(select(HoursRecord)).all()) == 22 + 26 + 17
    before = fingerprint(database)
    again = import_sheet(database, STATEMENTS[0], "hours")
    assert again.ok and again.count("hours_record").as_dict() == {
        "new": 0, "updated": 0, "unchanged": 22, "conflicts": 0,
    }  # fmt: skip
    assert fingerprint(database) == before
    tracker_again = import_sheet(database, TRACKER, "tracker")
    assert tracker_again.ok and tracker_again.total("new") == 0
    assert fingerprint(database) == before  # totals are not brought back over months


def test_preview_writes_nothing(database: Database) -> None:
    before = fingerprint(database)
    preview = preview_sheet(database, TRACKER, "tracker")
    assert preview.ok and not preview.applied and preview.count("employment").new == 15
    assert fingerprint(database) == before


def test_preview_reports_progress_and_can_be_cancelled(database: Database) -> None:
    seen: list[int] = []
    preview = preview_sheet(
        database, TRACKER, "tracker", progress=lambda done, total, message="": seen.append(done)
    )
    assert preview.ok and seen and seen == sorted(seen)
    flag = CancelFlag()
    flag.cancel()
    with pytest.raises(Cancelled):
        preview_sheet(database, TRACKER, "tracker", progress=flag)


def test_statement_changed_month_is_updated(database: Database, tmp_path: Path) -> None:
    import_sheet(database, TRACKER, "tracker")
    headers, rows = sample_table(STATEMENTS[0])
    import_sheet(database, write_xlsx(tmp_path / "r.xlsx", headers, rows), "hours")
    rows[0][6] = 140.0
    result = import_sheet(database, write_xlsx(tmp_path / "r2.xlsx", headers, rows), "hours")
    assert result.count("hours_record").updated == 1
    assert result.count("hours_record").unchanged == len(rows) - 1


@pytest.mark.parametrize(
    ("encoding", "delimiter", "decimal_comma", "title", "total"),
    [
        ("cp1252", ";", True, True, True),
        ("utf-8-sig", ",", False, True, True),
        ("utf-8", ";", True, False, False),
        ("utf-8", "\t", True, True, False),
    ],
    ids=["excel-cp1252-semicolon", "utf8-bom-comma", "utf8-no-title", "tab"],
)
def test_csv_variants_of_the_tracker(
    database: Database,
    tmp_path: Path,
    encoding: str,
    delimiter: str,
    decimal_comma: bool,
    title: bool,
    total: bool,
) -> None:
    headers, rows = sample_table()
    path = write_csv(
        tmp_path / "suivi.csv", headers, rows, encoding, delimiter, decimal_comma, title, total
    )
    result = import_sheet(database, path, "tracker")
    assert result.ok, [str(e) for e in result.errors]
    assert result.sheet is None and result.header_row == (3 if title else 1)
    assert figures_2025(database) == EXPECTED
    with database.session() as s:
        names = set(s.scalars(select(Participant.first_name)))
    assert {"Loïc", "Hélène", "Jérôme", "Chloé", "Stéphane"} <= names  # accents decoded


def test_other_wordings_and_hf_values(database: Database, tmp_path: Path) -> None:
    headers, rows = sample_table()
    wording = {
        "Donneur d'ordre": "Maître d'ouvrage", "N° marché": "Marché",
        "Entreprise attributaire": "Titulaire", "Date de naissance": "Né(e) le", "Sexe": "H/F",
        "Heures d'insertion prescrites": "Heures prescrites", "Heures réalisées": "Total heures",
        "Date de début": "Début", "Date de fin": "Fin",
    }  # fmt: skip
    sex = headers.index("Sexe")
    for row in rows:
        row[sex] = "H" if row[sex] == "M" else "F"
    path = write_csv(tmp_path / "variante.csv", [wording.get(h, h) for h in headers], rows)
    result = import_sheet(database, path, "tracker")
    assert result.ok and result.mapping["authority"] == "Maître d'ouvrage"
    assert result.mapping["birth_date"] == "Né(e) le" and result.mapping["sex"] == "H/F"
    assert figures_2025(database) == EXPECTED
    with database.session() as s:
        assert (
            s.scalars(select(Participant.sex).where(Participant.first_name == "Loïc")).one() == "M"
        )


def test_missing_optional_column_imports_missing_required_is_named(
    database: Database, tmp_path: Path
) -> None:
    headers, rows = sample_table()
    drop = headers.index("Critère d'éligibilité")
    path = write_csv(
        tmp_path / "sans-critere.csv",
        headers[:drop] + headers[drop + 1 :],
        [r[:drop] + r[drop + 1 :] for r in rows],
    )
    assert import_sheet(database, path, "tracker").ok
    before = fingerprint(database)
    drop = headers.index("Prénom")
    path = write_csv(
        tmp_path / "sans-prenom.csv",
        headers[:drop] + headers[drop + 1 :],
        [r[:drop] + r[drop + 1 :] for r in rows],
    )
    refused = import_sheet(database, path, "tracker")
    assert not refused.ok and not refused.applied
    error = refused.errors[0]
    assert "Prénom" in error.message and error.row == 3 and error.file == "sans-prenom.csv"
    assert fingerprint(database) == before


def test_row_errors_name_file_sheet_row_column(database: Database, tmp_path: Path) -> None:
    headers, rows = sample_table()
    rows[2][headers.index("Date de début")] = "32/13/2025"
    rows[4][headers.index("Heures réalisées")] = -12
    rows[5][headers.index("Type de contrat")] = "Contrat mystère"
    path = write_xlsx(tmp_path / "suivi.xlsx", headers, rows)
    before = fingerprint(database)
    result = import_sheet(database, path, "tracker")
    assert not result.ok and not result.applied and fingerprint(database) == before
    located = {(e.sheet, e.row, e.column) for e in result.errors}
    assert located == {
        ("Suivi", 6, "Date de début"), ("Suivi", 8, "Heures réalisées"),
        ("Suivi", 9, "Type de contrat"),
    }  # fmt: skip
    partial = import_sheet(database, path, "tracker", only_valid=True)
    assert partial.applied and partial.count("employment").new == 12


def test_unknown_criterion_is_a_warning_and_flags_the_participant(
    database: Database, tmp_path: Path
) -> None:
    headers, rows = sample_table()
    rows[0][headers.index("Critère d'éligibilité")] = "Sortant de détention"
    result = import_sheet(database, write_xlsx(tmp_path / "s.xlsx", headers, rows), "tracker")
    assert result.ok
    assert any("Sortant de détention" in w.message and w.row == 4 for w in result.warnings)
    with database.session() as s:
        loic = s.scalars(select(Participant).where(Participant.first_name == "Loïc")).one()
        assert "Sortant de détention" in (loic.notes or "")
        codes = set(
            s.scalars(
                select(ParticipantCriterion.criterion_code).where(
                    ParticipantCriterion.participant_uuid == loic.uuid
                )
            )
        )
    assert codes == {"JEUNE"}  # from his other row, Rezé 2025-9110


def test_uncertain_matches_are_listed(database: Database) -> None:
    with database.transaction() as s:
        b.participant(s, "KOUASSI", "Loic", birth_date=None, sex="M")  # no birth date known
        b.participant(s, "Guérin", "Helene-Marie", birth_date=date(1977, 8, 10))
    preview = preview_sheet(database, TRACKER, "tracker")
    reasons = {(m.file_person.split(",")[0], m.reason) for m in preview.uncertain_matches}
    assert ("KOUASSI Loïc", "même nom et prénom, date de naissance absente d'un côté") in reasons
    assert ("GUÉRIN Hélène", "prénom proche, même nom et même date de naissance") in reasons
    # Loïc gets his birth date from the tracker; Hélène-Marie's record is complete already.
    counts = preview.count("participant")
    assert (counts.new, counts.updated, counts.unchanged) == (5, 1, 1)


def test_statement_for_an_unknown_person_is_refused(database: Database, tmp_path: Path) -> None:
    import_sheet(database, TRACKER, "tracker")
    headers, rows = sample_table(STATEMENTS[0])
    rows[3][2] = "Inconnu"
    before = fingerprint(database)
    result = import_sheet(database, write_xlsx(tmp_path / "r.xlsx", headers, rows), "hours")
    assert not result.ok and fingerprint(database) == before
    assert [(e.row, e.column) for e in result.errors] == [(7, "Nom")]
    assert "participant introuvable" in result.errors[0].message


GUESSES = [
    (["Donneur d'ordre", "N° marché", "Titulaire", "NOM", "Prénom", "Né(e) le", "H/F",
      "Date d'embauche", "Date de sortie", "Nb d'heures réalisées"],
     {"authority": "Donneur d'ordre", "contract_reference": "N° marché", "company": "Titulaire",
      "last_name": "NOM", "first_name": "Prénom", "birth_date": "Né(e) le", "sex": "H/F",
      "start_date": "Date d'embauche", "end_date": "Date de sortie",
      "hours_done": "Nb d'heures réalisées"}),
    (["MAITRE D'OUVRAGE", "Référence du marché", "Objet", "Lot n°", "Montant HT (€)",
      "Nombre d'heures prescrites", "Entreprise", "N° SIRET", "Nom du salarié", "Prénom du salarié",
      "Date de naissance", "Critères", "Nature du contrat", "Début", "Fin", "Heures effectuées"],
     {"authority": "MAITRE D'OUVRAGE", "contract_reference": "Référence du marché",
      "contract_object": "Objet", "lot": "Lot n°", "lot_amount": "Montant HT (€)",
      "required_hours": "Nombre d'heures prescrites", "company": "Entreprise",
      "siret": "N° SIRET", "last_name": "Nom du salarié", "first_name": "Prénom du salarié",
      "birth_date": "Date de naissance", "criterion": "Critères",
      "contract_type": "Nature du contrat", "start_date": "Début", "end_date": "Fin",
      "hours_done": "Heures effectuées"}),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "expected"), GUESSES)
def test_guess_mapping_on_french_tracker_headers(
    headers: list[str], expected: dict[str, str]
) -> None:
    assert guess_mapping(headers, "tracker") == expected


def test_guess_mapping_on_statement_headers() -> None:
    headers = ["Marché", "N° lot", "Identifiant", "Nom", "Prénom", "Date naissance", "Période",
               "Nb heures", "Heures de formation", "Commentaire"]  # fmt: skip
    assert guess_mapping(headers, "hours") == {
        "contract_reference": "Marché", "lot": "N° lot", "external_id": "Identifiant",
        "last_name": "Nom", "first_name": "Prénom", "birth_date": "Date naissance",
        "month": "Période", "worked_hours": "Nb heures", "training_hours": "Heures de formation",
    }  # fmt: skip


def test_profiles_map_unusual_headers(database: Database, tmp_path: Path) -> None:
    _headers, rows = sample_table(STATEMENTS[0])
    odd = ["Col1", "Col2", "Col3", "Col4", "Col5", "Col6", "Col7"]
    path = write_xlsx(tmp_path / "odd.xlsx", odd, rows, title=False)
    import_sheet(database, TRACKER, "tracker")
    guessed = preview_sheet(database, path, "hours")
    assert not guessed.ok  # nothing recognisable
    mapping = dict(zip(
        ["contract_reference", "lot", "last_name", "first_name", "birth_date", "month",
         "worked_hours"], odd, strict=True,
    ))  # fmt: skip
    with database.transaction() as s:
        save_profile(s, "hours", "Atlantique", mapping)
    with database.session() as s:
        assert list_profiles(s, "hours") == ["Atlantique"] and list_profiles(s, "tracker") == []
        assert load_profile(s, "hours", "Atlantique") == mapping
    result = import_sheet(database, path, "hours", profile="Atlantique")
    assert result.ok and result.count("hours_record").new == len(rows)


def test_neutralise_cell() -> None:
    for dangerous in ("=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_cell(dangerous) == "'" + dangerous
    assert neutralise_cell("Dupont") == "Dupont"
    assert neutralise_cell(-2) == -2 and neutralise_cell(None) is None


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def _replace_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as inp, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in inp.infolist():
            out.writestr(info.filename, data if info.filename == name else inp.read(info.filename))
    return target


def _hostile_workbook(tmp_path: Path, kind: str) -> Path:
    if kind == "entity bomb":
        return _replace_member(
            TRACKER, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", BILLION_LAUGHS.encode()
        )
    if kind == "external entity":
        xxe = BILLION_LAUGHS.replace(
            BILLION_LAUGHS[BILLION_LAUGHS.index("<!DOCTYPE") : BILLION_LAUGHS.index("]>") + 2],
            '<!DOCTYPE x [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>',
        )
        return _replace_member(
            TRACKER, tmp_path / "xxe.xlsx", "xl/worksheets/sheet1.xml", xxe.encode()
        )
    if kind == "zip bomb":
        return _replace_member(
            TRACKER, tmp_path / "zbomb.xlsx", "xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024)
        )
    if kind == "path traversal":
        path = tmp_path / "evil.xlsx"
        path.write_bytes(TRACKER.read_bytes())
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("../../evil.txt", b"x")
        return path
    if kind == "truncated":
        path = tmp_path / "cut.xlsx"
        path.write_bytes(TRACKER.read_bytes()[:3000])
        return path
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return path


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("entity bomb", "entités XML"),
        ("external entity", "entités XML"),
        ("zip bomb", "bombe ZIP"),
        ("path traversal", "« .. »"),
        ("truncated", "pas un classeur XLSX valide"),
        ("xls", "97-2003"),
    ],
)
def test_hostile_workbooks_are_refused_fast(
    database: Database, tmp_path: Path, kind: str, text: str
) -> None:
    path = _hostile_workbook(tmp_path, kind)
    before = fingerprint(database)
    started = time.perf_counter()
    result = import_sheet(database, path, "tracker")
    assert time.perf_counter() - started < 5
    assert not result.ok and not result.applied
    assert text in result.errors[0].message, result.errors[0].message
    assert fingerprint(database) == before


def test_statements_as_excel_csv_give_the_same_figures(database: Database, tmp_path: Path) -> None:
    """Windows-1252, semicolons, decimal commas, a title and a TOTAL row: same result as XLSX."""
    assert import_sheet(database, TRACKER, "tracker").ok
    for n, statement in enumerate(STATEMENTS):
        headers, rows = sample_table(statement)
        path = write_csv(tmp_path / f"releve-{n}.csv", headers, rows, encoding="cp1252")
        assert b"151,67" in path.read_bytes()
        result = import_sheet(database, path, "hours")
        assert result.ok and result.count("hours_record").new == len(rows)
    assert figures_2025(database) == EXPECTED
