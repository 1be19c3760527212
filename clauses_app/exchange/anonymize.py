"""The anonymized variant of an export (consolidation, sharing outside; docs/privacy.md).

Every key that leads to a person — a participant's, an employment's, an hours record's uuid,
and the references to them — becomes a pseudonymous key: a UUID made from an HMAC-SHA-256 of
the kind and the uuid with a secret drawn once per database and kept in it (the ``setting``
row ``pseudonym_secret``, never exported). So two exports of the same database give the same
keys (a corrected re-export replaces the earlier rows in a consolidation) while exports of
two databases share no key, and nobody without the database can go back from a key to a
uuid. A participant keeps only sex, age band, QPV flag, qualification level and criteria
codes. Free text that can carry a name is left out: hours records' source file names, the
notes of authorities and contracts, operations' descriptions, the authorities' contacts and
the companies' contact person.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clauses_app.models import Setting

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


SECRET_SETTING = "pseudonym_secret"
# Columns emptied in an anonymized export: free text that can carry a person's name.
FREE_TEXT_LEFT_OUT = {
    "contracting_authority": ("notes",),
    "operation": ("description",),
    "public_contract": ("notes",),
    "company": ("contact_name", "email", "phone"),
    "hours_record": ("source",),
}
# Members left empty: people other than participants (the authorities' contacts), and the
# criteria (their codes are in the participant member; their evidence is free text).
MEMBERS_LEFT_OUT = ("contact", "participant_criterion")
# uuid columns that lead to a person, per member: each becomes the pseudonymous key of
# the entity it names.
PERSON_KEYS = {
    "participant": {"uuid": "participant"},
    "employment": {"uuid": "employment", "participant_uuid": "participant"},
    "hours_record": {"uuid": "hours_record", "employment_uuid": "employment"},
}


def export_secret(session: Session) -> bytes:
    """The database's pseudonymisation secret, drawn (and added to the caller's transaction)
    the first time; 32 random bytes kept as hex in the ``setting`` table."""
    row = session.get(Setting, SECRET_SETTING)
    if row is not None and isinstance(row.value, str) and len(row.value) == 64:
        return bytes.fromhex(row.value)
    secret = secrets.token_bytes(32)
    if row is None:
        session.add(Setting(key=SECRET_SETTING, value=secret.hex()))
    else:
        row.value = secret.hex()
    session.flush()
    return secret


class Pseudonymizer:
    """Maps (kind, uuid) to a stable key under one database's secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret if secret is not None else secrets.token_bytes(32)

    def key(self, value: uuid.UUID, kind: str = "participant") -> uuid.UUID:
        message = kind.encode("ascii") + b":" + value.bytes
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
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
