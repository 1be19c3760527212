"""Clauses: the workbench of social insertion clause facilitators.

The core (models, storage, services, reports, exchange) never imports Qt; the desktop
application lives in :mod:`clauses_app.ui` and is a thin layer over the services.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clauses")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"

APP_NAME = "Clauses"
APP_AUTHOR = "Clauses"
