"""The one error the documents raise for a person to read."""

from __future__ import annotations


class ReportError(Exception):
    """A document cannot be written; the message is one French sentence for the user."""
