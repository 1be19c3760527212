"""Random valid databases survive export → import → export (hypothesis)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.periods import Period, last_day
from tests import builders as b
from tests.exchange.helpers import members, stats

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25
)
NAME = TEXT.filter(lambda s: s.strip() != "")
HOURS = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False)
DAY = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))

EMPLOYMENT = st.fixed_dictionaries(
    {
        "start": DAY,
        "days": st.none() | st.integers(0, 400),
        "type": st.sampled_from(["CDI", "CDD", "MISSION_ETTI", "CDDI"]),
        "modality": st.sampled_from(["EMBAUCHE", "MAD", "SOUS_TRAITANCE"]),
        "months": st.lists(st.tuples(st.integers(0, 11), HOURS, HOURS), max_size=3),
        "total": st.none() | HOURS,
        "transferred": st.booleans(),
        "invoiced": st.none() | HOURS,
    }
)
LOT = st.fixed_dictionaries(
    {
        "title": NAME,
        "required": st.none() | HOURS,
        "share": st.none() | st.decimals(0, 100, places=4, allow_nan=False),
        "companies": st.lists(
            st.tuples(st.integers(0, 2), st.none() | HOURS), min_size=1, max_size=2
        ),
        "employments": st.lists(st.tuples(st.integers(0, 2), EMPLOYMENT), max_size=3),
    }
)
CONTRACT = st.fixed_dictionaries(
    {
        "reference": NAME,
        "object": TEXT,
        "start": st.none() | DAY,
        "notes": st.none() | TEXT,
        "pooling": st.sampled_from(["NONE", "CONTRACT"]),
        "override": st.none() | st.just({"cdi_cap_months": 6}),
        "lots": st.lists(LOT, min_size=1, max_size=2),
    }
)
DATABASE = st.fixed_dictionaries(
    {
        "authorities": st.lists(
            st.tuples(NAME, st.none() | TEXT, st.lists(CONTRACT, max_size=2)),
            min_size=1,
            max_size=2,
        ),
        "companies": st.lists(NAME, min_size=3, max_size=3),
        "people": st.lists(
            st.tuples(
                NAME, NAME, st.none() | DAY, st.sampled_from([None, "F", "M"]), st.booleans()
            ),
            min_size=3,
            max_size=3,
        ),
    }
)


def _fill(database: Any, data: dict[str, Any]) -> None:
    with database.transaction() as s:
        companies = [b.company(s, name) for name in data["companies"]]
        people = [
            b.participant(s, last, first, birth_date=birth, sex=sex, qpv=qpv)
            for last, first, birth, sex, qpv in data["people"]
        ]
        for person in people[:2]:
            b.criterion(s, person, "BRSA", evidence="pièce, « jointe »\n")
        for name, notes, contracts in data["authorities"]:
            authority = b.authority(s, name, notes=notes)
            for n, c in enumerate(contracts):
                end = c["start"] + timedelta(days=300) if c["start"] else None
                contract = b.contract(
                    s, authority, f"{c['reference']}-{n}", object=c["object"],
                    start_date=c["start"], end_date=end, notes=c["notes"],
                    pooling_scope=c["pooling"], rules_override=c["override"],
                )  # fmt: skip
                for number, spec in enumerate(c["lots"]):
                    _lot(s, contract, number, spec, companies, people)


def _lot(
    s: Any,
    contract: Any,
    number: int,
    spec: dict[str, Any],
    companies: list[Any],
    people: list[Any],
) -> None:
    lot = b.lot(
        s, contract, str(number + 1), title=spec["title"], required_hours=spec["required"],
        labour_share=spec["share"],
    )  # fmt: skip
    awards = {}
    for index, required in spec["companies"]:
        if index not in awards:
            awards[index] = b.award(s, lot, companies[index], required)
    first = next(iter(awards.values()))
    for person, e in spec["employments"]:
        end = e["start"] + timedelta(days=e["days"]) if e["days"] is not None else None
        employment = b.employment(
            s, first, people[person], e["start"], end, contract_type_code=e["type"],
            modality_code=e["modality"], transferred_staff=e["transferred"],
            invoiced_amount=e["invoiced"],
        )  # fmt: skip
        seen = set()
        for offset, worked, training in e["months"]:
            year, month = divmod(e["start"].year * 12 + e["start"].month - 1 + offset, 12)
            if (year, month) not in seen:
                seen.add((year, month))
                b.month_hours(s, employment, year, month + 1, worked, training)
        if e["total"] is not None:
            b.total_hours(
                s, employment, e["start"], last_day((e["start"].year, e["start"].month)), e["total"]
            )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=DATABASE)
def test_random_databases_survive_the_round_trip(
    data: dict[str, Any], tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    template = _template(tmp_path_factory)
    shutil.copy(template, folder / "a.sqlite3")
    shutil.copy(template, folder / "b.sqlite3")
    source = open_app_database(str(folder / "a.sqlite3"))
    target = open_app_database(str(folder / "b.sqlite3"))
    try:
        _fill(source, data)
        first = export_clause_file(source, folder / "a.clause").path
        result = import_clause_file(target, first)
        assert result.ok, [str(e) for e in result.errors]
        second = export_clause_file(target, folder / "b.clause").path
        a, b_ = members(first), members(second)
        assert {k: v for k, v in a.items() if k != "manifest.json"} == {
            k: v for k, v in b_.items() if k != "manifest.json"
        }
        for period in (None, Period.year(2025)):
            assert stats(source, period=period) == stats(target, period=period)
        again = import_clause_file(target, first)
        assert again.total("new") == again.total("updated") == again.total("conflicts") == 0
    finally:
        source.dispose()
        target.dispose()


_TEMPLATE: list[Path] = []


def _template(factory: Any) -> Path:
    """A migrated database with reference rows, copied for each example (migrating is slow)."""
    if not _TEMPLATE:
        path = factory.mktemp("template") / "t.sqlite3"
        open_app_database(str(path)).dispose()
        _TEMPLATE.append(path)
    return _TEMPLATE[0]
