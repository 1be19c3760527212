"""The database's own identifier, and a key to sign what it sends out (statement workbooks).

Stored as one ``setting`` row, made the first time it is asked for (in the caller's
transaction). Settings are not part of the Clause exchange format, so a database filled from
another's export still has an identifier of its own; a copy of the file keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clauses_app.models import Setting

IDENTITY_KEY = "database_identity"


@dataclass(frozen=True)
class DatabaseIdentity:
    uuid: uuid.UUID
    secret: bytes

    def sign(self, text: str) -> str:
        """A short signature of ``text`` that only this database can make."""
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def verify(self, text: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(text), str(signature or ""))


def database_identity(session: Session, create: bool = True) -> DatabaseIdentity | None:
    """This database's identity; made and added to the session when it has none and
    ``create`` (the caller's transaction commits it)."""
    row = session.get(Setting, IDENTITY_KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else None
    if value is not None:
        try:
            return DatabaseIdentity(uuid.UUID(str(value["uuid"])), bytes.fromhex(value["secret"]))
        except (KeyError, ValueError):
            pass  # a damaged row is replaced below
    if not create:
        return None
    identity = DatabaseIdentity(uuid.uuid4(), secrets.token_bytes(32))
    stored = {"uuid": str(identity.uuid), "secret": identity.secret.hex()}
    if row is None:
        session.add(Setting(key=IDENTITY_KEY, value=stored))
    else:
        row.value = stored
    session.flush()
    return identity
