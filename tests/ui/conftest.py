"""Fixtures of the window tests: an AppContext on a fresh database, and answers to the
QMessageBox static calls (what the user clicks), recorded with their text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog nobody answers would hang the suite: unexpected questions get the safe answer
    (No, Discard at teardown) and error boxes return at once. ``message_boxes`` overrides."""

    def safe_answer(parent: Any, title: str, text: str, buttons: Any = None, *a: Any) -> Any:
        if buttons is not None and buttons & QMessageBox.StandardButton.Discard:
            return QMessageBox.StandardButton.Discard
        return QMessageBox.StandardButton.No

    def ok(*args: Any, **kwargs: Any) -> Any:
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", staticmethod(safe_answer))
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(ok))
    monkeypatch.setattr("clauses_app.ui.errors.present_dialog", lambda box: 0)


@pytest.fixture(autouse=True)
def tasks_end_before_widgets(qtbot: Any) -> Iterator[None]:
    """Background tasks still running when a test ends (a list's figures, a dashboard's
    alerts) are stopped before pytest-qt deletes the test's widgets: a task's thread deleted
    with its page while it runs aborts the process. (The window does the same in
    ``MainWindow.detach`` before its pages go.)"""
    yield
    from clauses_app.ui.tasks import stop_running_tasks

    assert stop_running_tasks(timeout_s=60), "background tasks still running"


@pytest.fixture
def app_context(qapp: Any, database: Database) -> Iterator[AppContext]:
    context = AppContext(database)
    yield context
    context.deleteLater()


@dataclass
class MessageBoxes:
    """Answers the next QMessageBox questions and records every box shown."""

    answers: list[QMessageBox.StandardButton] = field(default_factory=list)
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)

    def _ask(self, kind: str, title: str, text: str) -> QMessageBox.StandardButton:
        self.shown.append((kind, title, text))
        if not self.answers:
            raise AssertionError(f"unexpected question: {title} — {text}")
        return self.answers.pop(0)

    def texts(self) -> list[str]:
        return [text for _kind, _title, text in self.shown]


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()

    def question(parent: Any, title: str, text: str, *args: Any) -> Any:
        return boxes._ask("question", title, text)

    def note(kind: str) -> Any:
        def show(parent: Any, title: str, text: str, *args: Any) -> Any:
            boxes.shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return show

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(note("information")))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(note("warning")))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(note("critical")))
    return boxes


def settle(timeout_s: float = 30.0) -> None:
    """Let every background task end (their results delivered), as a user waits for the
    progress dialog to go: opening, copying or restoring a database runs off the GUI thread."""
    import time

    from PySide6.QtCore import QCoreApplication, QEventLoop

    from clauses_app.ui.tasks import running_tasks

    deadline = time.monotonic() + timeout_s
    while running_tasks():
        assert time.monotonic() < deadline, "background tasks still running"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


@pytest.fixture
def window(qtbot: Any, app_context: AppContext) -> Iterator[MainWindow]:
    """The window on the test's (empty) database, remembering recent databases. Closed here:
    pytest-qt would delete a widget of its own under the dashboard's running tasks."""
    main = MainWindow(app_context, remember=True)
    main.show()
    yield main
    main.close()
    main.close_database()
    main.deleteLater()
