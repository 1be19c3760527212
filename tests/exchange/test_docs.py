"""docs/clause-format.md stays the specification of what the code writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from clauses_app.exchange.anonymize import ANONYMIZED_PARTICIPANT_COLUMNS
from clauses_app.exchange.format import SPECS
from clauses_app.exchange.manifest import MANIFEST_SCHEMA

DOC = (Path(__file__).parents[2] / "docs" / "clause-format.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = DOC.index(title)
    following = DOC.find("\n### ", start + 1)
    ending = DOC.find("\n## ", start + 1)
    ends = [e for e in (following, ending) if e != -1]
    return DOC[start : min(ends)]


def test_manifest_schema_is_the_documented_one() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOC, re.S)
    schemas = [json.loads(b) for b in blocks if '"$schema"' in b]
    assert schemas == [MANIFEST_SCHEMA]


def test_every_column_is_documented_with_its_type() -> None:
    for spec in SPECS:
        table = _section(f"### `{spec.member}`")
        documented = re.findall(r"^\| `([a-z_0-9]+)` \| ([^|]+) \| (yes|no) \|", table, re.M)
        assert [name for name, _t, _r in documented] == [c.name for c in spec.columns], spec.name
        for (name, kind, required), column in zip(documented, spec.columns, strict=True):
            assert kind.startswith(column.kind), (spec.name, name)
            assert (required == "yes") == column.required, (spec.name, name)


def test_anonymized_columns_are_documented() -> None:
    table = _section("## 7. Anonymized variant")
    assert re.findall(r"^\| `([a-z_]+)` \|", table, re.M) == list(ANONYMIZED_PARTICIPANT_COLUMNS)
