"""Alembic environment: always driven from code (clauses_app.storage.migrate).

The live connection is handed over in ``config.attributes["connection"]`` (an Engine is
accepted too, for pytest-alembic); batch mode lets SQLite alter tables by copying them.
"""

from alembic import context
from sqlalchemy import Connection, Engine

from clauses_app.models import Base

config = context.config
connectable = config.attributes.get("connection")
if connectable is None:  # pragma: no cover - only reached if someone runs the alembic CLI
    raise RuntimeError("Run migrations through `clauses init`, not the alembic command.")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if isinstance(connectable, Engine):
    from clauses_app.storage.migrate import schema_transaction

    with schema_transaction(connectable) as conn:
        run(conn)
else:
    run(connectable)
