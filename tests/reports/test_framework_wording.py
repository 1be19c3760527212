"""Clause wording of framework contracts (« 1 h per 2,000 € HT invoiced »): the RC, AE and
CCAP say how the hours follow the amounts invoiced; other contracts' wording is unchanged
(the optional line is left out, never a dotted line)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from clauses_app.models import ClauseMode
from clauses_app.reports.clause_wording import BASES, write_clause_wording
from clauses_app.reports.templates import BLANK, render_template
from clauses_app.storage import Database
from tests import builders as b
from tests.reports.readers import docx_text

FILLED = {"penalite_releve": "150 €", "ponderation_critere": "15 %", "facilitateur_nom": "Anne",
          "facilitateur_email": "a@plie.fr", "facilitateur_telephone": "01 02 03 04 05",
          "facilitateur_adresse": "1 rue de la Paix"}  # fmt: skip
Lots = tuple[uuid.UUID, uuid.UUID]  # the framework contract, its lot on the amount invoiced
CLAUSE = "1\u00a0h par tranche de 2\u202f000,00\u00a0€ HT facturés"


@pytest.fixture
def framework(database: Database) -> Lots:
    with database.transaction() as s:
        con = b.contract(s, b.authority(s, "Métropole"), "AC-2026", start_date=date(2026, 1, 1),
                         object="Entretien des espaces verts")  # fmt: skip
        one = b.lot(s, con, "1", title="Tontes", clause_mode=ClauseMode.INVOICED,
                    tranche_amount=Decimal(2000), tranche_hours=Decimal(1))  # fmt: skip
        b.lot(s, con, "2", title="Élagage", required_hours=Decimal(350))
        return con.uuid, one.uuid


@pytest.mark.parametrize("basis", BASES)
def test_every_basis_says_how_hours_follow_the_amounts_invoiced(
    database: Database, framework: Lots, tmp_path: Path, basis: str
) -> None:
    contract, _lot = framework
    result = write_clause_wording(database, contract_uuid=contract, basis=basis,
                                  out_path=tmp_path / f"{basis}.docx", values=FILLED)  # fmt: skip
    assert result.complete, (result.unfilled, result.unknown)
    text = docx_text(result.path)
    assert "Pour le lot 1 « Tontes », exécuté par bons de commande" in text
    assert f"suit les montants facturés : {CLAUSE}." in text
    assert "arrondi une seule fois à l'heure" in text
    assert BLANK not in text and "{{" not in text
    rows = [[c.text for c in row.cells] for row in docx.Document(str(result.path)).tables[0].rows]
    assert ["AC-2026", "1", "Tontes", CLAUSE] in rows
    assert ["AC-2026", "2", "Élagage", "350\u00a0h"] in rows


def test_acte_d_engagement_of_a_framework_lot_alone(
    database: Database, framework: Lots, tmp_path: Path
) -> None:
    _contract, lot = framework
    result = write_clause_wording(database, lot_uuid=lot, out_path=tmp_path / "lot.docx",
                                  values=FILLED)  # fmt: skip
    text = docx_text(result.path)
    assert result.complete, (result.unfilled, result.unknown)
    assert f"{CLAUSE} d'insertion (soit un volume proportionnel aux montants facturés)" in text
    assert "Le marché étant exécuté par bons de commande" in text


def test_mixed_contract_totals_its_fixed_hours_plus_the_invoiced_clause(
    database: Database, framework: Lots, tmp_path: Path
) -> None:
    contract, _lot = framework
    result = write_clause_wording(database, contract_uuid=contract,
                                  out_path=tmp_path / "c.docx", values=FILLED)  # fmt: skip
    text = docx_text(result.path)
    assert (f"350\u00a0h, plus {CLAUSE} d'insertion (soit 0,22\u00a0ETP, plus un volume "
            "proportionnel aux montants facturés)") in text  # fmt: skip


def test_an_optional_line_without_value_is_left_out_silently() -> None:
    text = "Avant.\n\n{{?accord_cadre}}\n\nAprès {{?accord_cadre}}."
    empty = render_template(text, {"accord_cadre": ""})
    assert [line.text for line in empty.lines] == ["Avant.", f"Après {BLANK}."]
    assert empty.unfilled == ["accord_cadre"]  # only the one inside a sentence
    alone = render_template("{{?accord_cadre}}", {"accord_cadre": ""})
    assert (alone.lines, alone.unfilled) == ([], [])
    filled = render_template("{{?accord_cadre}}", {"accord_cadre": "Accord-cadre."})
    assert [line.text for line in filled.lines] == ["Accord-cadre."]
