"""The manifest of a ``.clause`` file: what it holds, from whom, and the checksum of each part.

``MANIFEST_SCHEMA`` (JSON Schema, draft 2020-12) is printed in docs/clause-format.md; a test
keeps the two identical.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import jsonschema

from clauses_app.exchange.format import FORMAT_NAME, FORMAT_VERSION

_UUID_OR_NULL = {"type": ["string", "null"], "format": "uuid"}
_DATE_OR_NULL = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://clauses.example.org/schema/clause-manifest-1.json",
    "title": "Manifest of a Clause exchange file",
    "type": "object",
    "required": ["format", "version", "generator", "created_at", "source", "scope", "members"],
    "properties": {
        "format": {"const": "clause"},
        "version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
        "generator": {"type": "string", "minLength": 1},
        "created_at": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T.+Z$"},
        "source": {
            "type": "object",
            "required": ["organisation"],
            "properties": {
                "organisation": {"type": "string"},
                "facilitator": {"type": "string"},
            },
        },
        "scope": {
            "type": "object",
            "required": ["authority", "operation", "from", "to"],
            "properties": {
                "authority": _UUID_OR_NULL,
                "operation": _UUID_OR_NULL,
                "from": _DATE_OR_NULL,
                "to": _DATE_OR_NULL,
            },
        },
        "anonymized": {"type": "boolean"},
        "members": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "entity", "rows", "sha256"],
                "properties": {
                    "name": {"type": "string", "pattern": r"^[a-z_]+\.csv$"},
                    "entity": {"type": "string", "pattern": r"^[a-z_]+$"},
                    "rows": {"type": "integer", "minimum": 0},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Scope:
    """What an export keeps: everything, one authority or one operation, and/or a date range.

    A date range keeps the employments overlapping it and their hour rows overlapping it (an
    employment's undivided totals are left out when it has month rows), the contracts with
    such an employment or whose performance period (else notification year) overlaps it, all
    the lots and awards of those contracts, and the authorities, operations, contacts,
    companies, participants and criteria they refer to.
    """

    authority: Any = None  # uuid.UUID
    operation: Any = None  # uuid.UUID
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_everything(self) -> bool:
        return not (self.authority or self.operation or self.date_from or self.date_to)

    def as_json(self) -> dict[str, Any]:
        return {
            "authority": str(self.authority) if self.authority else None,
            "operation": str(self.operation) if self.operation else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def schema_errors(manifest: Any) -> list[str]:
    """French descriptions of how ``manifest`` breaks the schema (empty when valid)."""
    validator = jsonschema.Draft202012Validator(MANIFEST_SCHEMA)
    messages = []
    for error in sorted(validator.iter_errors(manifest), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(racine)"
        messages.append(f"manifeste non conforme au schéma en « {where} » : {error.message}")
    return messages


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


SUPPORTED_VERSION = parse_version(FORMAT_VERSION)
__all__ = ["FORMAT_NAME", "MANIFEST_SCHEMA", "SUPPORTED_VERSION", "Scope"]
