"""storage.worker: work started on a worker thread with a session of its own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clauses_app.models import ContractingAuthority
from clauses_app.storage import Database
from clauses_app.storage.worker import BackgroundQuery
from tests import builders as b


def _count(session: Session) -> tuple[int, str]:
    n = session.scalar(select(func.count()).select_from(ContractingAuthority)) or 0
    return n, threading.current_thread().name


def test_work_runs_beside_a_clean_session_and_inline_after_a_write(database: Database) -> None:
    with database.transaction() as s:
        b.authority(s)
    with database.session() as s:
        assert BackgroundQuery(s, _count).result() == (1, "database-worker")
    with database.transaction() as s:
        b.authority(s, "Autre ville")
        s.flush()  # written, not committed: only this session sees it
        assert BackgroundQuery(s, _count).result() == (2, threading.current_thread().name)


def test_an_error_on_the_worker_is_raised_to_the_caller(database: Database) -> None:
    def fails(session: Session) -> None:
        raise ValueError("boom")

    with database.session() as s:
        query = BackgroundQuery(s, fails)
        for _ in range(2):  # asked again, it still fails rather than answering None
            with pytest.raises(ValueError, match="boom"):
                query.result()


def test_the_worker_runs_one_job_at_a_time_most_urgent_first(database: Database) -> None:
    """One worker for all work beside sessions: the session's thread keeps the other core."""
    from clauses_app.storage.worker import DATABASE_WORKER, FIRST, LATER

    ran: list[str] = []
    gate = threading.Event()
    DATABASE_WORKER.submit(FIRST, lambda: gate.wait(5))  # holds the worker while the others queue

    def job(name: str, pause: float = 0.0):  # type: ignore[no-untyped-def]
        def work(session: Session) -> str:
            ran.append(f"{name} starts")
            threading.Event().wait(pause)
            ran.append(f"{name} ends")
            return threading.current_thread().name

        return work

    with database.session() as s:
        later = BackgroundQuery(s, job("later", 0.05), LATER)
        first = BackgroundQuery(s, job("first", 0.05), FIRST)
        gate.set()
        assert (first.result(), later.result()) == ("database-worker", "database-worker")
    assert ran == ["first starts", "first ends", "later starts", "later ends"]


def test_work_asked_from_the_worker_itself_runs_inline(database: Database) -> None:
    """Work beside a session that itself asks for work beside runs it on the spot (queued
    behind itself, it would wait forever)."""
    with database.session() as s:
        nested = BackgroundQuery(s, lambda own: BackgroundQuery(own, _count).result())
        assert nested.result() == (0, "database-worker")


def test_a_job_that_fails_on_its_own_leaves_the_worker_working(database: Database) -> None:
    from clauses_app.storage.worker import DATABASE_WORKER, LATER

    def broken() -> None:
        raise RuntimeError("a job that does not hand its error over")

    DATABASE_WORKER.submit(LATER, broken)
    answers: list[tuple[int, str]] = []

    def ask() -> None:
        with database.session() as s:
            answers.append(BackgroundQuery(s, _count).result())

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(10)  # a dead worker would never answer: fail rather than hang
    assert answers == [(0, "database-worker")]


def test_background_queries_of_the_figures_run_after_their_sums(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queued before the figures start, a count would take the idle worker first and the
    figures' thread would wait for its sums; started background, it comes after them."""
    from datetime import date

    from clauses_app.services.figures import compute_figures
    from clauses_app.services.figures import summed as figures_sums
    from clauses_app.services.periods import Period

    order: list[str] = []
    ask = figures_sums.PeriodSums._ask

    def spied_ask(self):  # type: ignore[no-untyped-def]
        order.append("sums")
        ask(self)

    monkeypatch.setattr(figures_sums.PeriodSums, "_ask", spied_ask)
    with database.transaction() as s:
        authority = b.authority(s)
        award = b.award(s, b.lot(s, b.contract(s, authority)), b.company(s), 100)
        b.month_hours(s, b.employment(s, award, b.participant(s), date(2025, 1, 1)), 2025, 3, 35)

    def counted(session: Session) -> tuple[int, str]:
        order.append("background")
        return _count(session)

    with database.session() as s:
        later = BackgroundQuery(s, counted, start=False)
        assert order == []  # not queued yet
        figures = compute_figures(s, Period.year(2025), background=(later,))
        assert later.result() == (1, "database-worker")
    assert figures.total().hours_done == 35
    assert order == ["sums", "background"]
