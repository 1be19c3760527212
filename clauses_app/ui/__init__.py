"""The desktop application (PySide6). A thin layer over clauses_app.services."""
