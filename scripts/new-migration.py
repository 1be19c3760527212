"""Developer tool: autogenerate a migration against a scratch database at head.

Usage: .venv/bin/python scripts/new-migration.py "message" 0003
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import MIGRATIONS_DIR, alembic_config, upgrade

VERSIONS = MIGRATIONS_DIR / "versions"


def main(message: str, rev_id: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_app_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
        upgrade(engine)
        with engine.begin() as connection:
            command.revision(
                alembic_config(connection), message=message, autogenerate=True, rev_id=rev_id
            )
        engine.dispose()
    for path in VERSIONS.glob(f"{rev_id}_*.py"):
        text = path.read_text()
        # Migrations are frozen history: they must not depend on today's model code.
        text = text.replace(
            "clauses_app.models.base.UTCDateTime(timezone=True)", "sa.DateTime(timezone=True)"
        )
        path.write_text(text)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(VERSIONS)], check=False)
    subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--fix", "-q", str(VERSIONS)], check=False
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
