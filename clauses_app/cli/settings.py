"""``clauses settings show [--json]`` and ``clauses settings set NOM VALEUR``: the settings of
*Paramètres ▸ Calculs* (ETP basis, rounding, the wording's award-criterion weight and
statement penalty, the default counting rules…), as the window edits them."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from clauses_app.cli.common import CliError, opened_database, print_json
from clauses_app.services.settings import load_settings, save_settings
from clauses_app.services.settings_keys import BOUNDS, SettingError, setting_values, with_setting


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser(
        "settings", help="réglages de calcul (Paramètres) : afficher, changer"
    )
    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="afficher les réglages")
    show.add_argument("--json", action="store_true", help="sortie JSON")
    show.set_defaults(handler=cmd_show)
    change = actions.add_parser("set", help="changer un réglage (voir « show » pour les noms)")
    change.add_argument("name", metavar="NOM", help="par exemple default_award_criterion_weight")
    change.add_argument("value", metavar="VALEUR", help="« 15 », « 12,5 », « oui », « aucun »")
    change.set_defaults(handler=cmd_set)


def _text(value: Any) -> str:
    if value is None:
        return "aucun"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def cmd_show(args: argparse.Namespace) -> int:
    with opened_database(args) as database, database.session() as session:
        values = setting_values(load_settings(session))
    if args.json:
        print_json({name: _json(value) for name, value in values.items()})
        return 0
    for name, value in values.items():
        print(f"{name} = {_text(value)}    ({BOUNDS[name].label})")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    with opened_database(args) as database:
        with database.transaction() as session:
            try:
                changed = with_setting(load_settings(session), args.name, args.value)
            except SettingError as exc:
                raise CliError(f"{exc} Rien n'a été enregistré.") from None
            save_settings(session, changed)
        value = setting_values(changed)[args.name]
    print(f"{BOUNDS[args.name].label} : {_text(value)}.")
    return 0
