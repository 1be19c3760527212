"""Clause wording DOCX: every legal basis, values from the data, templates users can edit."""

from __future__ import annotations

import uuid
from pathlib import Path

import docx
import pytest

from clauses_app import paths
from clauses_app.models import PublicContract
from clauses_app.reports import ReportError
from clauses_app.reports.clause_wording import BASES, write_clause_wording
from clauses_app.reports.templates import BLANK, TableValue, render_template
from clauses_app.services.settings import UnvalidatedHours
from clauses_app.storage import Database
from tests.reports.dataset import Dataset
from tests.reports.readers import docx_text

FILLED = {"penalite_releve": "150 €", "ponderation_critere": "15 %"}
PIECES = ("règlement de la consultation (RC)", "acte d'engagement (AE)", "Article du CCAP")


@pytest.mark.parametrize("basis", BASES)
def test_every_basis_has_the_three_pieces_all_filled(
    database: Database, dataset: Dataset, tmp_path: Path, basis: str
) -> None:
    result = write_clause_wording(
        database, contract_uuid=dataset.contract_a, basis=basis,
        out_path=tmp_path / f"{basis}.docx", values=FILLED,
    )  # fmt: skip
    assert result.complete, (result.unfilled, result.unknown)
    text = docx_text(result.path)
    for piece in PIECES:
        assert piece in text, piece
    assert basis.split("-")[0] in text  # the article is cited
    assert "{{" not in text and "}}" not in text and BLANK not in text
    assert "clauses@plie-testville.fr" in text  # facilitator contact from the settings
    assert "600\u00a0h" in text and "Gros œuvre" in text  # hours per lot


def test_contract_wording_values(database: Database, dataset: Dataset, tmp_path: Path) -> None:
    result = write_clause_wording(
        database, contract_uuid=dataset.contract_a, out_path=tmp_path / "c.docx",
        penalty_per_hour=None, values=FILLED,
    )  # fmt: skip
    document = docx.Document(str(result.path))
    table = document.tables[0]
    assert [c.text for c in table.rows[-1].cells] == ["Total", "", "", "1\u202f100\u00a0h"]
    text = docx_text(result.path)
    assert "1\u202f100\u00a0h d'insertion (soit 0,68\u00a0ETP)" in text  # 1100 / 1607
    assert "50,00\u00a0€ par heure non réalisée" in text  # the default penalty setting
    assert "globalisées" in text  # contract 2025-001 pools its lots
    assert "Bénéficiaire du RSA" in text and "Embauche directe" in text
    assert "150 € par jour de retard" in text


