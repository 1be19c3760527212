"""The desktop application (PySide6). A thin layer over clauses_app.services."""

import PySide6.QtCore  # noqa: F401  (installs the import hook skip_feature_source_scan tames)

from clauses_app.ui.compat import guard_singleton_refcounts, skip_feature_source_scan

# Before any widget exists, whatever the entry point (app, tests, bench probe).
guard_singleton_refcounts()
skip_feature_source_scan()
