"""argparse in French: its headings, the help of ``-h``, and the errors a user can meet.

argparse words these in English (``usage:``, ``options``, ``the following arguments are
required``) through the process-wide gettext, which a command line should not reconfigure:
the parser class below words them itself, for the ``clauses`` parser and every subcommand's
(``add_subparsers`` makes them of the parent's class).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

HELP = "afficher cette aide et quitter"

# argparse's error messages (Python 3.11 to 3.13), and their French.
ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), french)
    for pattern, french in (
        (r"^the following arguments are required: (.*)$", r"arguments obligatoires : \1"),
        (r"^unrecognized arguments: (.*)$", r"arguments non reconnus : \1"),
        (r"^one of the arguments (.*) is required$", r"un de ces arguments est obligatoire : \1"),
        (r"^ambiguous option: (\S*) could match (.*)$", r"option ambiguë : \1 peut désigner \2"),
        (r"^argument (.*?): invalid choice: (.*) \(choose from (.*)\)$",
         r"argument \1 : choix invalide \2 (choisir parmi \3)"),
        (r"^argument (.*?): invalid \S+ value: (.*)$", r"argument \1 : valeur invalide \2"),
        (r"^argument (.*?): expected one argument$", r"argument \1 : une valeur est attendue"),
        (r"^argument (.*?): expected at least one argument$",
         r"argument \1 : au moins une valeur est attendue"),
        (r"^argument (.*?): expected at most one argument$",
         r"argument \1 : une valeur au plus est attendue"),
        (r"^argument (.*?): not allowed with argument (.*)$",
         r"argument \1 : incompatible avec \2"),
        (r"^argument (.*?): ignored explicit argument (.*)$",
         r"argument \1 : valeur ignorée \2 (cette option n'en prend pas)"),
    )
)  # fmt: skip


def french_error(message: str) -> str:
    """argparse's ``message`` in French (unchanged when it is not one of argparse's own:
    the commands' own type checks already speak French)."""
    for pattern, french in ERRORS:
        if pattern.match(message):
            return pattern.sub(french, message)
    return message


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are French."""

    def __init__(self, **kwargs: Any) -> None:  # argparse itself passes keywords only
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {french_error(message)}\n")
