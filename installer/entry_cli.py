"""Frozen entry point of the command line (``clauses``)."""

import sys

from clauses_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
