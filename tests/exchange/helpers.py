"""Helpers of the exchange tests: a hand-made dataset, database fingerprints, file surgery."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from clauses_app.exchange.format import SPECS
from clauses_app.models import Base, Contact
from clauses_app.services.stats import database_stats
from clauses_app.storage import Database
from tests import builders as b


def build_dataset(database: Database) -> dict[str, Any]:
    """Two authorities, an operation, pooled lots, every modality, month and total hours."""
    with database.transaction() as s:
        nantes = b.authority(s, "Ville de Nantes", siret="21440109300015", notes="ligne 1\nligne 2")
        reze = b.authority(s, "Agglomération de Rezé", kind="EPCI")
        s.add(Contact(authority_uuid=nantes.uuid, name="Anne Roux", email="a.roux@example.org"))
        op = b.operation(s, nantes, "ANRU Bellevue", rules_override={"cdi_cap_months": 12})
        c1 = b.contract(
            s, nantes, "2025-001", operation_uuid=op.uuid, amount_ht=Decimal("1000000"),
            start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), pooling_scope="CONTRACT",
            object='Rénovation "Bellevue", phase 1',
        )  # fmt: skip
        c2 = b.contract(s, reze, "R-77", notification_date=date(2024, 6, 1))
        l1 = b.lot(s, c1, "1", required_hours=Decimal("833"), labour_share=Decimal("50"))
        l2 = b.lot(s, c1, "2", required_hours=Decimal("400"))
        l3 = b.lot(s, c2, "1", required_hours=Decimal("120"), trade_code="PEINTURE")
        bati = b.company(s, "SARL Bâti Ouest", siret="34167211068405")
        etti = b.company(s, "Intérim Solidaire", kind="ETTI", siret="41840494836695")
        a1 = b.award(s, l1, bati)
        a2 = b.award(s, l2, bati, required=300)
        a3 = b.award(s, l3, etti)
        lea = b.participant(s, "Martin", "Léa", qpv=True, qualification_code="3")
        omar = b.participant(s, "Diallo", "Omar", sex="M", birth_date=date(1970, 5, 2))
        b.criterion(s, lea, "BRSA", date(2024, 12, 1), evidence="Attestation CAF")
        b.criterion(s, omar, "SENIOR")
        e1 = b.employment(s, a1, lea, date(2025, 1, 1), date(2025, 6, 30))
        e2 = b.employment(
            s, a2, omar, date(2025, 3, 1), None, contract_type_code="CDI", job_title="Maçon"
        )
        e3 = b.employment(
            s, a3, omar, date(2024, 9, 1), date(2025, 2, 28), modality_code="MAD",
            contract_type_code="MISSION_ETTI", employer_uuid=etti.uuid,
        )  # fmt: skip
        b.month_hours(s, e1, 2025, 1, "151.67", 10)
        b.month_hours(s, e1, 2025, 2, "120.5")
        b.total_hours(s, e2, date(2025, 3, 1), date(2025, 8, 31), 600)
        b.total_hours(s, e3, date(2024, 9, 1), date(2025, 2, 28), "420.25")
        return {"nantes": nantes.uuid, "reze": reze.uuid, "operation": op.uuid, "lea": lea.uuid}


def fingerprint(database: Database) -> str:
    """SHA-256 of every row of every table (settings included), in a fixed order."""
    digest = hashlib.sha256()
    with database.engine.connect() as connection:
        for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
            if table.name == "record_history":  # when and by whom, not what: a log
                continue
            rows = connection.execute(select(table)).all()
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(f"{table.name}:{row}\n".encode())
        digest.update(repr(connection.execute(text("PRAGMA user_version")).all()).encode())
    return digest.hexdigest()


def stats(database: Database, **kw: Any) -> dict[str, Any]:
    with database.session() as session:
        return database_stats(session, **kw)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def drop_columns(data: bytes, names: tuple[str, ...]) -> bytes:
    """A CSV member without the columns ``names`` (a file of an older version)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    keep = [i for i, name in enumerate(rows[0]) if name not in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([row[i] for i in keep])
    return out.getvalue().encode("utf-8")


def rewrite(
    source: Path,
    target: Path,
    change: Callable[[dict[str, bytes]], None],
    fix_manifest: bool = True,
) -> Path:
    """Copy a .clause with ``change`` applied to its members; checksums and row counts are
    recomputed (unless ``fix_manifest`` is False) so that the fault under test is the only one."""
    content = members(source)
    change(content)
    if fix_manifest and "manifest.json" in content:
        manifest = json.loads(content["manifest.json"])
        for entry in manifest.get("members", []):
            data = content.get(entry["name"])
            if data is not None:
                entry["sha256"] = hashlib.sha256(data).hexdigest()
                entry["rows"] = _row_count(data)
        content["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return target


def _row_count(data: bytes) -> int:
    try:
        return max(0, len(list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))) - 1)
    except (UnicodeDecodeError, csv.Error):
        return max(0, data.count(b"\n") - 1)


def edit_csv(
    content: dict[str, bytes], member: str, edit: Callable[[list[str]], list[str]]
) -> None:
    lines = content[member].decode("utf-8").split("\n")
    content[member] = "\n".join(edit(lines)).encode("utf-8")


def spec(name: str) -> Any:
    return next(s for s in SPECS if s.name == name)
