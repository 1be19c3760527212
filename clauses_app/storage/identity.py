"""Who is working: the name written in ``created_by``, ``updated_by`` and the history.

On PostgreSQL each facilitator connects with a role of their own: the name is the
connection's ``session_user``, the role that logged in. (``current_user`` would name a group
role after ``SET ROLE``, or a function's owner inside a SECURITY DEFINER function: the
history triggers of migration 0009 use ``session_user`` for the same reason.) On SQLite, a
file on one computer, it is the operating system's account (``getpass.getuser()``).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from clauses_app.models.base import local_user_name

__all__ = ["local_user_name", "user_name"]


def user_name(connectable: Session | Connection) -> str:
    """The name under which changes made through ``connectable`` are recorded."""
    bind = connectable.get_bind() if isinstance(connectable, Session) else connectable
    if bind.dialect.name == "postgresql":
        return str(connectable.execute(text("SELECT session_user")).scalar_one())
    return local_user_name()
