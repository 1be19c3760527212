"""The anonymized variant of the participant member (consolidation, sharing outside).

A participant becomes a pseudonymous key — a UUID made from an HMAC-SHA-256 of its uuid with a
salt drawn at random for each export and never written — with sex, age band, QPV flag,
qualification level and criteria codes. Names, birth dates, addresses, external ids, notes and
the criteria's evidence are left out. Employments refer to the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections import defaultdict
from datetime import date
from typing import Any

ANONYMIZED_PARTICIPANT_COLUMNS = (
    "uuid",
    "sex",
    "age_band",
    "qpv",
    "qualification_code",
    "criterion_codes",
)
AGE_BANDS = ((26, "<26"), (45, "26-44"), (50, "45-49"), (200, ">=50"))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: date | None, day: date) -> str:
    """Guide §6 bands (< 26, 26–44, 45–49, ≥ 50); empty when the birth date is unknown."""
    if birth is None:
        return ""
    age = age_on(birth, day)
    for ceiling, label in AGE_BANDS:
        if age < ceiling:
            return label
    return AGE_BANDS[-1][1]  # pragma: no cover


class Pseudonymizer:
    """Maps uuids to keys with a salt that lives only as long as this object."""

    def __init__(self) -> None:
        self._salt = secrets.token_bytes(32)

    def key(self, value: uuid.UUID) -> uuid.UUID:
        digest = hmac.new(self._salt, value.bytes, hashlib.sha256).digest()
        return uuid.UUID(bytes=digest[:16], version=4)


def anonymized_participants(
    participants: list[dict[str, Any]],
    criteria: list[tuple[uuid.UUID, str]],
    first_starts: dict[uuid.UUID, date],
    today: date,
    pseudonymizer: Pseudonymizer,
) -> list[list[str]]:
    """Rows of the anonymized participant member, sorted by key.

    The age band is taken at the participant's first employment start in the file (guide
    §6: age at the employment's start), else on the export date.
    """
    codes: dict[uuid.UUID, set[str]] = defaultdict(set)
    for participant_uuid, code in criteria:
        codes[participant_uuid].add(code)
    rows = []
    for p in participants:
        u = p["uuid"]
        rows.append(
            [
                str(pseudonymizer.key(u)),
                p["sex"] or "",
                age_band(p["birth_date"], first_starts.get(u, today)),
                "true" if p["qpv"] else "false",
                p["qualification_code"] or "",
                " ".join(sorted(codes[u])),
            ]
        )
    rows.sort(key=lambda r: r[0])
    return rows
