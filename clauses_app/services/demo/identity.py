"""Identifiers and names for demo data: seeded UUIDs, valid SIRETs, Faker name pools.

Faker is slow per call, so names and streets are drawn once into pools and then picked with
the generator's own random stream. Everything derives from the seed: same seed, same rows.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta

from faker import Faker
from stdnum import luhn

# La Poste's SIREN follows another checksum rule: never generate it.
_LA_POSTE_SIREN = "356000000"


class Ids:
    """UUID version 4 values drawn from their own seeded stream."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"clauses-demo-uuid:{seed}")

    def new(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)


def demo_timestamp(seed: int) -> datetime:
    """The created/updated time of every demo row: fixed for a seed, never the clock."""
    return datetime(2026, 1, 5, 8, 0, tzinfo=UTC) + timedelta(minutes=seed % 600)


class Sirets:
    """Unique 14-digit SIRETs whose SIREN (9 digits) and whole number pass the Luhn check."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def new(self, prefix: str = "") -> str:
        while True:
            body = prefix + "".join(str(self._rng.randrange(10)) for _ in range(8 - len(prefix)))
            siren = body + luhn.calc_check_digit(body)
            if siren == _LA_POSTE_SIREN or siren[0] == "0":
                continue
            nic = f"{self._rng.randrange(1, 60):04d}"
            siret = siren + nic + luhn.calc_check_digit(siren + nic)
            if siret not in self._seen:
                self._seen.add(siret)
                return siret


class NamePools:
    """French first names, family names and street names from Faker ``fr_FR``, seeded."""

    def __init__(self, seed: int, size: int = 600) -> None:
        fake = Faker("fr_FR")
        fake.seed_instance(seed)
        self.last_names = sorted({fake.last_name() for _ in range(size * 2)})
        self.female_names = sorted({fake.first_name_female() for _ in range(size)})
        self.male_names = sorted({fake.first_name_male() for _ in range(size)})
        self.streets = sorted({fake.street_name() for _ in range(size * 2)})


def slug(text: str) -> str:
    """ASCII lower-case words joined by dashes, for e-mail addresses and domains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c.lower() if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)


def domain(name: str, limit: int = 40) -> str:
    """An internet domain made of the name's first whole words: « ville-de-lyon.fr »."""
    kept: list[str] = []
    for word in slug(name).split("-"):
        if kept and len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return "-".join(kept)[:limit] + ".fr"


def phone(rng: random.Random, area: str) -> str:
    """A French landline number of the region's area (« 04 72 15 30 41 »)."""
    pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(4))
    return f"0{area} {pairs}"


def street_address(rng: random.Random, pools: NamePools) -> str:
    return f"{rng.randrange(1, 120)} {rng.choice(pools.streets)}"
