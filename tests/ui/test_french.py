"""The window speaks French once the application is set up: Qt's standard buttons, Qt's own
file dialog (labels and file types) and the progress bars' percentages."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeView,
)

from clauses_app.services.progress import CancelFlag
from clauses_app.storage import Database
from clauses_app.ui.app import install_french
from clauses_app.ui.tasks import run_task

ENGLISH = ("Look in", "Files of type", "File name", "Folder", "Cancel", "Open", "File")


def test_a_standard_button_reads_annuler(qapp: Any) -> None:
    install_french(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"


def test_installing_twice_installs_nothing_more(qapp: Any) -> None:
    install_french(qapp)
    before = QCoreApplication.translate("QFileDialog", "&Look in:")
    install_french(qapp)
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == before
    assert QCoreApplication.translate("QFileDialog", "&Look in:") != "&Look in:"


def test_qt_file_dialog_labels_and_file_types_are_french(qapp: Any, qtbot: Any,
                                                           tmp_path: Path) -> None:  # fmt: skip
    install_french(qapp)
    (tmp_path / "bilans").mkdir()
    (tmp_path / "suivi.clause").write_bytes(b"\x00\x01binaire")
    dialog = QFileDialog(None, "Ouvrir", str(tmp_path), "Fichier Clause (*.clause)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "&Regarder dans\u00a0:"
    assert labels["fileNameLabel"] == "&Nom de fichier\u00a0:"
    assert labels["fileTypeLabel"] == "&Type de fichier\u00a0:"
    buttons = [button.text() for button in dialog.findChildren(QPushButton)]
    assert "Annuler" in buttons and "&Ouvrir" in buttons
    view = dialog.findChild(QTreeView, "treeView")
    model, root = view.model(), view.rootIndex()
    qtbot.waitUntil(lambda: model.rowCount(view.rootIndex()) == 2)
    root = view.rootIndex()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Nom", "Taille", "Type", "Dernière modification"]
    types = {model.index(r, 0, root).data(): model.index(r, 2, root).data() for r in range(2)}
    assert types["bilans"] == "Dossier"
    shown = " ".join([*labels.values(), *buttons, *(str(t) for t in types.values())])
    for word in ENGLISH:
        assert word not in shown, word


def test_progress_percentages_are_written_the_french_way(qtbot: Any, database: Database) -> None:
    halfway, go_on = threading.Event(), threading.Event()

    def work(db: Database, progress: CancelFlag) -> None:
        progress(10, 100, "Étape")
        halfway.set()
        go_on.wait(10)

    task = run_task(None, "Travail", database, work, changes_data=False)
    try:
        qtbot.waitUntil(halfway.is_set)
        assert task.dialog is not None
        bar = task.dialog.findChild(QProgressBar)
        qtbot.waitUntil(lambda: bar.value() == 10)
        assert bar.text() == "10\u00a0%"
    finally:
        go_on.set()
        qtbot.waitUntil(lambda: not task.is_running)
