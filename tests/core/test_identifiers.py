"""SIRET rule shared by forms and imports (guide §2: 14 digits, Luhn checksum)."""

from __future__ import annotations

import pytest

from clauses_app.services.identifiers import is_valid_siret
from clauses_app.services.records.validation import siret_message


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",  # a real SIRET (INSEE example), SIREN and SIRET checksums both valid
        "34167211068405",  # the shared samples' SARL Bâti Ouest: 14-digit checksum only
        "41840494836695",
        "38854214304434",
    ],
)
def test_valid(siret: str) -> None:
    assert is_valid_siret(siret)
    assert siret_message(siret) is None
    assert siret_message(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}") is None


@pytest.mark.parametrize("siret", ["73282932000075", "1234567890123", "7328293200007A", ""])
def test_invalid(siret: str) -> None:
    assert not is_valid_siret(siret)


def test_messages_say_why() -> None:
    assert siret_message("123") == "Un SIRET compte 14 chiffres."
    assert siret_message("73282932000075") == (
        "SIRET invalide : la clé de contrôle ne correspond pas."
    )
