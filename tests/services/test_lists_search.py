"""The employments list's search and parent-column sorts give the same rows as the plain
joined queries they replace (rewritten for speed at national volume), on SQLite and on
PostgreSQL: accents, case, several words, LIKE wildcards, ties, both directions, any page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from clauses_app.models import Award, Company, Employment, Lot, Participant, PublicContract
from clauses_app.services import records
from clauses_app.services.records import Kind, ListQuery, list_specs
from clauses_app.services.records import lists as list_service
from clauses_app.services.records.list_specs import SPECS, Like
from clauses_app.storage import Database
from tests import builders as b
from tests.conftest import requires_postgres

EMPLOYMENTS = SPECS[Kind.EMPLOYMENT]


def reference_search(pattern: str, like: Like) -> ColumnElement[bool]:
    """The search as first written: every award joined to its company, lot and contract."""
    E, W, P = Employment, Award, PublicContract
    return or_(
        E.participant_uuid.in_(
            select(Participant.uuid).where(
                or_(like(Participant.last_name, pattern), like(Participant.first_name, pattern))
            )
        ),
        E.award_uuid.in_(
            select(W.uuid)
            .join(Company, W.company_uuid == Company.uuid)
            .where(like(Company.name, pattern))
        ),
        E.award_uuid.in_(
            select(W.uuid)
            .join(Lot, W.lot_uuid == Lot.uuid)
            .join(P, Lot.contract_uuid == P.uuid)
            .where(like(P.reference, pattern))
        ),
        E.employer_uuid.in_(select(Company.uuid).where(like(Company.name, pattern))),
        like(E.job_title, pattern),
    )


def reference_uuids(session: Session, search: str) -> set[Any]:
    """Employments the reference search finds (words ANDed), with the service's LIKE."""
    like = list_service._like_for(session)
    statement = select(Employment.uuid)
    for word in search.split():
        statement = statement.where(reference_search(f"%{list_service._escape_like(word)}%", like))
    return set(session.scalars(statement))


def build(database: Database) -> dict[str, Any]:
    """Nine employments whose texts differ by accents, case, and where a word appears.

    Named ``jobs[label]``: the participant, then where the other words are.
    """
    with database.transaction() as s:
        lyon = b.authority(s, "Ville de Lyon")
        bron = b.authority(s, "Bron")
        btp = b.company(s, "BTP Rhône")
        martin_sa = b.company(s, "Société Martin Frères")
        etti = b.company(s, "ETTI Éclair")
        school = b.contract(s, lyon, "ÉCOLE-2025")
        roads = b.contract(s, lyon, "VOIRIE_100%")
        gym = b.contract(s, bron, "2024-017")
        on_school = b.award(s, b.lot(s, school), btp, 100)
        on_roads = b.award(s, b.lot(s, roads), martin_sa, 100)
        on_gym = b.award(s, b.lot(s, gym, "2"), btp, 100)
        people = {
            "lea": b.participant(s, "Martin", "Léa"),
            "jean": b.participant(s, "MARTIN", "Jean"),
            "zoe": b.participant(s, "Dupont", "Zoé"),
            "eloise": b.participant(s, "Bernard", "Éloïse"),
            "jm": b.participant(s, "Durand", "Jean-Martin"),
            "eric": b.participant(s, "élie", "éric"),
        }
        start = date(2025, 1, 1)
        rows = [
            ("lea/school", on_school, "lea", {"job_title": "Maçon"}),
            ("jean/roads", on_roads, "jean", {}),
            ("zoe/gym+etti", on_gym, "zoe", {"employer_uuid": etti.uuid}),
            ("eloise/roads", on_roads, "eloise", {"job_title": "peintre"}),
            ("jm/gym", on_gym, "jm", {"job_title": "MAÇON coffreur"}),
            ("eric/school", on_school, "eric", {}),
            ("zoe/school", on_school, "zoe", {"job_title": "agent 50%"}),
            ("lea/gym", on_gym, "lea", {}),
            ("eloise/gym+etti", on_gym, "eloise", {"employer_uuid": etti.uuid}),
        ]
        jobs = {
            label: b.employment(s, award, people[who], start, **extra).uuid
            for label, award, who, extra in rows
        }
    return jobs


SEARCHES = (
    "martin", "MARTIN", "Martin jean", "jean martin", "martin frères", "éloïse", "ÉLOÏSE",
    "eloise", "é", "É", "btp", "rhône", "école", "ÉCOLE-2025", "2025", "maçon", "MAÇON",
    "coffreur maçon", "éclair", "lyon", "%", "100%", "_", "voirie_", "zzz", "  jean   ",
    "dupont btp", "dupont etti", "50%", "\\",
)  # fmt: skip


