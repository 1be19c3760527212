"""« Mon portefeuille » / « Tout le territoire » in the lists, on a team's PostgreSQL and on
SQLite (where there is no switch)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from clauses_app.services import records
from clauses_app.services.records.kinds import Kind
from clauses_app.services.records.lists import ListQuery, count_rows, fetch_rows, filter_specs
from clauses_app.storage import Database
from tests import builders as b
from tests.conftest import requires_postgres
from tests.team.conftest import Portfolios, Team


def default_filters(session: Session, kind: str) -> dict[str, object]:
    """What a list page asks first: each filter's first option."""
    return {spec.key: spec.options[0][0] for spec in filter_specs(session, kind)}


def names(session: Session, kind: str, filters: dict[str, object], key: str) -> set[str]:
    rows = fetch_rows(session, kind, ListQuery(filters=filters))
    return {row.values[key] for row in rows}


@requires_postgres
def test_lists_start_on_my_portfolio_and_switch_to_the_territory(
    team: Team, portfolios: Portfolios
) -> None:
    with team.open("a").session() as s:
        scope = filter_specs(s, Kind.AUTHORITY)[0]
        assert scope.label == "Périmètre"
        assert [label for _v, label in scope.options] == ["Mon portefeuille", "Tout le territoire"]
        mine = default_filters(s, Kind.AUTHORITY)
        assert mine["portfolio"] == team.users["a"]
        assert names(s, Kind.AUTHORITY, mine, "name") == {"Ville X"}
        assert names(s, Kind.AUTHORITY, {}, "name") == {"Ville X", "Ville Y"}
        assert names(s, Kind.CONTRACT, default_filters(s, Kind.CONTRACT), "reference") == {"X-1"}
        people = default_filters(s, Kind.PARTICIPANT)
        assert names(s, Kind.PARTICIPANT, people, "last_name") == {"ALPHA", "XAVIER"}
        jobs = default_filters(s, Kind.EMPLOYMENT)
        assert count_rows(s, Kind.EMPLOYMENT, ListQuery(filters=jobs)) == 1
    with team.open("c").session() as s:  # the coordinator is in charge of nothing
        assert (
            count_rows(s, Kind.PARTICIPANT, ListQuery(filters=default_filters(s, Kind.PARTICIPANT)))
            == 0
        )
        assert count_rows(s, Kind.PARTICIPANT, ListQuery()) == 4


def test_no_switch_on_sqlite(database: Database) -> None:
    with database.transaction() as s:
        b.authority(s)
    with database.session() as s:
        for kind in (Kind.AUTHORITY, Kind.PARTICIPANT, Kind.EMPLOYMENT):
            assert "portfolio" not in default_filters(s, kind)


@requires_postgres
def test_another_portfolios_people_stay_out_of_the_lists_and_forms(
    team: Team, portfolios: Portfolios
) -> None:
    """« Tout le territoire » is everything the role may read: facilitator a never meets b's
    people (Bravo, Yvon), in a list or by opening their form from a UUID."""
    with team.open("a").session() as s:
        assert names(s, Kind.PARTICIPANT, {}, "last_name") == {"ALPHA", "XAVIER"}
        employments = fetch_rows(s, Kind.EMPLOYMENT, ListQuery())
        assert [row.values["participant"] for row in employments] == ["XAVIER Léa"]
        with pytest.raises(LookupError, match=r"introuvable .* hors de votre portefeuille"):
            records.load_record(s, Kind.PARTICIPANT, portfolios.p_b)
