"""Open screens follow another facilitator's commits (PostgreSQL LISTEN/NOTIFY): the window
shows the authorities; a second, plain SQL connection renames one and commits; the list
shows the new name without a restart, and the listener stops with the window's database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from clauses_app.models import AuthorityFacilitator
from clauses_app.services.portfolio import connected_user
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.main_window import MainWindow
from tests import builders as b
from tests.conftest import requires_postgres


def _names(window: MainWindow) -> list[str]:
    model = window.page("authorities").panel.model  # type: ignore[attr-defined]
    return [model.row(i).values["name"] for i in range(model.rowCount())]


@requires_postgres
def test_a_list_shows_another_connection_s_commit_without_a_restart(
    qtbot: Any, qapp: Any, pg_database: Database
) -> None:
    with pg_database.transaction() as s:
        authority = b.authority(s, name="Ville de Rezé")
        s.add(AuthorityFacilitator(authority_uuid=authority.uuid, facilitator=connected_user(s)))
    window = MainWindow(AppContext(pg_database), remember=False)
    window.show()
    try:
        window.switch_page("authorities")
        qtbot.waitUntil(lambda: _names(window) == ["Ville de Rezé"], timeout=10_000)
        assert window.live is not None
        qtbot.waitUntil(window.live.listener.listening.is_set, timeout=10_000)
        other = create_engine(pg_database.url)  # another facilitator, or psql
        with other.begin() as sql:
            sql.execute(text("UPDATE contracting_authority SET name = 'Ville de Rezé (44)'"))
        other.dispose()

        qtbot.waitUntil(lambda: _names(window) == ["Ville de Rezé (44)"], timeout=10_000)
        listener = window.live.listener
    finally:
        window.close()
        window.close_database()
        window.deleteLater()
    assert not listener._thread.is_alive() and window.live is None
