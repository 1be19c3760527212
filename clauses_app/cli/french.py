"""The command line's own words in French: argparse's, and the operating system's.

argparse words its headings, the help of ``-h`` and its errors in English (``usage:``,
``options``, ``the following arguments are required``) through the process-wide gettext,
which a command line should not reconfigure: the parser class below words them itself, for
the ``clauses`` parser and every subcommand's (``add_subparsers`` makes them of the parent's
class).

The system's errors (``OSError``) carry an English ``strerror`` (« No such file or
directory »): :func:`french_os_error` words one by its ``errno``, and :func:`french_errors`
puts that wording in place of the English one in a sentence written deeper down.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Iterator
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


# The system errors a facilitator can meet (a missing folder, a read-only key, a full disk,
# a file on a network share that went away), by errno name: not every system has each one.
OS_ERRORS: dict[int, str] = {
    getattr(errno, name): french
    for name, french in (
        ("ENOENT", "fichier ou dossier introuvable"),
        ("ENOTDIR", "un élément du chemin n'est pas un dossier"),
        ("EISDIR", "c'est un dossier"),
        ("EEXIST", "le fichier existe déjà"),
        ("EACCES", "accès refusé"),
        ("EPERM", "opération non permise"),
        ("EROFS", "le support est en lecture seule"),
        ("ENOSPC", "le disque est plein"),
        ("EDQUOT", "le quota de disque est atteint"),
        ("EFBIG", "le fichier est trop volumineux"),
        ("ENAMETOOLONG", "le nom du fichier est trop long"),
        ("EIO", "erreur de lecture ou d'écriture sur le support"),
        ("EBUSY", "le fichier est utilisé par un autre programme"),
        ("ETXTBSY", "le fichier est utilisé par un autre programme"),
        ("EMFILE", "trop de fichiers ouverts"),
        ("ENODEV", "support introuvable"),
        ("ENXIO", "support introuvable"),
        ("EINVAL", "nom de fichier ou opération invalide"),
        ("ETIMEDOUT", "le support ou le dossier réseau ne répond pas"),
        ("ESTALE", "le dossier réseau n'est plus accessible"),
    )
    if hasattr(errno, name)
}


def french_os_error(error: OSError) -> str:
    """What went wrong, in French, from the error's number: the system's English text is
    never shown. A text of the application's own (``OSError(errno.EEXIST, "c'est une base
    de données…")``, exchange/writer.py) is kept."""
    if error.errno is None:
        return error.strerror or str(error)
    if error.strerror and not _worded_by_the_system(error):
        return error.strerror
    return OS_ERRORS.get(error.errno, f"erreur du système n° {error.errno}")


def _worded_by_the_system(error: OSError) -> bool:
    return getattr(error, "winerror", None) is not None or error.strerror == os.strerror(
        error.errno or 0
    )


def os_error_message(error: OSError) -> str:
    """One French sentence for a system error no command caught, naming its file."""
    if error.filename is None:
        return f"Erreur du système : {french_os_error(error)}."
    return f"Impossible d'utiliser « {error.filename} » : {french_os_error(error)}."


def _system_errors(error: BaseException) -> Iterator[OSError]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            yield current
        # A message re-raised « from None » still keeps what it was raised from.
        current = current.__cause__ or current.__context__


def french_errors(message: str, error: BaseException) -> str:
    """``message`` with the English wording of the system errors behind ``error`` (its
    ``strerror``, or the whole « [Errno 2] … » text) replaced by :func:`french_os_error`:
    services and reports word their sentence, the system its reason."""
    for system in _system_errors(error):
        french = french_os_error(system)
        for english in (str(system), system.strerror):
            if english and english != french:
                message = message.replace(english, french)
    return message
