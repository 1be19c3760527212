"""Frozen entry point of the windowed application (``clauses-app``)."""

import sys

from clauses_app.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
