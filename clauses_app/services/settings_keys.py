"""The settings of *Paramètres ▸ Calculs* by name, for ``clauses settings show|set``: every
scalar of ``AppSettings`` and every counting rule (``counting.<rule>``), read and written as
text with the bounds the page's boxes have. Organisation identity has its own command
(``clauses organisation``); the thresholds theirs (``clauses thresholds``). Qt-free."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from clauses_app.services.settings import (
    ROUNDING_MODES,
    AppSettings,
    CountingRules,
    SubcontractingMode,
    UnvalidatedHours,
)

COUNTING = "counting."
TRUE, FALSE = ("oui", "true", "vrai", "1"), ("non", "false", "faux", "0")
NONE = ("", "aucun", "aucune", "none")


class SettingError(ValueError):
    """A setting name or value refused: one French sentence."""


@dataclass(frozen=True)
class Bounds:
    """What a setting accepts: a number within [low, high], or one of ``choices``."""

    label: str  # as in Paramètres
    low: Decimal | None = None
    high: Decimal | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  # None (« aucun ») allowed: no cap


def _n(low: float | int, high: float | int) -> tuple[Decimal, Decimal]:
    return Decimal(str(low)), Decimal(str(high))


BOUNDS: dict[str, Bounds] = {
    "etp_basis": Bounds("Base d'un ETP (h par an)", *_n(1, 3000)),
    "hourly_cost": Bounds("Coût horaire chargé par défaut (€/h)", *_n(0.01, 1000)),
    "rounding_mode": Bounds("Arrondi des heures exigées", choices=tuple(ROUNDING_MODES)),
    "rounding_step": Bounds("Pas de l'arrondi (h)", *_n(1, 1000)),
    "eligibility_validity_months": Bounds("Validité d'une éligibilité (mois)", *_n(1, 60)),
    "eligibility_requires_evidence": Bounds("Un critère daté sans justificatif est à documenter",
                                            choices=("oui", "non")),
    "monthly_hours_warning": Bounds("Heures mensuelles signalées au-delà de", *_n(0, 744)),
    "contract_ending_alert_days": Bounds("Alerte de fin de marché (jours avant)", *_n(0, 3650)),
    "retention_years": Bounds("Conservation après le dernier contact (ans)", *_n(1, 30)),
    "backup_keep": Bounds("Sauvegardes conservées", *_n(1, 100)),
    "default_penalty_per_hour": Bounds("Pénalité par heure non réalisée (€)", *_n(0, 100_000)),
    "default_statement_penalty_per_day": Bounds(
        "Pénalité par jour de retard d'un relevé (€)", *_n(0, 100_000)
    ),
    "default_award_criterion_weight": Bounds("Pondération du critère d'insertion (%)",
                                             *_n(0, 100)),
    COUNTING + "cdi_cap_months": Bounds("Heures d'un CDI : plafond (mois)", *_n(1, 120),
                                        optional=True),
    COUNTING + "training_counted": Bounds("Comptabiliser les heures de formation",
                                          choices=("oui", "non")),
    COUNTING + "training_cap_percent": Bounds("Heures de formation : plafond (% des heures)",
                                              *_n(0, 100), optional=True),
    COUNTING + "subcontracting_mode": Bounds("Sous-traitance à une SIAE",
                                             choices=SubcontractingMode.ALL),
    COUNTING + "subcontracting_labour_share": Bounds("Part de main-d'œuvre (conversion, %)",
                                                     *_n(0, 100)),
    COUNTING + "transferred_staff_counted": Bounds("Comptabiliser le personnel transféré",
                                                   choices=("oui", "non")),
    COUNTING + "only_performance_period": Bounds("Seulement pendant la période d'exécution",
                                                 choices=("oui", "non")),
    COUNTING + "unvalidated_hours": Bounds("Heures d'une éligibilité non validée",
                                           choices=UnvalidatedHours.ALL),
}  # fmt: skip


def setting_values(settings: AppSettings) -> dict[str, Any]:
    """Every setting of :data:`BOUNDS` by name, as stored (Decimal, int, bool, str, None)."""
    return {name: _current(settings, name) for name in BOUNDS}


def _current(settings: AppSettings, name: str) -> Any:
    if name.startswith(COUNTING):
        return getattr(settings.counting, name.removeprefix(COUNTING))
    return getattr(settings, name)


def with_setting(settings: AppSettings, name: str, text: str) -> AppSettings:
    """``settings`` with one setting changed from its text (« 15 », « 12,5 », « oui »,
    « aucun »). Raises :class:`SettingError` for an unknown name or a refused value."""
    bounds = BOUNDS.get(name)
    if bounds is None:
        raise SettingError(f"Réglage inconnu : « {name} ». Réglages : {', '.join(BOUNDS)}.")
    value = _parse(name, bounds, _current(settings, name), text.strip())
    if name.startswith(COUNTING):
        counting: CountingRules = replace(settings.counting, **{name[len(COUNTING) :]: value})
        return replace(settings, counting=counting)
    return replace(settings, **{name: value})


def _parse(name: str, bounds: Bounds, current: Any, text: str) -> Any:
    if bounds.optional and text.lower() in NONE:
        return None
    if bounds.choices == ("oui", "non"):
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise SettingError(f"{bounds.label} : répondez oui ou non (« {text} »).")
    if bounds.choices:
        if text.upper() in bounds.choices:
            return text.upper()
        raise SettingError(
            f"{bounds.label} : « {text} » n'est pas une valeur admise "
            f"({', '.join(bounds.choices)})."
        )
    try:
        number = Decimal(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        raise SettingError(f"{bounds.label} : « {text} » n'est pas un nombre.") from None
    assert bounds.low is not None and bounds.high is not None
    if not number.is_finite() or not bounds.low <= number <= bounds.high:
        raise SettingError(
            f"{bounds.label} : la valeur doit être comprise entre {_plain(bounds.low)} et "
            f"{_plain(bounds.high)} (« {text} »)."
        )
    whole = _is_int(name)
    if whole and number != number.to_integral_value():
        raise SettingError(f"{bounds.label} : un nombre entier est attendu (« {text} »).")
    return int(number) if whole else number.quantize(Decimal("0.01"))


def _is_int(name: str) -> bool:
    if name.startswith(COUNTING):
        kind = next(f.type for f in fields(CountingRules) if f.name == name[len(COUNTING) :])
    else:
        kind = next(f.type for f in fields(AppSettings) if f.name == name)
    return "int" in str(kind)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")