def test_lot_wording_with_penalty_field(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    from decimal import Decimal

    result = write_clause_wording(
        database, lot_uuid=dataset.lot_b1, out_path=tmp_path / "lot.docx",
        penalty_per_hour=Decimal("75"),
    )  # fmt: skip
    text = docx_text(result.path)
    assert "lot 1 « Espaces verts » du marché 2025-002" in text
    assert "1\u202f200\u00a0h" in text and "lot par lot" in text  # no pooling on 2025-002
    assert "75,00\u00a0€ par heure non réalisée" in text
    # The statement penalty and criterion weight come from the settings' defaults.
    assert "50,00\u00a0€ par jour de retard" in text
    assert result.unfilled == () and result.unknown == ()
    assert "{{" not in text


def test_the_contracts_own_weight_and_statement_penalty_win(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    from decimal import Decimal

    from clauses_app.models import PublicContract

    with database.transaction() as s:
        contract = s.get(PublicContract, dataset.contract_b)
        assert contract is not None
        contract.award_criterion_weight = 25
        contract.statement_penalty_per_day = Decimal("120")
    result = write_clause_wording(
        database, lot_uuid=dataset.lot_b1, basis="L2152-7", out_path=tmp_path / "own.docx",
    )  # fmt: skip
    text = docx_text(result.path)
    assert "pondéré à 25\u00a0%" in text  # not the setting's 10 %
    assert "120,00\u00a0€ par jour de retard" in text  # not the setting's 50 €
    assert result.unfilled == ()


def test_operation_wording_lists_its_lots(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    result = write_clause_wording(
        database, operation_uuid=dataset.operation, out_path=tmp_path / "op.docx", values=FILLED
    )
    text = docx_text(result.path)
    assert "opération « Rénovation quartier Nord »" in text
    assert "Peinture" in text and "Espaces verts" not in text  # 2025-002 is outside it


def test_user_template_overrides_and_unknown_fields_are_reported(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    folder = paths.config_dir() / "templates"
    folder.mkdir(parents=True)
    (folder / "clause-L2112-2.txt").write_text(
        "% a comment never printed\n# Ma clause\nPour {{acheteur}} : {{heures_total}}, "
        "{{champ_inconnu}} et {{penalite_releve}}.\n\n{{tableau_heures}}\n",
        encoding="utf-8",
    )
    result = write_clause_wording(
        database, lot_uuid=dataset.lot_a1, out_path=tmp_path / "u.docx",
        values={"penalite_releve": ""},  # left empty on purpose: reported, never printed raw
    )  # fmt: skip
    assert result.unknown == ("champ_inconnu",) and result.unfilled == ("penalite_releve",)
    text = docx_text(result.path)
    assert "Ma clause" in text and "comment" not in text
    assert f"Pour Ville de Testville : 600\u00a0h, {BLANK} et {BLANK}." in text
    assert "{{" not in text


def test_bad_scope_and_basis(database: Database, dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="Lot inconnu"):
        write_clause_wording(database, lot_uuid=uuid.uuid4(), out_path=tmp_path / "x.docx")
    with pytest.raises(ReportError, match="Fondement"):
        write_clause_wording(
            database, lot_uuid=dataset.lot_a1, basis="ART-14", out_path=tmp_path / "x.docx"
        )
    with pytest.raises(ReportError, match="un seul"):
        write_clause_wording(database, out_path=tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == [tmp_path / "test.sqlite3"]


def test_render_template_rules() -> None:
    table = TableValue(("A", "B"), (("1", "2"),))
    rendered = render_template(
        "# T {{x}}\n## S\nline one\nline two\n\n- {{items}}\n{{items}}\n{{table}}\n"
        "Broken {{x} and {{ x }}\n",
        {"x": "X", "items": ["a", "b"], "table": table},
    )
    kinds = [(line.kind, line.text) for line in rendered.lines]
    assert kinds[:6] == [("h1", "T X"), ("h2", "S"), ("p", "line one line two"),
                         ("bullet", "a, b"), ("bullet", "a"), ("bullet", "b")]  # fmt: skip
    assert rendered.lines[6].table == table
    assert rendered.lines[7].text == "Broken x and X"  # stray braces dropped
    assert rendered.unknown == ["balise mal fermée ({{ ou }} isolé)"]


def test_the_wording_says_what_unvalidated_hours_count_for(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    def wording(name: str) -> str:
        result = write_clause_wording(
            database, contract_uuid=dataset.contract_a, basis="L2112-2",
            out_path=tmp_path / f"{name}.docx", values=FILLED,
        )  # fmt: skip
        return " ".join(docx_text(result.path).split())

    provisional = wording("default")  # the default rule: counted provisionally
    assert (
        "Les heures d'une personne dont l'éligibilité n'a pas encore été validée sont comptées "
        "à titre provisoire, sous réserve de la validation du facilitateur." in provisional
    )
    assert "n'a pas été validée, et celles" not in provisional  # the old, contrary sentence
    with database.transaction() as s:
        contract = s.get(PublicContract, dataset.contract_a)
        assert contract is not None
        contract.rules_override = {"unvalidated_hours": UnvalidatedHours.EXCLUDED}
    excluded = wording("excluded")
    assert (
        "Les heures d'une personne dont l'éligibilité n'a pas été validée avant le début de "
        "son contrat ou de sa mission ne sont pas prises en compte." in excluded
    )
    assert "à titre provisoire" not in excluded
