"""The ``clauses`` command line: the main jobs of the application, for scripting and tests.

Each command group lives in its own module with a ``register(subparsers)`` function. User
mistakes end in one French sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Sequence

from clauses_app import __version__, paths
from clauses_app.cli import (
    alerts,
    backup,
    connect,
    core,
    databases,
    demo,
    exchange,
    history,
    invoiced,
    privacy,
    progress,
    reports,
    settings,
    statements,
    team,
    thresholds,
)
from clauses_app.cli.common import (
    CliDatabaseError,
    CliError,
    UserFacingError,
    database_error_message,
)
from clauses_app.cli.french import FrenchArgumentParser, french_errors, os_error_message
from clauses_app.runtime import collector_paused
from clauses_app.storage.backup import BackupError

COMMAND_MODULES = (
    core, databases, connect, demo, exchange, reports, privacy, statements, backup, alerts,
    thresholds, team, history, invoiced, progress, settings,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="clauses",
        description="Clauses sociales d'insertion : base de données, imports, exports, bilans.",
    )
    parser.add_argument(
        "--version", action="version", version=f"clauses {__version__}",
        help="afficher la version et quitter",
    )  # fmt: skip
    parser.add_argument(
        "--db",
        metavar="URL|CHEMIN",
        help="base de données (URL SQLAlchemy ou fichier SQLite) ; "
        "sinon $CLAUSES_DB, sinon la base locale de l'utilisateur ; un fichier nommé doit "
        "exister (seuls init et demo le créent, ou « clauses new-db FICHIER »)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    paths.tighten_existing()  # files an earlier version made readable by all
    try:
        # One command, then the process ends: the collector waits (clauses_app.runtime).
        with collector_paused():
            result = args.handler(args)
    except UserFacingError as exc:
        _say(str(exc), exc)
        return exc.exit_code
    except BackupError as exc:  # a backup before an import or a purge could not be taken
        _say(str(exc), exc)
        return 3
    except KeyboardInterrupt:
        print("clauses: interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # « clauses stats | head -2 »: the reader left, nothing is wrong
        _silence_stdout()
        return 1
    except OSError as exc:  # a file the command met and no sentence explained
        logging.getLogger(__name__).info("System error", exc_info=True)
        _say(os_error_message(exc), exc)
        return CliError.exit_code
    except Exception as exc:  # a database error: one French sentence, never a traceback
        message = database_error_message(exc, getattr(args, "db", None))
        if message is None:
            raise
        logging.getLogger(__name__).info("Database error", exc_info=True)
        _say(message, exc)
        return CliDatabaseError.exit_code
    return int(result or 0)


def _say(message: str, error: BaseException) -> None:
    """The one sentence of a failed command on stderr, the system's reasons in French."""
    print(f"clauses: {french_errors(message, error)}", file=sys.stderr)


def _silence_stdout() -> None:
    """Send what is left of stdout nowhere, so that Python's own flush at exit does not
    report the broken pipe again (as the documentation of signal/SIGPIPE advises)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # stdout is not a file (tests capture it): nothing to flush later


__all__ = ["CliError", "build_parser", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
