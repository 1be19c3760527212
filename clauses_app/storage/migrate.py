"""Schema migrations, configured in code (no alembic.ini, nothing relative to the CWD).

Alembic is imported only when a schema must change: at every start the current revision is
read with one query and compared with the head of the packaged scripts, found by reading
their ``revision``/``down_revision`` lines (importing Alembic costs a third of a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction for schema changes, rolled back whole if anything fails.

    On SQLite, batch mode alters a table by copying it and dropping the original; with
    foreign keys on, that drop cascades to the children (altering ``public_contract`` would
    empty ``lot``, ``award``, ``employment`` and ``hours_record``). SQLite's own procedure
    for altering tables is followed instead: foreign keys off for the connection (a pragma
    that only takes effect outside a transaction), the change, ``PRAGMA foreign_key_check``
    before commit, foreign keys on again.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.execution_options(**{WRITES: True}).begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"schema change broke references: {broken[:5]}")
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in one transaction: a failure leaves the schema as it was."""
    from alembic import command

    with schema_transaction(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with schema_transaction(engine) as connection:
        command.downgrade(alembic_config(connection), revision)
