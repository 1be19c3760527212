"""Helpers shared by the command modules: opening the database, parsing values, printing."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from clauses_app import paths
from clauses_app.formatting import format_date, format_hours, format_money
from clauses_app.services.bounds import FIRST_DAY, LAST_DAY, MAX_HOURS, MAX_MONEY, beyond
from clauses_app.services.periods import Period
from clauses_app.storage import Database, DatabaseError
from clauses_app.storage.presence import announced, is_network_path, network_warning


class UserFacingError(Exception):
    """An error explained to the user in one sentence; ``exit_code`` is the process status."""

    exit_code = 2


class CliError(UserFacingError):
    """A mistake in what the user typed or asked for."""


class CliDatabaseError(UserFacingError):
    exit_code = 3


@contextmanager
def opened_database(args: argparse.Namespace, *, create: bool = False) -> Iterator[Database]:
    """Open (upgrade, or create when ``create``) the database named by ``--db`` for one
    command. Only ``init`` and ``demo`` create a file named by ``--db`` or $CLAUSES_DB
    (:func:`refuse_missing_database`); the user's own default database is made on first use.

    The command announces itself in the lock file beside an SQLite file for its whole run,
    opening included (which may migrate): a window opened meanwhile is told who is writing.
    """
    from clauses_app.services import bootstrap
    from clauses_app.storage.database import resolve_url, sqlite_path

    if not create:
        refuse_missing_database(args.db)
    with announced(sqlite_path(resolve_url(args.db))) as holder:
        if holder is not None:
            print(f"clauses: la base est ouverte par {holder.describe()} ; les écritures "
                  "attendront leur tour.", file=sys.stderr)  # fmt: skip
        try:
            database = bootstrap.open_app_database(args.db)
        except DatabaseError as exc:
            raise CliDatabaseError(str(exc)) from exc
        path = database.file_path
        if path is not None and is_network_path(path):
            print(f"clauses: attention : {network_warning(path)}", file=sys.stderr)
        try:
            yield database
        finally:
            database.dispose()


def refuse_missing_database(db: str | None) -> None:
    """Refuse an SQLite file named by ``--db`` (or $CLAUSES_DB) that does not exist: opening
    it would make a new, empty database, and a mistyped name would show no data at all."""
    from clauses_app.storage.database import resolve_url, sqlite_path

    if db:
        source = "--db"
    elif os.environ.get(paths.DB_ENV):
        source = f"variable {paths.DB_ENV}"
    else:
        return  # the user's own database, made on first use
    path = sqlite_path(resolve_url(db))
    if path is None or path.exists():  # a server's database, or a file that is there
        return
    command = f'"{path}"' if any(c.isspace() for c in str(path)) else str(path)
    raise CliDatabaseError(
        f"La base « {path} » ({source}) n'existe pas : vérifiez son nom, ou créez une base vide "
        f"avec « clauses new-db {command} »."
    )


def database_error_message(error: BaseException, db: str | None) -> str | None:
    """The French sentence for a database error met by a command (None: not one)."""
    from clauses_app.storage.database import resolve_url, sqlite_path
    from clauses_app.storage.errors import describe_database_error

    if isinstance(error, DatabaseError):  # e.g. --db team:NOM that is not saved
        return str(error)
    try:
        path = sqlite_path(resolve_url(db))
    except DatabaseError:
        path = None
    return describe_database_error(error, path)


@dataclass(frozen=True)
class Bound:
    """How large a number option may be (services/bounds.py): ``noun`` names what it holds
    and ``limit`` says the range in a refusal. Only the size is checked: whether a value may
    be negative or zero is the service's rule, in its own words."""

    noun: str
    maximum: Decimal
    limit: str


MONEY = Bound("montant", MAX_MONEY, f"au plus {format_money(MAX_MONEY)}")
HOURS = Bound("nombre d'heures", MAX_HOURS, f"au plus {format_hours(MAX_HOURS)}")
PERCENT = Bound("pourcentage", Decimal(100), "entre 0 et 100 %")


def parse_decimal(text: str, name: str, bound: Bound = MONEY) -> Decimal:
    """The number typed for option ``name`` (``1234,5``, ``1 234.5``), refused in French when
    it is no number or larger than ``bound`` allows (an amount in euros by default)."""
    try:
        value = Decimal(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except (InvalidOperation, AttributeError):
        raise CliError(f"{name} n'est pas un nombre : « {text} ».") from None
    if not value.is_finite():
        raise CliError(f"{name} n'est pas un nombre fini : « {text} ».")
    if beyond(value, bound.maximum):
        raise CliError(f"{name} : {bound.noun} invalide « {text} » ({bound.limit}).")
    return value


def parse_uuid(text: str, name: str = "L'identifiant") -> uuid.UUID:
    if not text.strip():  # « --authority "" » names nothing: it is not « every authority »
        raise CliError(f"{name} est vide : indiquez un UUID, ou retirez cette option.")
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CliError(f"{name} n'est pas un UUID valide : « {text} ».") from None


def optional_uuid(text: str | None, name: str) -> uuid.UUID | None:
    """The UUID typed for option ``name``; None only when the option was not given."""
    return None if text is None else parse_uuid(text, name)


def parse_date(text: str, name: str = "La date") -> date:
    for parse in (date.fromisoformat, _french_date):
        try:
            return parse(text)
        except ValueError:
            continue
    raise CliError(f"{name} n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA) : « {text} ».")


def check_year(year: int | None) -> None:
    """Refuse a ``--year`` outside the years the application counts (services/bounds.py)."""
    if year is not None and not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise CliError(f"Année invalide : {year}.")


def parse_today(text: str | None, name: str = "--today") -> date:
    """The day a computation is made on (alerts, purge, thresholds): ``text``, else today.
    Refused outside the years the computations can count back and forth from
    (services/bounds.py: FIRST_DAY to LAST_DAY)."""
    day = parse_date(text, name) if text else date.today()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CliError(
            f"{name} : date invalide « {text} » (entre le {format_date(FIRST_DAY)} et le "
            f"{format_date(LAST_DAY)})."
        )
    return day


def _french_date(text: str) -> date:
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=None, sort_keys=False)
    sys.stdout.write("\n")


def period_from_args(args: argparse.Namespace) -> Period:
    """The period of ``--year`` or ``--from``/``--to`` (all time when none is given)."""
    if args.year is not None and (args.date_from is not None or args.date_to is not None):
        raise CliError("Choisissez --year ou --from/--to, pas les deux.")
    if args.year is not None:
        check_year(args.year)
        return Period.year(args.year)
    start = parse_date(args.date_from, "--from") if args.date_from is not None else None
    end = parse_date(args.date_to, "--to") if args.date_to is not None else None
    try:
        return Period(start, end)
    except ValueError as exc:
        raise CliError(f"Période invalide : {exc}.") from None
