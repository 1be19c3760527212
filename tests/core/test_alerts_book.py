"""The alert book: counts at once, messages worded only for the pages read, every alert
reachable page by page; collect_alerts cancelled between its steps."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from clauses_app.services.alerts import (
    AlertBook,
    AlertKind,
    AlertRecord,
    collect_alerts,
    compute_alerts,
)
from clauses_app.services.alerts.book import PendingAlert
from clauses_app.services.alerts.collect import STEPS
from clauses_app.services.periods import Period
from clauses_app.services.progress import Cancelled
from tests import builders as b

worded: list[int] = []


def _words(number: int) -> str:
    worded.append(number)
    return f"alerte {number}."


def _pending(kind: str, number: int, due: date | None, lead: str) -> PendingAlert:
    return PendingAlert(kind, AlertRecord.AWARD, uuid.uuid4(), due, lead, _words, (number,))


@pytest.fixture
def book() -> AlertBook:
    """3 behind schedule (one with no due date), 2 contracts ending, given out of order."""
    worded.clear()
    return AlertBook(
        [
            _pending(AlertKind.BEHIND_SCHEDULE, 1, None, "A : "),
            _pending(AlertKind.BEHIND_SCHEDULE, 2, date(2025, 3, 1), "B : "),
            _pending(AlertKind.CONTRACT_ENDING, 3, date(2025, 9, 1), "Marché Z : "),
            _pending(AlertKind.BEHIND_SCHEDULE, 4, date(2025, 3, 1), "A : "),
            _pending(AlertKind.CONTRACT_ENDING, 5, date(2025, 8, 1), "Marché Y : "),
        ]
    )


def test_counts_cost_no_wording(book: AlertBook) -> None:
    assert book.counts() == {
        AlertKind.CONTRACT_ENDING: 2,
        AlertKind.ELIGIBILITY_EXPIRING: 0,
        AlertKind.ELIGIBILITY_UNVALIDATED: 0,
        AlertKind.LOT_UNAWARDED: 0,
        AlertKind.BEHIND_SCHEDULE: 3,
        AlertKind.MISSING_STATEMENT: 0,
        AlertKind.OUTCOME_MISSING: 0,
        AlertKind.SOCIAL_CONSIDERATION_MISSING: 0,
        AlertKind.INVOICED_AMOUNTS_MISSING: 0,
    }
    assert (len(book), book.count(AlertKind.BEHIND_SCHEDULE)) == (5, 3)
    assert [p.args[0] for p in book.pending()] == [5, 3, 4, 2, 1]
    assert worded == []


def test_kinds_in_order_then_due_date_then_name(book: AlertBook) -> None:
    # contracts ending first (08/01 before 09/01); behind schedule: 03/01 "A" then "B", no date last
    assert [a.message for a in book.alerts()] == [
        "Marché Y : alerte 5.",
        "Marché Z : alerte 3.",
        "A : alerte 4.",
        "B : alerte 2.",
        "A : alerte 1.",
    ]


def test_pages_word_only_what_they_return(book: AlertBook) -> None:
    # a page across the boundary between two kinds
    assert [a.message for a in book.page(None, 1, 2)] == ["Marché Z : alerte 3.", "A : alerte 4."]
    assert sorted(worded) == [3, 4]
    assert [a.message for a in book.page(AlertKind.BEHIND_SCHEDULE, 2, 10)] == ["A : alerte 1."]
    assert book.page(None, 5, 10) == [] and book.page(AlertKind.OUTCOME_MISSING) == []
    summary = book.first(1)
    assert [a.message for a in summary[AlertKind.BEHIND_SCHEDULE]] == ["A : alerte 4."]
    assert summary[AlertKind.MISSING_STATEMENT] == []


def test_every_alert_reachable_page_by_page(book: AlertBook) -> None:
    pages = [book.page(None, offset, 2) for offset in range(0, len(book), 2)]
    assert [a for page in pages for a in page] == book.alerts()
    alert = book.alerts()[0]
    assert (alert.kind, alert.title, alert.due) == (
        AlertKind.CONTRACT_ENDING, "Marché bientôt terminé", date(2025, 8, 1),
    )  # fmt: skip


@pytest.fixture
def behind(session):  # type: ignore[no-untyped-def]
    """Two awards of 600 h over 2025 with nothing done: two awards behind on 30 June."""
    auth = b.authority(session)
    con = b.contract(session, auth, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    for number, name in (("1", "SARL Une"), ("2", "SARL Deux")):
        b.award(session, b.lot(session, con, number), b.company(session, name), 600)
    session.commit()


def test_compute_alerts_words_the_whole_book(session, behind) -> None:  # type: ignore[no-untyped-def]
    today, year = date(2025, 6, 30), Period.year(2025)
    book = collect_alerts(session, today, year)
    assert book.count(AlertKind.BEHIND_SCHEDULE) == 2
    assert book.alerts() == compute_alerts(session, today, year)
    assert [a.message.split(" — ")[0] for a in book.alerts()] == ["SARL Deux", "SARL Une"]


def test_collect_alerts_reports_its_steps_and_stops_when_cancelled(session, behind) -> None:  # type: ignore[no-untyped-def]
    steps: list[tuple[int, int]] = []
    collect_alerts(session, date(2025, 6, 30), progress=lambda d, t, m="": steps.append((d, t)))
    assert steps == [(step, STEPS) for step in range(STEPS + 1)]

    def cancel_at_step_two(done: int, total: int, message: str = "") -> None:
        if done == 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        collect_alerts(session, date(2025, 6, 30), progress=cancel_at_step_two)


def test_an_alert_with_stored_ids_makes_its_uuids_when_read() -> None:
    """Ids kept as SQLite and PostgreSQL store them become the same UUIDs, made once, when
    the alert is read (or worded); an alert given UUIDs keeps them as they are."""
    from clauses_app.services.figures.awards import UuidCache

    record, contract = uuid.uuid4(), uuid.uuid4()
    for stored in (lambda u: u.hex, str):
        uuids = UuidCache()
        item = PendingAlert(AlertKind.BEHIND_SCHEDULE, AlertRecord.AWARD, stored(record), None,
                            "A : ", _words, (1,), stored(contract), uuids)  # fmt: skip
        assert len(uuids) == 1  # nothing made yet (the cache knows only None)
        alert = item.worded()
        assert (alert.record_uuid, alert.contract_uuid) == (record, contract)
        assert item.record_uuid is alert.record_uuid  # made once
    given = PendingAlert(AlertKind.LOT_UNAWARDED, AlertRecord.LOT, record, None, "L : ",
                         _words, (2,))  # fmt: skip
    assert (given.record_uuid, given.contract_uuid) == (record, None)
