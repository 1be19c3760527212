"""Write a document whole or not at all: a temporary file in the target folder, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from clauses_app.reports.errors import ReportError


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
    if not folder.is_dir():
        raise ReportError(f"Le dossier « {folder} » n'existe pas.")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{out_path.stem}-", suffix=out_path.suffix + ".tmp", dir=folder
        )
    except OSError as exc:
        raise ReportError(
            f"Impossible d'écrire dans le dossier « {folder} » : {exc.strerror or exc}."
        ) from exc
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        write(temp_path)
        os.chmod(temp_path, 0o644)  # mkstemp makes it private; a report is an ordinary file
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
