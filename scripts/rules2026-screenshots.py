"""Screenshots of the 2026 rule (issue 22), for docs/screenshots and the user guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/rules2026-screenshots.py [FOLDER]

On the demonstration data, at a 1366×768 window: alert-social.png (the Alertes page, year 2026,
with the alert « Considération sociale manquante »), form-contract-2026.png (the contract form
at its 2026 fields, on the demo contract that raises the alert), form-authority.png,
settings-thresholds.png (Paramètres ▸ Seuils européens) and settings-thresholds-update.png (the
same on 2 January 2028, with « Seuils à mettre à jour »), report-compliance.png (the balance
report's compliance section, rendered from the PDF by pdftoppm). Everything happens in a
throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication, QScrollArea
from screenshot_helpers import SIZE, pdf_page, save, settle  # sets up the display and CLAUSES_HOME


def main(folder: Path) -> int:
    from sqlalchemy import select

    from clauses_app.models import ContractingAuthority
    from clauses_app.reports.balance import write_balance_report
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.compliance import Compliance, contracts_compliance
    from clauses_app.services.periods import Period
    from clauses_app.services.records import Kind
    from clauses_app.ui.app import fill_demo, install_french
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.forms import open_form
    from clauses_app.ui.main_window import MainWindow
    from clauses_app.ui.pages import thresholds_tab

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)
    work = Path(tempfile.mkdtemp(prefix="clauses-shots-db-"))
    database = open_app_database(str(work / "demo.sqlite3"))
    fill_demo(database)
    with database.session() as session:
        missing = next(c for c in contracts_compliance(session)
                       if c.status == Compliance.MISSING)  # fmt: skip
        authority = session.scalars(
            select(ContractingAuthority).where(ContractingAuthority.uuid == missing.authority_uuid)
        ).one()
    window = MainWindow(AppContext(database), remember=False)
    window.resize(*SIZE)
    window.show()
    settle(app)
    window.switch_page("alerts")
    alerts = window.page("alerts")
    alerts.year_combo.setCurrentIndex(alerts.year_combo.findData(2026))  # type: ignore[attr-defined]
    alerts.group_combo.setCurrentIndex(1)  # type: ignore[attr-defined]  # by kind
    settle(app)
    tree, model = alerts.tree, alerts.model  # type: ignore[attr-defined]
    tree.collapseAll()
    for row in range(model.rowCount()):  # only the 2026 rule's alerts open
        if "considération" in model.item(row, 0).text().lower():
            tree.expand(model.index(row, 0))
            tree.setCurrentIndex(model.index(0, 0, model.index(row, 0)))
    settle(app)
    save(window.grab(), folder / "alert-social.png")

    form = open_form(window.context, Kind.CONTRACT, missing.contract_uuid)
    form.resize(760, 740)
    form.show()
    settle(app)
    scroll = form.findChild(QScrollArea)
    assert scroll is not None
    scroll.ensureWidgetVisible(form.compliance_label)  # type: ignore[attr-defined]
    settle(app)
    save(form.grab(), folder / "form-contract-2026.png")
    form.close()
    form = open_form(window.context, Kind.AUTHORITY, authority.uuid)
    form.show()
    settle(app)
    save(form.grab(), folder / "form-authority.png")
    form.close()

    window.switch_page("settings")
    settings = window.page("settings")
    settings.tabs.setCurrentWidget(settings.thresholds_tab)  # type: ignore[attr-defined]
    settle(app)
    save(window.grab(), folder / "settings-thresholds.png")
    thresholds_tab.today = lambda: date(2028, 1, 2)  # type: ignore[assignment]
    settings.refresh()  # type: ignore[attr-defined]
    settle(app)
    save(window.grab(), folder / "settings-thresholds-update.png")

    pdf = write_balance_report(database, authority.uuid, Period.year(2026), "pdf",
                               work / "bilan-2026.pdf")  # fmt: skip
    pdf_page(pdf, "obligation 2026", folder / "report-compliance")
    window.close()
    window.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