def assert_same_rows_as_reference(database: Database) -> None:
    with database.session() as s:
        for search in SEARCHES:
            expected = reference_uuids(s, search)
            query = ListQuery(search=search)
            rows = records.fetch_rows(s, Kind.EMPLOYMENT, query, 0, 100)
            total, first = list_service.first_page(s, Kind.EMPLOYMENT, query, 100)
            assert {r.uuid for r in rows} == expected, search
            assert [r.uuid for r in first] == [r.uuid for r in rows], search
            assert total == records.count_rows(s, Kind.EMPLOYMENT, query) == len(expected)


@pytest.mark.parametrize("short_word", [0, 2, 1000], ids=["gathered", "usual", "scanned"])
def test_search_finds_the_same_rows_as_the_joined_query(
    database: Database, monkeypatch: pytest.MonkeyPatch, short_word: int
) -> None:
    # Every word searched both ways: matches gathered (long words) and employments scanned.
    monkeypatch.setattr(list_specs, "SHORT_WORD", short_word)
    jobs = build(database)
    assert_same_rows_as_reference(database)

    def found(search: str) -> set[str]:
        with database.session() as s:
            rows = records.fetch_rows(s, Kind.EMPLOYMENT, ListQuery(search=search), 0, 100)
        names = {uuid: label for label, uuid in jobs.items()}
        return {names[r.uuid] for r in rows}

    # By hand: participant names, the award's company, the employer, the contract reference
    # and the job title; ASCII case ignored, accents kept (as LIKE does); words ANDed.
    martin = {"lea/school", "jean/roads", "eloise/roads", "jm/gym", "lea/gym"}
    assert found("martin") == found("MARTIN") == martin
    assert found("martin jean") == found("jean martin") == {"jean/roads", "jm/gym"}
    assert found("btp") == {"lea/school", "zoe/gym+etti", "jm/gym", "eric/school",
                            "zoe/school", "lea/gym", "eloise/gym+etti"}  # fmt: skip
    assert found("ÉCOLE-2025") == {"lea/school", "eric/school", "zoe/school"}
    assert found("Éclair") == {"zoe/gym+etti", "eloise/gym+etti"}
    assert found("dupont etti") == {"zoe/gym+etti"}
    assert found("coffreur MAÇON") == {"jm/gym"}
    assert found("100%") == {"jean/roads", "eloise/roads"}  # "%" is a character, not "any"
    assert found("50%") == {"zoe/school"}
    assert found("lyon") == set()  # the authority is shown, not searched
    assert found("eloise") == set()  # accents are not folded


def test_first_page_counts_and_reads_in_one_pass(database: Database) -> None:
    jobs = build(database)
    with database.session() as s:
        total, rows = list_service.first_page(
            s, Kind.EMPLOYMENT, ListQuery(search="btp", sort_key="participant"), 3
        )
        empty_total, empty = list_service.first_page(s, Kind.EMPLOYMENT, ListQuery(search="zzz"), 3)
        all_total, _rows = list_service.first_page(s, Kind.EMPLOYMENT, ListQuery(), 3)
    assert total == 7 and empty_total == 0 and empty == [] and all_total == len(jobs) == 9
    # Sorted on the participant's "LAST First", ignoring case: Bernard, Dupont ×2.
    assert [r.values["participant"] for r in rows] == [
        "BERNARD Éloïse", "DUPONT Zoé", "DUPONT Zoé",
    ]  # fmt: skip
    assert rows[0].uuid == jobs["eloise/gym+etti"]


def build_for_sorts(database: Database) -> None:
    """102 employments: 31 sort values at each end with one or two employments each, two in
    the middle ("Mid", "MID": one value, case ignored) with thirty each, so that a page's
    walk takes one batch of sort values or several, in either direction. Each group has its
    own authority, contract reference, company and participant, all named alike."""
    sparse = [f"A{i:02d}" for i in range(1, 16)] + ["a07"] + [f"Z{i:02d}" for i in range(1, 16)]
    groups = [(name, 2 if number % 3 == 0 else 1) for number, name in enumerate(sparse)]
    number = 0
    with database.transaction() as s:
        for name, count in [*groups, ("Mid", 30), ("MID", 30)]:
            contract = b.contract(s, b.authority(s, name), name)
            award = b.award(s, b.lot(s, contract, str(len(name))), b.company(s, name), 10)
            person = b.participant(s, name, "Jean")
            for _ in range(count):  # 4 in 5 ended
                ended = date(2099 if number % 5 == 0 else 2020, 1, 1)
                b.employment(s, award, person, date(2019, 1, 1 + number % 28), ended)
                number += 1


