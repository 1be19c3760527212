"""What the commands that write a document ask of its file name: its format, from the
extension when ``--format`` is not given, and never two formats at odds."""

from __future__ import annotations

from pathlib import Path

from clauses_app.cli.common import CliError


def output_format(out: str, asked: str | None, formats: tuple[str, ...], default: str) -> str:
    """The format to write ``out`` in: ``asked`` (``--format``), else the file's extension
    when it is one of ``formats``, else ``default``. « bilan.docx » with ``--format pdf`` is
    refused: the file would hold a PDF under a Word name."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if asked is None:
        return suffix if suffix in formats else default
    if suffix in formats and suffix != asked:
        raise CliError(
            f"« {Path(out).name} » est un nom de fichier {suffix.upper()}, mais --format "
            f"demande {asked.upper()} : changez l'un ou l'autre."
        )
    return asked
