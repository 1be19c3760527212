"""« Fichier ▸ Se connecter à la base d'équipe… » driven as a person does: the fields typed,
« Se connecter » clicked; the window switches to the team database, the password lands in the
credential store (an in-memory keyring), the connection in « Bases récentes »; a refusal is
one French sentence under the fields and the window keeps its database."""

from __future__ import annotations

import socket
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from clauses_app.storage import Database
from clauses_app.storage import team_connection as tc
from clauses_app.ui.main_window import MainWindow
from clauses_app.ui.team_connect_dialog import TeamConnectDialog
from tests.conftest import requires_postgres
from tests.team.keyring_memory import MemoryKeyring, memory_keyring  # noqa: F401 (fixture)
from tests.ui.conftest import settle


def open_dialog(window: MainWindow) -> TeamConnectDialog:
    [action] = [a for a in window.findChildren(type(window.quit_action))
                if a.objectName() == "connect_team_database"]  # fmt: skip
    assert action.text() == "Se connecter à la base d'é&quipe…"
    action.trigger()
    [dialog] = [d for d in window.findChildren(TeamConnectDialog) if d.isVisible()]
    return dialog


def fill(qtbot: Any, dialog: TeamConnectDialog, url: str, password: str, name: str) -> None:
    parsed = make_url(url)
    for field, value in ((dialog.name, name), (dialog.host, parsed.host),
                         (dialog.database, parsed.database), (dialog.user, parsed.username),
                         (dialog.password, password)):  # fmt: skip
        field.clear()
        qtbot.keyClicks(field, str(value))
    dialog.port.setValue(parsed.port or 5432)
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("disable"))  # no TLS on the cluster


def connect(qtbot: Any, dialog: TeamConnectDialog) -> None:
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    settle()


@requires_postgres
def test_connecting_switches_the_window_and_keeps_the_password_in_the_store(
    qtbot: Any, window: MainWindow, pg_database: Database,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:  # fmt: skip
    url = make_url(pg_database.url)
    dialog = open_dialog(window)
    assert not dialog.sslrootcert.isEnabled() or dialog.sslmode.currentData() == "verify-full"

    fill(qtbot, dialog, pg_database.url, url.password or "", "Territoire")
    connect(qtbot, dialog)

    assert not [d for d in window.findChildren(TeamConnectDialog) if d.isVisible()]  # closed
    assert window.context is not None
    address = f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"
    assert window.context.database.display_name == address
    assert window.database_label.text() == f"Base de données : {address}"
    assert memory_keyring.passwords == {(tc.KEYRING_SERVICE, address): url.password}
    assert window.recent_databases()[0] == "team:Territoire"
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert "Base d'équipe : Territoire" in texts

    # The next time, the saved connection is listed and filled in, its password not shown.
    again = open_dialog(window)
    assert again.recent.item(0).text() == (
        f"Territoire\n{url.username}@{url.host}\nbase {url.database}"
    )
    assert again.host.text() == url.host and again.password.text() == ""
    assert again.password.placeholderText() == "mémorisé sur ce poste"
    again.recent.setCurrentRow(0)
    qtbot.mouseClick(again.forget_button, Qt.MouseButton.LeftButton)  # « Oublier … »
    assert memory_keyring.passwords == {} and tc.saved_connections() == []
    assert again.recent.item(0).text() == "Aucune connexion récente"
    again.reject()


@requires_postgres
def test_a_wrong_password_is_said_under_the_fields_and_the_window_keeps_its_base(
    qtbot: Any, window: MainWindow, pg_database: Database,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:  # fmt: skip
    before = window.context.database.display_name if window.context else None
    dialog = open_dialog(window)
    fill(qtbot, dialog, pg_database.url, "pas le bon", "x")

    connect(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.error_label.text().startswith(
        f"Mot de passe refusé pour l'utilisateur « {make_url(pg_database.url).username} »"
    )
    assert window.context is not None and window.context.database.display_name == before
    assert memory_keyring.passwords == {} and tc.saved_connections() == []
    dialog.reject()


def test_an_unreachable_server_and_a_missing_certificate_are_said_in_the_dialog(
    qtbot: Any, window: MainWindow, memory_keyring: MemoryKeyring  # noqa: F811
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = open_dialog(window)
    fill(qtbot, dialog, f"postgresql://marie@127.0.0.1:{port}/clauses_nantes", "secret", "")
    connect(qtbot, dialog)
    assert dialog.error_label.text().startswith(
        f"Le serveur « 127.0.0.1 » (port {port}) ne répond pas"
    )

    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("verify-full"))
    assert dialog.sslrootcert.isEnabled() and dialog.browse.isEnabled()
    connect(qtbot, dialog)
    assert dialog.error_label.text().startswith("Le mode TLS « verify-full » vérifie le "
                                                "certificat du serveur")  # fmt: skip
    dialog.reject()
