"""Documents: clause wording for tender documents and balance reports (DOCX, PDF). Qt-free."""

from clauses_app.reports.errors import ReportError

__all__ = ["ReportError"]
