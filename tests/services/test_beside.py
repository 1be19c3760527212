"""services.beside: work started on a worker thread with a session of its own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clauses_app.models import ContractingAuthority
from clauses_app.services.beside import Beside
from clauses_app.storage import Database
from tests import builders as b


def _count(session: Session) -> tuple[int, str]:
    n = session.scalar(select(func.count()).select_from(ContractingAuthority)) or 0
    return n, threading.current_thread().name


def test_work_runs_beside_a_clean_session_and_inline_after_a_write(database: Database) -> None:
    with database.transaction() as s:
        b.authority(s)
    with database.session() as s:
        assert Beside(s, _count).result() == (1, "beside")
    with database.transaction() as s:
        b.authority(s, "Autre ville")
        s.flush()  # written, not committed: only this session sees it
        assert Beside(s, _count).result() == (2, threading.current_thread().name)


def test_an_error_beside_is_raised_to_the_caller(database: Database) -> None:
    def fails(session: Session) -> None:
        raise ValueError("boom")

    with database.session() as s:
        beside = Beside(s, fails)
        for _ in range(2):  # asked again, it still fails rather than answering None
            with pytest.raises(ValueError, match="boom"):
                beside.result()
