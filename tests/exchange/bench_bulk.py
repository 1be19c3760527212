"""Benchmark (not a test): import of a national-volume .clause file vs raw sqlite3.executemany.

    .venv/bin/python -m tests.exchange.bench_bulk [folder]

Builds ≈ 3,000 authorities, 48,000 contracts/lots/awards, 14,000 companies, 45,000
participants, 62,000 employments and 250,000 month rows (guide §3 national figures), exports
them, imports the file into an empty database, and times a raw ``sqlite3.executemany`` of the
same rows into another empty database.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.exchange.format import SPECS
from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Employment,
    HoursRecord,
    Lot,
    Participant,
    PublicContract,
)
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.periods import last_day

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _u(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def build(path: Path) -> None:
    rng = random.Random(7)
    db = open_app_database(str(path))
    stamp = {"created_at": NOW, "updated_at": NOW}
    authorities = [
        {"uuid": _u(rng), "name": f"Collectivité {i}", "archived": False, **stamp}
        for i in range(3000)
    ]
    companies = [
        {"uuid": _u(rng), "name": f"Entreprise {i}", "kind": "CLASSIQUE", **stamp}
        for i in range(14000)
    ]
    contracts, lots, awards = [], [], []
    for i in range(48000):
        c, lt, a = _u(rng), _u(rng), _u(rng)
        contracts.append(
            {
                "uuid": c,
                "authority_uuid": authorities[i % 3000]["uuid"],
                "reference": f"M-{i}",
                "object": "Travaux",
                "legal_basis": "L2112-2",
                "pooling_scope": "NONE",
                "notification_date": date(2025, 1, 1),
                **stamp,
            }
        )
        lots.append(
            {
                "uuid": lt,
                "contract_uuid": c,
                "number": "1",
                "title": "Lot unique",
                "clause_mode": "HOURS",
                "required_hours": Decimal("400"),
                **stamp,
            }
        )
        awards.append(
            {
                "uuid": a,
                "lot_uuid": lt,
                "company_uuid": companies[i % 14000]["uuid"],
                "role": "TITULAIRE",
                **stamp,
            }
        )
    people = [
        {
            "uuid": _u(rng),
            "last_name": f"Nom{i}",
            "first_name": "Prénom",
            "birth_date": date(1980, 1, 1 + i % 28),
            "sex": "MF"[i % 2],
            "qpv": i % 3 == 0,
            "archived": False,
            **stamp,
        }
        for i in range(45000)
    ]
    employments, hours = [], []
    for i in range(62000):
        e = _u(rng)
        month = 1 + i % 6
        employments.append(
            {
                "uuid": e,
                "participant_uuid": people[i % 45000]["uuid"],
                "award_uuid": awards[i % 48000]["uuid"],
                "modality_code": "EMBAUCHE",
                "contract_type_code": "CDD",
                "start_date": date(2025, month, 1),
                "end_date": date(2025, month + 3, 28),
                "transferred_staff": False,
                "ineligible": False,
                **stamp,
            }
        )
        for m in range(month, month + (4 if i % 31 else 6)):
            hours.append(
                {
                    "uuid": _u(rng),
                    "employment_uuid": e,
                    "kind": "MONTH",
                    "period_start": date(2025, m, 1),
                    "period_end": last_day((2025, m)),
                    "worked_hours": Decimal("151.67"),
                    "training_hours": Decimal("0"),
                    **stamp,
                }
            )
    with db.transaction() as s:
        tables = (
            (ContractingAuthority, authorities), (Company, companies),
            (PublicContract, contracts), (Lot, lots), (Award, awards), (Participant, people),
            (Employment, employments), (HoursRecord, hours),
        )  # fmt: skip
        for model, rows in tables:
            for start in range(0, len(rows), 10000):
                s.execute(insert(model.__table__), rows[start : start + 10000])
    db.dispose()


def _raw_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        import json

        return json.dumps(value)
    return value


def raw_rows(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    db = open_app_database(str(path))
    result = {}
    with db.session() as s:
        for spec in SPECS:
            names = [c.name for c in spec.columns]
            rows = [
                tuple(_raw_value(v) for v in r)
                for r in s.execute(select(*[spec.table.c[n] for n in names]))
            ]
            result[spec.name] = (names, rows)
    db.dispose()
    return result


def raw_insert(path: Path, data: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> float:
    db = open_app_database(str(path))
    db.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    started = time.perf_counter()
    connection.execute("BEGIN")
    for name, (columns, rows) in data.items():
        if name == "reference_item":
            continue
        marks = ",".join("?" * len(columns))
        connection.executemany(f"INSERT INTO {name} ({','.join(columns)}) VALUES ({marks})", rows)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    source = folder / "national.sqlite3"
    if not source.exists():
        started = time.perf_counter()
        build(source)
        print(f"built in {time.perf_counter() - started:.1f} s")
    db = open_app_database(str(source))
    started = time.perf_counter()
    result = export_clause_file(db, folder / "national.clause")
    print(f"export: {time.perf_counter() - started:.1f} s, {sum(result.rows.values())} rows, "
          f"{(folder / 'national.clause').stat().st_size / 1e6:.1f} MB")  # fmt: skip
    db.dispose()
    # Best of two runs each: the machine is shared, single runs are noisy.
    imports, reimports, raws = [], [], []
    data = raw_rows(source)
    for attempt in range(2):
        target_path = folder / f"target{attempt}.sqlite3"
        target_path.unlink(missing_ok=True)
        target = open_app_database(str(target_path))
        started = time.perf_counter()
        report = import_clause_file(target, folder / "national.clause")
        imports.append(time.perf_counter() - started)
        assert report.ok and report.applied, report.errors[:3]
        started = time.perf_counter()
        again = import_clause_file(target, folder / "national.clause")
        reimports.append(time.perf_counter() - started)
        assert again.total("new") == 0
        target.dispose()
        raw_path = folder / f"raw{attempt}.sqlite3"
        raw_path.unlink(missing_ok=True)
        raws.append(raw_insert(raw_path, data))
    imported, raw = min(imports), min(raws)
    print(f"import into empty: {imported:.1f} s; re-import (all unchanged): {min(reimports):.1f} s")
    print(f"raw sqlite3.executemany of the same rows: {raw:.1f} s; ratio {imported / raw:.2f}")


if __name__ == "__main__":
    main()
