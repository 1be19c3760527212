"""The global exception hook logs and explains; database problems get a French way out."""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy.exc import OperationalError

from clauses_app.storage import DatabaseNewerError, DatabaseUnreachableError
from clauses_app.ui import errors


def test_exception_hook_writes_the_log_and_shows_its_path(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QMessageBox] = []
    monkeypatch.setattr(errors, "present_dialog", lambda box: shown.append(box) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    errors.install_exception_hook()
    try:
        raise RuntimeError("panne de courant simulée")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    log_text = errors.log_file().read_text(encoding="utf-8")
    assert "Uncaught exception" in log_text
    assert "RuntimeError: panne de courant simulée" in log_text
    assert len(shown) == 1
    assert str(errors.log_file()) in shown[0].text()
    assert "panne de courant simulée" in shown[0].text()
    assert "Traceback" in shown[0].detailedText()


def locked_error() -> OperationalError:
    return OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(
    ("error", "title"),
    [
        (locked_error(), "Base de données occupée"),
        (DatabaseNewerError("schéma 0009"), "Base de données plus récente que l'application"),
        (DatabaseUnreachableError("Fichier introuvable."), "Base de données inaccessible"),
    ],
)
def test_database_problems_explained_in_french(error: Exception, title: str) -> None:
    assert errors.explain_database_error(error)[0] == title


def test_way_out_offers_another_file_retry_or_quit(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def click(label: str) -> Any:
        def present(box: QMessageBox) -> int:
            texts = [button.text() for button in box.buttons()]
            present.texts = texts  # type: ignore[attr-defined]
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        return present

    chooser = click("Réessayer")
    monkeypatch.setattr(errors, "present_dialog", chooser)
    assert errors.ask_database_way_out(locked_error()) == errors.WayOut.RETRY
    assert sorted(chooser.texts) == ["Choisir un autre fichier…", "Quitter", "Réessayer"]
    monkeypatch.setattr(errors, "present_dialog", click("Choisir un autre fichier…"))
    assert errors.ask_database_way_out(DatabaseNewerError("x")) == errors.WayOut.OTHER_FILE
    monkeypatch.setattr(errors, "present_dialog", click("Quitter"))
    assert errors.ask_database_way_out(DatabaseUnreachableError("x")) == errors.WayOut.QUIT
