"""Write a document whole or not at all: a temporary file in the target folder, then rename.

Documents hold personal data (nominative annexes, right-of-access files): they are written
owner-only (0600 on POSIX). A process killed midway leaves its hidden temporary file
(``.<stem>-XXXX<suffix>.tmp``); the next write of the same document removes it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from clauses_app import paths
from clauses_app.reports.errors import ReportError

TEMP_SUFFIX = ".tmp"


def stale_temporaries(out_path: Path) -> list[Path]:
    """The temporary files that earlier, interrupted writes of ``out_path`` left behind."""
    out_path = Path(out_path)
    folder = out_path.parent if str(out_path.parent) else Path(".")
    prefix, suffix = f".{out_path.stem}-", out_path.suffix + TEMP_SUFFIX
    try:
        return [
            entry
            for entry in folder.iterdir()
            if entry.name.startswith(prefix)
            and entry.name.endswith(suffix)
            and len(entry.name) == len(prefix) + 8 + len(suffix)  # mkstemp's 8 characters
        ]
    except OSError:
        return []


def write_atomically(out_path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary_path)`` then move the result onto ``out_path``.

    The temporary file sits in the target folder so that the final rename is atomic; on any
    failure it is removed and nothing is left behind. An unwritable or missing folder raises
    :class:`ReportError` with a French sentence.
    """
    out_path = Path(out_path)
    folder = out_path.parent if str(out_path.parent) else Path(".")
    if out_path.is_dir():
        raise ReportError(f"« {out_path} » est un dossier : indiquez un nom de fichier.")
    if paths.is_sqlite_database(out_path):
        raise ReportError(
            f"« {out_path} » est une base de données : le document la remplacerait. "
            "Choisissez un autre nom de fichier."
        )
    if paths.is_special_file(out_path):
        raise ReportError(
            f"« {out_path} » n'est pas un fichier ordinaire : indiquez un nom de fichier."
        )
    if not folder.is_dir():
        raise ReportError(f"Le dossier « {folder} » n'existe pas.")
    for stale in stale_temporaries(out_path):
        with contextlib.suppress(OSError):
            stale.unlink()
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{out_path.stem}-", suffix=out_path.suffix + TEMP_SUFFIX, dir=folder
        )
    except OSError as exc:
        raise ReportError(
            f"Impossible d'écrire dans le dossier « {folder} » : {exc.strerror or exc}."
        ) from exc
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        write(temp_path)
        paths.make_private(temp_path)  # mkstemp made it 0600; a writer may have replaced it
        os.replace(temp_path, out_path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise ReportError(
            f"Impossible d'écrire le fichier « {out_path} » : {exc.strerror or exc}."
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise
    return out_path
