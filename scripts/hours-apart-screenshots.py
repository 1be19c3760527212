"""Screenshots of what the figures show apart (hours of pending eligibility, planned hours of
lots without an awardee), on the demonstration data, for docs/screenshots and the guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/hours-apart-screenshots.py [FOLDER]

Writes dashboard.png (the window at 1366×768 on the dashboard, 2025, every authority) and
form-contract-figures.png (a contract's view with its hours). The demo's first contract gets
one more lot of 1,400 h that no company is awarded. Everything happens in a throw-away
CLAUSES_HOME.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this tree's clauses_app
os.environ["CLAUSES_HOME"] = tempfile.mkdtemp(prefix="clauses-shots-")

from PySide6.QtWidgets import QApplication

SIZE = (1366, 768)


def main(folder: Path) -> int:
    from sqlalchemy import select

    from clauses_app.models import (
        Award,
        CriterionStatus,
        Employment,
        Lot,
        ParticipantCriterion,
        PublicContract,
    )
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.records import Kind
    from clauses_app.ui.app import fill_demo, install_french, wait_until_settled
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.forms import open_form
    from clauses_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)
    path = Path(tempfile.mkdtemp(prefix="clauses-shots-db-")) / "demo.sqlite3"
    demo = open_app_database(str(path))
    fill_demo(demo)
    with demo.transaction() as s:
        contract = s.scalars(
            select(PublicContract)
            .where(PublicContract.start_date <= date(2025, 6, 30))
            .order_by(PublicContract.reference)
        ).first()
        assert contract is not None
        s.add(Lot(contract_uuid=contract.uuid, number="9", title="Voirie (non attribué)",
                  required_hours=Decimal(1400)))  # fmt: skip
        contract_uuid = contract.uuid
        # Two people at work on it lose their criteria: eligibility to be documented.
        people = s.scalars(
            select(Employment.participant_uuid)
            .join(Award, Employment.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .where(Lot.contract_uuid == contract_uuid)
            .order_by(Employment.start_date)
            .limit(2)
        ).all()
        for criterion in s.scalars(
            select(ParticipantCriterion).where(ParticipantCriterion.participant_uuid.in_(people))
        ):
            criterion.validated_on = None
            criterion.status = CriterionStatus.TO_DOCUMENT
    context = AppContext(demo)
    window = MainWindow(context, remember=False)
    window.resize(*SIZE)
    window.show()
    wait_until_settled(app, timeout=120)
    page = window.page("dashboard")
    page.year_combo.setCurrentIndex(page.year_combo.findText("2025"))
    wait_until_settled(app, timeout=120)
    folder.mkdir(parents=True, exist_ok=True)
    shots = [(window, folder / "dashboard.png")]
    form = open_form(context, Kind.CONTRACT, contract_uuid, parent=window)
    form.resize(760, 520)
    form.show()
    app.processEvents()
    while form.figures_task is not None:  # type: ignore[attr-defined]
        app.processEvents()
    app.processEvents()
    for widget, target in shots:
        if not widget.grab().save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        print(target)
    target = folder / "form-contract-figures.png"
    if not form.grab().save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    print(target)
    form.close()
    window.close()
    window.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
