"""Opening ZIP containers (``.clause`` files and ``.xlsx`` workbooks) defensively.

Checked before anything is decompressed: the file is a ZIP, its size, the number of entries,
each entry's name (no ``..``, no absolute or drive path, no backslash), the declared total
size and each entry's compression ratio. While reading, an entry may not yield more bytes
than it declared (a forged header cannot smuggle a bomb past the checks).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from clauses_app.exchange.limits import MIB, ImportLimits


class UnsafeFileError(Exception):
    """A file refused as a whole; the message is one French sentence."""


def _mib(value: int) -> str:
    return f"{value / MIB:.0f} Mio"


def check_file_size(path: Path, limits: ImportLimits) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnsafeFileError(f"Impossible de lire le fichier : {exc.strerror}.") from None
    if path.is_dir():
        raise UnsafeFileError("C'est un dossier, pas un fichier.")
    if size > limits.max_file_bytes:
        raise UnsafeFileError(
            f"Fichier trop volumineux ({_mib(size)}, au plus {_mib(limits.max_file_bytes)})."
        )
    return size


def unsafe_name_reason(name: str) -> str | None:
    """Why an entry name is refused, or None when it is a plain relative path."""
    if not name or "\x00" in name:
        return "nom vide ou invalide"
    if "\\" in name:
        return "barre oblique inverse dans le chemin"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "chemin absolu"
    if ".." in PurePosixPath(name).parts:
        return "chemin contenant « .. »"
    return None


def open_zip(path: Path, limits: ImportLimits, kind: str = "une archive ZIP") -> zipfile.ZipFile:
    """Open ``path`` as a ZIP after every structural check; raise :class:`UnsafeFileError`."""
    check_file_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnsafeFileError(
            f"Le fichier n'est pas {kind} valide (fichier tronqué ou d'un autre type)."
        ) from None
    except OSError as exc:
        raise UnsafeFileError(f"Impossible de lire le fichier : {exc}.") from None
    try:
        _check_entries(archive, limits)
    except UnsafeFileError:
        archive.close()
        raise
    return archive


def _check_entries(archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_zip_entries:
        raise UnsafeFileError(
            f"L'archive contient trop d'éléments ({len(infos)}, au plus "
            f"{limits.max_zip_entries}) : refusée par précaution."
        )
    names: set[str] = set()
    total = 0
    for info in infos:
        reason = unsafe_name_reason(info.filename)
        if reason:
            raise UnsafeFileError(f"Élément « {info.filename} » refusé : {reason}.")
        if info.filename in names:
            raise UnsafeFileError(f"Élément « {info.filename} » présent deux fois.")
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise UnsafeFileError(f"Élément « {info.filename} » chiffré : non pris en charge.")
        total += info.file_size
        if (
            info.file_size > limits.ratio_floor_bytes
            and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1)
        ):
            raise UnsafeFileError(
                f"Élément « {info.filename} » anormalement compressé (rapport "
                f"{info.file_size // max(info.compress_size, 1)}:1) : bombe ZIP probable."
            )
    if total > limits.max_uncompressed_bytes:
        raise UnsafeFileError(
            f"Contenu décompressé trop volumineux ({_mib(total)}, au plus "
            f"{_mib(limits.max_uncompressed_bytes)}) : refusé par précaution."
        )


def read_entry(archive: zipfile.ZipFile, name: str, max_bytes: int | None = None) -> bytes:
    """The bytes of one entry, never more than it declared (nor ``max_bytes``)."""
    return b"".join(entry_chunks(archive, name, max_bytes))


def entry_chunks(
    archive: zipfile.ZipFile, name: str, max_bytes: int | None = None
) -> Iterator[bytes]:
    """The bytes of one entry, one MiB at a time, never more than it declared (nor
    ``max_bytes``): members of national files are tens of megabytes, read as a stream."""
    info = archive.getinfo(name)
    ceiling = info.file_size if max_bytes is None else min(info.file_size, max_bytes)
    if info.file_size > ceiling:
        raise UnsafeFileError(f"Élément « {name} » trop volumineux.")
    size = 0
    try:
        handle = archive.open(info)
    except _UNREADABLE as exc:
        raise _unreadable(name, exc) from None
    with handle:
        while True:
            try:
                chunk = handle.read(1 * MIB)
            except _UNREADABLE as exc:
                raise _unreadable(name, exc) from None
            if not chunk:
                return
            size += len(chunk)
            if size > ceiling:
                raise UnsafeFileError(
                    f"Élément « {name} » plus grand que sa taille déclarée : refusé."
                )
            yield chunk


_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def _unreadable(name: str, exc: BaseException) -> UnsafeFileError:
    return UnsafeFileError(f"Élément « {name} » illisible (archive tronquée ou corrompue : {exc}).")


class _RootReached(Exception):
    """The first element of an XML part: its prologue, where a DOCTYPE would be, is over."""


def refuse_doctypes(archive: zipfile.ZipFile, limits: ImportLimits, kind: str) -> None:
    """Refuse ``archive`` when any of its XML parts declares a DOCTYPE, or is too big.

    Office Open XML never needs a document type declaration; one is how entity bombs and
    external entities get in. Parsers differ on what they do with it (openpyxl reads sheets
    through defusedxml, which refuses entities, but the workbook, styles and relationship
    parts through lxml with entities merely not expanded), so every part is checked here, the
    same way, before any parser sees it. Only each part's prologue is read: a DOCTYPE must
    come before the root element.
    """
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if info.file_size > limits.max_xlsx_part_bytes:
            raise UnsafeFileError(
                f"Élément « {name} » trop volumineux une fois décompressé ({_mib(info.file_size)}, "
                f"au plus {_mib(limits.max_xlsx_part_bytes)}) : {kind} refusé par précaution."
            )
        if _declares_doctype(archive, name):
            raise UnsafeFileError(
                f"Élément « {name} » refusé : il contient une déclaration DOCTYPE (entités XML), "
                f"ce qu'un {kind} ne fait jamais (protection contre les bombes XML et l'accès "
                "à des fichiers externes)."
            )


def _declares_doctype(archive: zipfile.ZipFile, name: str) -> bool:
    from xml.parsers import expat

    found: list[bool] = []

    def doctype(*_args: object) -> None:
        found.append(True)
        raise _RootReached

    def root(*_args: object) -> None:
        raise _RootReached

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        for chunk in entry_chunks(archive, name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _RootReached:
        pass
    except expat.ExpatError:
        # Not XML (an image, a binary part) or broken XML: openpyxl refuses what it needs.
        pass
    return bool(found)
