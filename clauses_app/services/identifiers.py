"""French company identifiers: one rule for the forms, the imports and the demo data."""

from __future__ import annotations

from stdnum import luhn
from stdnum.fr import siret as stdnum_siret


def is_valid_siret(text: str) -> bool:
    """14 digits whose Luhn checksum is right (guide §2).

    python-stdnum also requires the SIREN part (first 9 digits) to pass its own checksum, and
    knows La Poste's exception; a few real identifiers (and the invented ones of the shared
    samples) only pass the 14-digit checksum, which is the rule the guide states: accepted.
    """
    if not (len(text) == 14 and text.isdigit()):
        return False
    return stdnum_siret.is_valid(text) or luhn.is_valid(text)
