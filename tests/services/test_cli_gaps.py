"""The retention hold's own rules (services/privacy.py), for the window and the command line
alike: a hold ends today or later, and says why."""

from __future__ import annotations

from datetime import date

import pytest

from clauses_app.services import privacy
from clauses_app.storage import Database
from tests import builders as b

TODAY = date(2026, 12, 6)


def test_a_hold_ending_in_the_past_is_refused(database: Database) -> None:
    with database.transaction() as s:
        person = b.participant(s).uuid
    with pytest.raises(privacy.RetentionHoldError) as refused, database.transaction() as s:
        privacy.set_retention_hold(s, person, date(2026, 12, 5), "Contrôle FSE", today=TODAY)
    assert str(refused.value) == (
        "La date de fin de conservation (05/12/2026) est passée : choisissez le 06/12/2026 "
        "ou une date plus lointaine."
    )
    with database.session() as s:
        assert privacy.retention_holds(s) == {}


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_hold_without_a_reason_is_refused(database: Database, reason: str) -> None:
    with database.transaction() as s:
        person = b.participant(s).uuid
    refused = pytest.raises(privacy.RetentionHoldError, match="Indiquez le motif")
    with refused, database.transaction() as s:
        privacy.set_retention_hold(s, person, date(2031, 12, 31), reason, today=TODAY)
    with database.session() as s:
        assert privacy.retention_holds(s) == {}


def test_a_hold_until_today_with_a_reason_is_kept_and_can_be_lifted(database: Database) -> None:
    with database.transaction() as s:
        person = b.participant(s).uuid
    with database.transaction() as s:
        privacy.set_retention_hold(s, person, TODAY, "Contrôle FSE 2021-2027", today=TODAY)
    with database.session() as s:
        assert privacy.retention_holds(s) == {
            person: {"until": "2026-12-06", "reason": "Contrôle FSE 2021-2027"}
        }
    with database.transaction() as s:
        privacy.set_retention_hold(s, person, None)  # lifting needs no date nor reason
    with database.session() as s:
        assert privacy.retention_holds(s) == {}
