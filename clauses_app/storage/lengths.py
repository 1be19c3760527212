"""Text lengths checked before a write, the same on both databases.

PostgreSQL refuses a text longer than its column (``VARCHAR(n)``) with the driver's English
message; SQLite stores it whole, and the record then fails later, when it is exported to a
team's database (the ``.clause`` format checks lengths) or shown in a fixed-width field.
Every session of the application checks, before each flush, the text columns of the records
it inserts or changes, and refuses an overlong one in French: nothing is written.

Bulk writes that bypass the ORM check their own values (``exchange/format.py`` for the
``.clause`` import; the spreadsheet import's cells).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, sessionmaker

# The French names of the columns a person types into (the forms' labels); a column not named
# here is named as stored.
FIELD_LABELS = {
    "name": "Nom",
    "reference": "Référence",
    "object": "Objet",
    "procedure": "Procédure",
    "number": "Numéro",
    "title": "Intitulé",
    "address": "Adresse",
    "postal_code": "Code postal",
    "city": "Commune",
    "siret": "SIRET",
    "email": "Courriel",
    "phone": "Téléphone",
    "contact_name": "Contact",
    "role": "Fonction",
    "last_name": "Nom",
    "first_name": "Prénom",
    "external_id": "Identifiant externe",
    "job_title": "Poste",
    "evidence": "Justificatif",
    "reason": "Motif",
    "comment": "Note",
    "label": "Libellé",
    "source": "Source",
}


# Tables a person writes to that the exchange format does not carry.
TABLE_LABELS = {
    "alert_mark": "Alertes traitées ou reportées",
    "retention_hold": "Conservation prolongée",
}


class TextTooLongError(ValueError):
    """A text longer than its column: nothing was written."""

    def __init__(self, table: str, column: str, length: int, limit: int) -> None:
        # Late: the exchange package imports the storage one.
        from clauses_app.exchange.labels import entity_label

        self.table, self.column, self.length, self.limit = table, column, length, limit
        where = TABLE_LABELS.get(table) or entity_label(table)
        field = FIELD_LABELS.get(column, column)
        super().__init__(
            f"{where} : le champ « {field} » compte "
            f"{length} caractères, {limit} au plus. Raccourcissez-le : rien n'a été enregistré."
        )


def install(factory: sessionmaker[Session]) -> None:
    """Make every session of ``factory`` check text lengths before it flushes."""
    event.listen(factory, "before_flush", _before_flush)


def _before_flush(session: Session, context: Any, instances: Any) -> None:
    check_lengths([*session.new, *session.dirty])


def check_lengths(records: Iterable[Any]) -> None:
    """Raise :class:`TextTooLongError` for the first text longer than its column."""
    for record in records:
        mapper = inspect(record).mapper
        for column in mapper.columns:
            limit = getattr(column.type, "length", None)
            if limit is None or not isinstance(column.type, String):
                continue
            value = getattr(record, mapper.get_property_by_column(column).key, None)
            if isinstance(value, str) and len(value) > limit:
                raise TextTooLongError(mapper.local_table.name, column.key, len(value), limit)
