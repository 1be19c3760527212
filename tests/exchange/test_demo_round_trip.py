"""Round trip of the facilitator demo data (services.demo): the realistic case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.models import ContractingAuthority, Participant
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.demo import generate_demo
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint, members, stats


@pytest.fixture
def demo(database: Database) -> Database:
    generate_demo(database, size="facilitator", seed=11)
    return database


def test_facilitator_demo_round_trip(demo: Database, tmp_path: Path) -> None:
    first = export_clause_file(demo, tmp_path / "demo.clause").path
    rows = {m["entity"]: m["rows"] for m in json.loads(members(first)["manifest.json"])["members"]}
    assert rows["employment"] == 200 and rows["participant"] == 150
    target = open_app_database(str(tmp_path / "target.sqlite3"))
    try:
        result = import_clause_file(target, first)
        assert result.ok and result.count("hours_record").new == rows["hours_record"]
        second = export_clause_file(target, tmp_path / "again.clause").path
        a, b = members(first), members(second)
        assert [n for n in a if a[n] != b[n]] == ["manifest.json"]
        with demo.session() as s:
            authorities = list(s.scalars(select(ContractingAuthority.uuid)))
        for period in (None, Period.year(2024), Period.year(2025), Period.year(2026)):
            assert stats(demo, period=period) == stats(target, period=period)
        for authority in authorities:
            assert stats(demo, authority_uuid=authority) == stats(target, authority_uuid=authority)
        before = fingerprint(target)
        again = import_clause_file(target, first)
        assert again.total("unchanged") == sum(rows.values()) and fingerprint(target) == before
    finally:
        target.dispose()


def test_anonymized_demo_names_nobody(demo: Database, tmp_path: Path) -> None:
    content = members(export_clause_file(demo, tmp_path / "anon.clause", anonymize=True).path)
    text = b"".join(content.values()).decode()
    with demo.session() as s:
        people = s.execute(select(Participant.last_name, Participant.birth_date)).all()
    assert len(people) == 150
    for last_name, birth in people:
        assert f",{last_name}," not in text and (birth is None or birth.isoformat() not in text)
