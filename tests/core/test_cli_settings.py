"""``clauses settings show|set``: the settings of Paramètres ▸ Calculs from the command line,
the wording's weight and statement penalty among them; a refused value saves nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from clauses_app.cli import main
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database


def _run(database: Database, *args: str) -> int:
    return main(["--db", str(database.engine.url), "settings", *args])


def test_show_then_set_the_wording_settings(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(database, "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["default_award_criterion_weight"], shown["default_statement_penalty_per_day"],
            shown["counting.cdi_cap_months"], shown["counting.training_counted"]) == (
        10, "50", None, True,
    )  # fmt: skip
    assert _run(database, "set", "default_award_criterion_weight", "15") == 0
    assert capsys.readouterr().out == "Pondération du critère d'insertion (%) : 15.\n"
    assert _run(database, "set", "default_statement_penalty_per_day", "75,5") == 0
    assert _run(database, "set", "counting.cdi_cap_months", "12") == 0
    assert _run(database, "set", "counting.training_counted", "non") == 0
    assert _run(database, "set", "rounding_mode", "half_even") == 0
    with database.session() as s:
        settings = load_settings(s)
    assert settings.default_award_criterion_weight == 15
    assert settings.default_statement_penalty_per_day == Decimal("75.50")
    assert (settings.counting.cdi_cap_months, settings.counting.training_counted) == (12, False)
    assert settings.rounding_mode == "HALF_EVEN"
    assert _run(database, "set", "counting.cdi_cap_months", "aucun") == 0
    with database.session() as s:
        assert load_settings(s).counting.cdi_cap_months is None
    assert _run(database, "show") == 0
    assert "default_award_criterion_weight = 15    (Pondération" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("default_award_criterion_weight", "150",
         "Pondération du critère d'insertion (%) : la valeur doit être comprise entre 0 et 100 "
         "(« 150 »). Rien n'a été enregistré."),
        ("default_statement_penalty_per_day", "-5",
         "Pénalité par jour de retard d'un relevé (€) : la valeur doit être comprise entre 0 "
         "et 100000 (« -5 »). Rien n'a été enregistré."),
        ("etp_basis", "1607,5",
         "Base d'un ETP (h par an) : un nombre entier est attendu (« 1607,5 »). Rien n'a été "
         "enregistré."),
        ("rounding_mode", "UP",
         "Arrondi des heures exigées : « UP » n'est pas une valeur admise (HALF_UP, "
         "HALF_EVEN). Rien n'a été enregistré."),
        ("counting.training_counted", "peut-être",
         "Comptabiliser les heures de formation : répondez oui ou non (« peut-être »). Rien "
         "n'a été enregistré."),
    ],
)  # fmt: skip
def test_a_refused_value_saves_nothing(
    database: Database, capsys: pytest.CaptureFixture[str], name: str, value: str, message: str
) -> None:
    assert _run(database, "set", name, value) == 2
    assert capsys.readouterr().err == f"clauses: {message}\n"
    with database.session() as s:
        assert load_settings(s) == load_settings(s).__class__()  # the defaults, untouched


def test_an_unknown_setting_lists_the_names(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(database, "set", "ponderation", "15") == 2
    err = capsys.readouterr().err
    assert err.startswith("clauses: Réglage inconnu : « ponderation ». Réglages : etp_basis,")
