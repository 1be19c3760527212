"""Balance reports (bilans) per contracting authority, as PDF (to send) or DOCX (to edit).

Both formats render the same document blocks. A file is written whole or not at all (a
temporary file in the target folder, then a rename); problems raise :class:`ReportError`.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import exists, select

from clauses_app.models import ContractingAuthority, PublicContract
from clauses_app.reports.atomic import write_atomically
from clauses_app.reports.balance_document import build_balance_document
from clauses_app.reports.document import Document
from clauses_app.reports.errors import ReportError
from clauses_app.services.balance import UnknownAuthorityError, build_balance
from clauses_app.services.narratives import get_narrative, period_key
from clauses_app.services.periods import Period
from clauses_app.services.progress import Progress, report
from clauses_app.storage import Database

FORMATS = ("pdf", "docx")


def _writer(fmt: str) -> Callable[[Document, Path], None]:
    if fmt == "pdf":
        from clauses_app.reports.pdf_writer import write_pdf

        return write_pdf
    if fmt == "docx":
        from clauses_app.reports.docx_writer import write_docx

        return write_docx
    raise ReportError(f"Format inconnu : « {fmt} » (pdf ou docx).")


def write_balance_report(
    database: Database,
    authority_uuid: uuid.UUID,
    period: Period | None,
    fmt: str,
    out_path: Path | str,
    *,
    nominative: bool = False,
    narrative: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the balance report of one authority for ``period`` to ``out_path``.

    ``narrative`` None uses the text stored for this authority and period. The report is
    anonymised unless ``nominative`` asks for the annex of personal data; its file name then
    says so (:func:`nominative_file_name`), whatever ``out_path`` was, and the path written
    is returned.
    """
    write = _writer(fmt)
    out_path = Path(out_path)
    if nominative:
        out_path = out_path.with_name(nominative_file_name(out_path.name))
    report(progress, 0, 3, "Calcul des chiffres")
    with database.session() as session:
        try:
            data = build_balance(session, authority_uuid, period, nominative=nominative)
        except UnknownAuthorityError as exc:
            raise ReportError(str(exc)) from None
        if narrative is None:
            narrative = get_narrative(session, authority_uuid, period)
    report(progress, 1, 3, "Mise en page")
    document = build_balance_document(data, narrative)
    report(progress, 2, 3, "Écriture du fichier")
    path = write_atomically(out_path, lambda temp: write(document, temp))
    report(progress, 3, 3, "Terminé")
    return path


def nominative_file_name(name: str) -> str:
    """``bilan-2025-ville-a.pdf`` → ``bilan-2025-ville-a-NOMINATIF.pdf``: a file holding
    personal data never hides it behind an ordinary name (unchanged when it already says it)."""
    path = Path(name)
    if "NOMINATIF" in path.stem.upper():
        return name
    return f"{path.stem}-NOMINATIF{path.suffix}"


def slug(text: str) -> str:
    """A file-name-safe version of a name: ``Ville d'Évry`` → ``ville-d-evry``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "donneur-d-ordre"


def report_file_name(authority_name: str, period: Period | None, fmt: str) -> str:
    """``bilan-2025-ville-de-testville.pdf``."""
    key = period_key(period).replace("..", "_au_") or "toutes-periodes"
    return f"bilan-{key}-{slug(authority_name)}.{fmt}"


def authorities_to_report(database: Database) -> list[tuple[uuid.UUID, str]]:
    """Authorities of a batch: not archived and with at least one contract, by name."""
    with database.session() as session:
        has_contract = exists().where(PublicContract.authority_uuid == ContractingAuthority.uuid)
        rows = session.execute(
            select(ContractingAuthority.uuid, ContractingAuthority.name)
            .where(ContractingAuthority.archived.is_(False), has_contract)
            .order_by(ContractingAuthority.name, ContractingAuthority.uuid)
        )
        return list(rows)


def write_all_balance_reports(
    database: Database,
    period: Period | None,
    fmt: str,
    out_dir: Path | str,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """One report per authority (see :func:`authorities_to_report`) into ``out_dir``.

    ``progress`` is called before each report and may raise ``Cancelled``: the reports
    already written stay, each of them complete.
    """
    _writer(fmt)
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"Impossible de créer le dossier « {folder} » : {exc.strerror or exc}."
        ) from exc
    authorities = authorities_to_report(database)
    written: list[Path] = []
    used: set[str] = set()
    for index, (authority_uuid, name) in enumerate(authorities):
        report(progress, index, len(authorities), name)
        file_name = report_file_name(name, period, fmt)
        if file_name in used:  # two authorities with the same name
            file_name = file_name.replace(f".{fmt}", f"-{str(authority_uuid)[:8]}.{fmt}")
        used.add(file_name)
        path = folder / file_name
        written.append(write_balance_report(database, authority_uuid, period, fmt, path))
    report(progress, len(authorities), len(authorities), "Terminé")
    return written
