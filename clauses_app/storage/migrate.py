"""Schema migrations, configured in code (no alembic.ini, nothing relative to the CWD).

Alembic is imported only when a schema must change: at every start the current revision is
read with one query and compared with the head of the packaged scripts, found by reading
their ``revision``/``down_revision`` lines (importing Alembic costs a third of a second).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from clauses_app.storage.engine import WRITES

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*['\"]?([\w-]+|None)['\"]?", re.M)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@cache
def packaged_revisions() -> dict[str, str | None]:
    """revision → down_revision of every packaged script, read from the files."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((bool(down), value) for down, value in _REVISION.findall(path.read_text()))
        if False in found:
            down = found.get(True)
            revisions[found[False]] = None if down in (None, "None") else down
    return revisions


def head_revision() -> str:
    """The newest packaged revision: the one no other script revises."""
    revisions = packaged_revisions()
    heads = set(revisions) - {down for down in revisions.values() if down}
    assert len(heads) == 1, f"the package must ship exactly one head, not {sorted(heads)}"
    return heads.pop()


def known_revisions() -> set[str]:
    return set(packaged_revisions())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def has_user_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != VERSION_TABLE]
    return bool(names)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in one transaction: a failure leaves the schema as it was."""
    from alembic import command

    with engine.connect() as connection, connection.execution_options(**{WRITES: True}).begin():
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as connection, connection.execution_options(**{WRITES: True}).begin():
        command.downgrade(alembic_config(connection), revision)
