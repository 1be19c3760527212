"""A long task cancelled through run_task leaves the database as it was."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from clauses_app.models import ContractingAuthority
from clauses_app.services.progress import CancelFlag
from clauses_app.storage import Database
from clauses_app.ui.tasks import run_task, running_tasks, stop_running_tasks


def test_cancelled_task_leaves_the_database_unchanged(qtbot: Any, database: Database) -> None:
    halfway = threading.Event()
    go_on = threading.Event()

    def create_authorities(db: Database, progress: CancelFlag) -> int:
        with db.transaction() as session:
            for number in range(100):
                session.add(ContractingAuthority(name=f"Commune {number}"))
                session.flush()
                progress(number, 100, f"Commune {number}")
                if number == 50:
                    halfway.set()
                    go_on.wait(10)  # the user presses Cancel here
        return 100

    task = run_task(None, "Création", database, create_authorities, show_progress=False)
    qtbot.waitUntil(halfway.is_set)
    task.cancel()
    go_on.set()
    qtbot.waitUntil(lambda: task.was_cancelled)
    assert task.result is None
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ContractingAuthority)) == 0


def test_stopping_at_exit_cancels_and_waits_for_every_task(qtbot: Any, database: Database) -> None:
    """At exit (after the event loop) running tasks are cancelled and waited for, so that no
    QThread is destroyed while running and the database is disposed after its last user."""
    started = threading.Event()

    def endless(db: Database, progress: CancelFlag) -> None:
        with db.transaction() as session:
            session.add(ContractingAuthority(name="Jamais"))
            started.set()
            while True:  # until Cancel: progress() raises Cancelled
                progress(0, 0, "")
                threading.Event().wait(0.01)

    tasks = [run_task(None, "Sans fin", database, endless, show_progress=False) for _ in range(2)]
    qtbot.waitUntil(started.is_set)
    assert stop_running_tasks(timeout_s=10)
    assert not running_tasks()
    assert all(task.was_cancelled and not task.is_running for task in tasks)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ContractingAuthority)) == 0
