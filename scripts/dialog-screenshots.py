"""Screenshots of the forms and exchange dialogs the user guide shows, for docs/screenshots.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/dialog-screenshots.py [FOLDER]

On the demonstration data, at a 1366×768 window, each dialog centred over the window:
form-contract.png (the form of the demo's first contract), export.png (Exporter au format
Clause…), import-sheet.png (Importer un tableur…, step 2: the columns of a company's monthly
statement from shared/samples, recognised from their headings), import-clause.png (Importer un
fichier Clause…, the preview of a file exported from the same data in which one company's
name then changed here). Everything happens in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from screenshot_helpers import demo_window, run, save, settle, with_dialog  # display first

# A company's monthly statement, as the samples give it (the project's shared test data).
STATEMENT_SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "samples" / "releve-SARLBatiOuest-2025.xlsx"
)


def main(folder: Path) -> int:
    from PySide6.QtCore import QDeadlineTimer, QThreadPool
    from sqlalchemy import select

    from clauses_app.exchange.writer import export_clause_file
    from clauses_app.models import Company, PublicContract
    from clauses_app.services.records import Kind
    from clauses_app.ui.forms import open_form
    from clauses_app.ui.imports import open_clause_import, open_export, open_sheet_import

    app, window = demo_window()
    context = window.context
    database = context.database

    def idle() -> None:
        """Every background task over (previews are read on the task pool), then settled."""
        QThreadPool.globalInstance().waitForDone(QDeadlineTimer(60_000))
        settle(app)

    with database.session() as session:
        first = select(PublicContract).order_by(PublicContract.reference)
        contract = session.scalars(first).first()
        assert contract is not None, "the demo has contracts"
        contract_uuid = contract.uuid
    form = open_form(context, Kind.CONTRACT, contract_uuid, window)
    settle(app)
    save(with_dialog(window, form), folder / "form-contract.png")
    form.reject()

    dialog = open_export(context, window)
    settle(app)
    save(with_dialog(window, dialog), folder / "export.png")
    dialog.close()

    if STATEMENT_SAMPLE.is_file():
        dialog = open_sheet_import(context, window, STATEMENT_SAMPLE)
        settle(app)
        dialog.go_next()  # type: ignore[attr-defined]  # to the columns, once they are read
        idle()
        save(with_dialog(window, dialog), folder / "import-sheet.png")
        dialog.close()
    else:
        print(f"import-sheet.png not taken: {STATEMENT_SAMPLE} is missing")

    exported = Path(tempfile.mkdtemp(prefix="clauses-shots-")) / "PLIE-janvier-2026.clause"
    export_clause_file(database, exported)
    with database.session() as session:  # changed here after the export: one conflict
        company = session.scalars(select(Company).order_by(Company.name)).first()
        assert company is not None, "the demo has companies"
        company.name = f"{company.name} (nouvelle raison sociale)"
        session.commit()
    dialog = open_clause_import(context, window, exported)
    idle()
    save(with_dialog(window, dialog), folder / "import-clause.png")
    dialog.close()
    return 0


if __name__ == "__main__":
    run(main)
