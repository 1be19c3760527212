"""The desktop application (PySide6). A thin layer over clauses_app.services."""

from clauses_app.ui.compat import guard_singleton_refcounts

# Before any widget exists, whatever the entry point (app, tests, bench probe).
guard_singleton_refcounts()
