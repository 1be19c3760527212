"""Screenshots of framework contracts sized on the amount invoiced (issue 22, item 4), for
docs/screenshots and the user guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/framework-screenshots.py [FOLDER]

On a small hand-made base: form-award-invoiced.png (an award's form with its amounts
invoiced, their total and the hours they call for), form-lot-invoiced.png (the lot's clause
« 1 h par tranche de 2 000 € HT facturés ») and report-framework.png (the balance report's
section, rendered from the PDF by pdftoppm). Everything happens in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication
from screenshot_helpers import pdf_page, save, settle  # sets up the display and CLAUSES_HOME

ORDERS = (  # (date, amount € HT, order number)
    (date(2026, 1, 30), "12400", "BC-2026-001"),
    (date(2026, 2, 27), "18650", "BC-2026-002"),
    (date(2026, 3, 31), "31200", "BC-2026-003"),
    (date(2026, 4, 30), "27900", "BC-2026-004"),
    (date(2026, 5, 29), "21850", "BC-2026-005"),
    (date(2026, 6, 30), "36000", "BC-2026-006"),
)


def main(folder: Path) -> int:
    from clauses_app.models import ClauseMode, Invoice
    from clauses_app.reports.balance import write_balance_report
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.periods import Period
    from clauses_app.services.records import Kind
    from clauses_app.ui.app import install_french
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.forms import open_form
    from tests import builders as b

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)
    work = Path(tempfile.mkdtemp(prefix="clauses-shots-db-"))
    database = open_app_database(str(work / "framework.sqlite3"))
    with database.transaction() as s:
        metropole = b.authority(s, "Nantes Métropole", city="Nantes")
        contract = b.contract(
            s, metropole, "AC-2026-014", object="Entretien des espaces verts (accord-cadre)",
            start_date=date(2026, 1, 1), end_date=date(2029, 12, 31),
        )  # fmt: skip
        lot = b.lot(s, contract, "2", title="Tonte et débroussaillage",
                    clause_mode=ClauseMode.INVOICED, tranche_amount=Decimal(2000),
                    tranche_hours=Decimal(1), amount_ht=Decimal(600000))  # fmt: skip
        award = b.award(s, lot, b.company(s, "Jardins d'insertion de l'Erdre", kind="SIAE"),
                        award_date=date(2025, 12, 12))  # fmt: skip
        for day, amount, reference in ORDERS:
            s.add(Invoice(award_uuid=award.uuid, invoiced_on=day, amount_ht=Decimal(amount),
                          reference=reference))  # fmt: skip
        for number, (last, first) in enumerate((("Diallo", "Awa"), ("Martin", "Hugo")), 1):
            job = b.employment(s, award, b.participant(s, last, first), date(2026, number, 5))
            for month in range(number, 7):
                b.month_hours(s, job, 2026, month, "7" if number == 1 else "4")
        other = b.lot(s, contract, "3", title="Élagage", clause_mode=ClauseMode.INVOICED,
                      tranche_amount=Decimal(2000), tranche_hours=Decimal(1))  # fmt: skip
        b.award(s, other, b.company(s, "Arbres et Compagnie"))
        lot_uuid, award_uuid, authority = lot.uuid, award.uuid, metropole.uuid
    context = AppContext(database)

    for kind, record, name in ((Kind.AWARD, award_uuid, "form-award-invoiced"),
                               (Kind.LOT, lot_uuid, "form-lot-invoiced")):  # fmt: skip
        form = open_form(context, kind, record)
        form.resize(760, 700)
        form.show()
        settle(app)
        save(form.grab(), folder / f"{name}.png")
        form.close()

    pdf = write_balance_report(database, authority, Period.year(2026), "pdf",
                               work / "bilan-2026.pdf")  # fmt: skip
    pdf_page(pdf, "Accords-cadres", folder / "report-framework")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
