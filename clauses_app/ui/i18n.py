"""The window in French: Qt's own catalogue, plus the few texts that catalogue leaves in English.

Qt's ``qtbase_fr`` translates most of its widgets, but Qt's own (non-native) file dialog still
says « Look in: » and « Files of type: », and the file-type column says « Folder » and
« txt File ». :class:`FrenchExtras` answers those from a small table (no ``.qm`` file to
build or ship); it is installed after Qt's catalogue, so it is asked first and, for anything
it does not know, Qt's catalogue answers. Where the platform has a native file dialog
(Windows), the dialog is the system's and already French.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

PERCENT_FORMAT = "%p\u00a0%"  # a progress bar's text, as Babel writes a French percentage

# (Qt's translation context, English source text) → French. Disambiguations are ignored:
# Qt asks "Folder" with "All other platforms" and "File Folder" with "Match Windows Explorer".
EXTRAS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Regarder dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "&Type de fichier\u00a0:",
    ("QFileDialog", "Alias"): "Alias",
    ("QAbstractFileIconProvider", "Drive"): "Disque",
    ("QAbstractFileIconProvider", "Folder"): "Dossier",
    ("QAbstractFileIconProvider", "File Folder"): "Dossier de fichiers",
    ("QAbstractFileIconProvider", "Alias"): "Alias",
    ("QAbstractFileIconProvider", "Shortcut"): "Raccourci",
    ("QAbstractFileIconProvider", "%1 File"): "Fichier %1",
    ("QAbstractFileIconProvider", "File"): "Fichier",
    ("QAbstractFileIconProvider", "Unknown"): "Inconnu",
    ("QFileSystemModel", "Type"): "Type",
    # File types (MIME comments) of the files the application reads and writes, for a Qt
    # whose MIME database has no French comments (the Windows build's built-in one).
    ("QMimeType", "PDF document"): "document PDF",
    ("QMimeType", "Word 2007 document"): "document Word 2007",
    ("QMimeType", "Excel 2007 spreadsheet"): "feuille de calcul Excel 2007",
    ("QMimeType", "Excel spreadsheet"): "feuille de calcul Excel",
    ("QMimeType", "ODS spreadsheet"): "feuille de calcul ODS",
    ("QMimeType", "CSV document"): "document CSV",
    ("QMimeType", "SQLite3 database"): "base de données SQLite3",
    ("QMimeType", "Zip archive"): "archive ZIP",
    ("QMimeType", "plain text document"): "document texte brut",
    ("QMimeType", "HTML document"): "document HTML",
    ("QMimeType", "PNG image"): "image PNG",
    ("QMimeType", "folder"): "dossier",
    ("QMimeType", "empty document"): "document vide",
    ("QMimeType", "unknown"): "inconnu",
}


class FrenchExtras(QTranslator):
    """The texts Qt's French catalogue leaves in English (see :data:`EXTRAS`)."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None (a null QString) lets the next catalogue answer.
        return EXTRAS.get((context, source_text))

    def isEmpty(self) -> bool:
        return False


def install_french(app: QCoreApplication) -> list[QTranslator]:
    """French default locale, Qt's French catalogue and :class:`FrenchExtras`, installed once
    per application (a second call changes nothing). Returns the translators installed by
    this application, children of ``app``."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    installed = [t for t in app.findChildren(QTranslator) if t.objectName().startswith("fr:")]
    if installed:
        return installed
    qt_catalogue = QTranslator(app)
    qt_catalogue.setObjectName("fr:qtbase")
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_catalogue.load("qtbase_fr", folder):
        app.installTranslator(qt_catalogue)
        installed.append(qt_catalogue)
    extras = FrenchExtras(app)
    extras.setObjectName("fr:extras")
    app.installTranslator(extras)  # installed last, asked first
    installed.append(extras)
    return installed