def assert_walks_match_plain_sort(database: Database) -> None:
    with database.session() as s:
        for key in EMPLOYMENTS.sort_walks:
            for descending in (False, True):
                for filters in ({}, {"status": "ended"}):
                    query = ListQuery(filters=filters, sort_key=key, descending=descending)
                    plain = list(s.scalars(list_service._keys_statement(s, EMPLOYMENTS, query)))
                    for offset, limit in ((0, 7), (7, 7), (20, 25), (55, 10), (90, 20)):
                        walked = list_service.walk_page_keys(s, EMPLOYMENTS, query, offset, limit)
                        expected = plain[offset : offset + limit]
                        if walked is not None:
                            assert walked == expected, (key, descending, filters, offset)
                        page = records.fetch_rows(s, Kind.EMPLOYMENT, query, offset, limit)
                        assert [r.uuid for r in page] == expected, (key, descending, offset)
        # The first pages of the whole list are walked (they would not be for a search).
        query = ListQuery(sort_key="authority")
        assert list_service.walk_page_keys(s, EMPLOYMENTS, query, 0, 7) is not None
        searched = ListQuery(search="roux", sort_key="authority")
        assert list_service.walk_page_keys(s, EMPLOYMENTS, searched, 0, 7) is None


def test_parent_sorts_walk_the_same_rows_as_the_joined_sort(database: Database) -> None:
    build_for_sorts(database)
    assert_walks_match_plain_sort(database)
    with database.session() as s:
        ended = records.count_rows(s, Kind.EMPLOYMENT, ListQuery(filters={"status": "ended"}))
        rows = records.fetch_rows(
            s, Kind.EMPLOYMENT, ListQuery(sort_key="authority", descending=True), 0, 200
        )
    names = [r.values["authority"] for r in rows]
    assert ended == 81 and len(names) == 102
    # Z15 … Z01 (20 jobs), then "Mid" and "MID" (one value: case ignored), then A15 … A08
    # (10 jobs), "A07" and "a07" together, A06 … A01; every third group has two jobs.
    assert names[:3] == ["Z15", "Z15", "Z14"] and names[-3:] == ["A02", "A01", "A01"]
    assert {n.lower() for n in names[20:80]} == {"mid"} and names[80] == "A15"
    assert {n.lower() for n in names[90:94]} == {"a07"} and len(set(names[90:94])) == 2


@requires_postgres
def test_search_and_sorts_on_postgresql(
    pg_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(pg_database)
    for short_word in (0, 1000):
        monkeypatch.setattr(list_specs, "SHORT_WORD", short_word)
        assert_same_rows_as_reference(pg_database)
    with pg_database.session() as s:
        # PostgreSQL's ILIKE also folds the case of accented letters; the search follows it.
        found = records.count_rows(s, Kind.EMPLOYMENT, ListQuery(search="ÉLOÏSE"))
        assert found == len(reference_uuids(s, "éloïse")) == 2
    build_for_sorts(pg_database)
    assert_walks_match_plain_sort(pg_database)
    with pg_database.session() as s:
        assert records.count_rows(s, Kind.EMPLOYMENT, ListQuery()) == 9 + 102


def test_an_export_reads_the_same_rows_in_the_same_order_as_the_pages(
    database: Database,
) -> None:
    """all_rows (one streamed query, for exports) = the list's pages one after the other,
    whatever the search and the sort, ties included."""
    build(database)
    build_for_sorts(database)
    with database.session() as s:
        for query in (
            ListQuery(),
            ListQuery(search="btp"),
            ListQuery(sort_key="company", descending=True),
            ListQuery(sort_key="participant"),
        ):
            total = records.count_rows(s, Kind.EMPLOYMENT, query)
            pages = [
                row
                for offset in range(0, total, 7)
                for row in records.fetch_rows(s, Kind.EMPLOYMENT, query, offset, 7)
            ]
            streamed = [
                row
                for batch in list_service.all_rows(s, Kind.EMPLOYMENT, query, 10)
                for row in batch
            ]
            assert len(streamed) == total > 0
            assert [(r.uuid, r.values) for r in streamed] == [(r.uuid, r.values) for r in pages]
