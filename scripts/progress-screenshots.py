"""Screenshots of the lists' progress and of « Saisie du mois », on the demonstration data,
for docs/screenshots and the guide (docs/guide/heures.md).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/progress-screenshots.py [FOLDER]

Writes contracts-progress.png (contracts and the selected contract's lots and awards, 2025),
companies-progress.png (companies sorted on hours done), employments-progress.png
(« Contrats et heures » with hours and last month) and month-grid.png (one employer's
month), each at 1366×768, in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from screenshot_helpers import demo_window, run, save, settle, with_dialog


def main(folder: Path) -> int:
    from clauses_app.ui.imports import open_month_grid

    app, window = demo_window()
    context = window.context

    def figures_shown(panel: object) -> None:
        model = panel.model  # type: ignore[attr-defined]
        while not (model.rowCount() and model.row(0).values.get("hours_done") is not None):
            app.processEvents()
        settle(app)

    window.switch_page("contracts")
    settle(app)
    page = window.page("contracts")
    year = page.contracts.filters["year"]  # type: ignore[attr-defined]
    year.setCurrentIndex(year.findData(2025))
    figures_shown(page.contracts)  # type: ignore[attr-defined]
    contracts = page.contracts  # type: ignore[attr-defined]
    contracts.view.sortByColumn(
        contracts.model.column_index("hours_done"), Qt.SortOrder.DescendingOrder
    )
    contracts.view.setCurrentIndex(contracts.model.index(0, 0))  # its lots below
    settle(app)
    figures_shown(page.lots)  # type: ignore[attr-defined]
    save(window.grab(), folder / "contracts-progress.png")

    window.switch_page("companies")
    settle(app)
    panel = window.page("companies").panel  # type: ignore[attr-defined]
    figures_shown(panel)
    panel.view.sortByColumn(
        panel.model.column_index("hours_done"), Qt.SortOrder.DescendingOrder
    )
    settle(app)
    save(window.grab(), folder / "companies-progress.png")

    window.switch_page("employments")
    settle(app)
    figures_shown(window.page("employments").panel)  # type: ignore[attr-defined]
    save(window.grab(), folder / "employments-progress.png")

    dialog = open_month_grid(context, window, month=(2025, 6))
    dialog.resize(1100, 600)
    combo = dialog.employer_combo  # type: ignore[attr-defined]
    # The employer with the most work contracts that month: « Nom (N contrats) ».
    counts = [int(re.sub(r"\D", "", combo.itemText(i).rsplit("(", 1)[-1]) or 0)
              for i in range(combo.count())]  # fmt: skip
    combo.setCurrentIndex(counts.index(max(counts)))
    settle(app)
    save(with_dialog(window, dialog), folder / "month-grid.png")
    dialog.close()
    window.close()
    window.close_database()
    return 0


if __name__ == "__main__":
    run(main)
