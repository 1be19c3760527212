"""Clauses: the workbench of social insertion clause facilitators.

The core (models, storage, services, reports, exchange) never imports Qt; the desktop
application lives in :mod:`clauses_app.ui` and is a thin layer over the services.
"""

from typing import Any

APP_NAME = "Clauses"
APP_AUTHOR = "Clauses"


def __getattr__(name: str) -> Any:
    """``__version__``, read from the installed metadata when first asked for: importing
    importlib.metadata and reading it is time the window's first paint need not wait."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("clauses")
    except PackageNotFoundError:  # a source tree or a frozen bundle without metadata
        found = "0.1.0"
    globals()["__version__"] = found
    return found
