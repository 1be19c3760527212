"""Settings with documented defaults (see docs/counting-rules.md).

Global values live in the ``setting`` table as JSON; an operation or a contract may override
the counting rules through its ``rules_override`` mapping (contract over operation over global).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import Setting

ROUNDING_MODES = {"HALF_UP": ROUND_HALF_UP, "HALF_EVEN": ROUND_HALF_EVEN}


class SubcontractingMode:
    HOURS = "HOURS"  # hours worked by the structure's insertion employees
    AMOUNT = "AMOUNT"  # invoiced amount × labour share ÷ hourly cost
    ALL = (HOURS, AMOUNT)


class UnvalidatedHours:
    """What hours of employments whose eligibility is not validated in time (« en attente de
    justification », services/eligibility.py) count for."""

    PROVISIONAL = "PROVISIONAL"  # they count, subject to validation, and are shown apart
    EXCLUDED = "EXCLUDED"  # they do not count until the eligibility is validated in time
    ALL = (PROVISIONAL, EXCLUDED)
    LABELS = {
        PROVISIONAL: "comptées à titre provisoire, montrées à part",
        EXCLUDED: "non comptées",
    }


@dataclass(frozen=True)
class CountingRules:
    """How hours count (guide §3 and §6). Each field is a setting; None means "no cap"."""

    cdi_cap_months: int | None = None
    training_counted: bool = True
    training_cap_percent: Decimal | None = None
    subcontracting_mode: str = SubcontractingMode.HOURS
    subcontracting_labour_share: Decimal = Decimal("50")
    transferred_staff_counted: bool = False
    only_performance_period: bool = True
    # Hours of employments whose eligibility is pending (not validated in time); the
    # default keeps figures imported without validation dates whole.
    unvalidated_hours: str = UnvalidatedHours.PROVISIONAL

    def merged(self, override: dict[str, Any] | None) -> CountingRules:
        """These rules with the keys of ``override`` replacing the defaults."""
        if not override:
            return self
        known = {f.name for f in fields(self)}
        values = {k: _coerce(k, v) for k, v in override.items() if k in known}
        return replace(self, **values)


_DECIMAL_KEYS = {
    "training_cap_percent",
    "subcontracting_labour_share",
    "hourly_cost",
    "default_penalty_per_hour",
    "default_statement_penalty_per_day",
}
_INT_KEYS = {"cdi_cap_months", "etp_basis", "eligibility_validity_months", "rounding_step"}


def _coerce(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in _DECIMAL_KEYS:
        return Decimal(str(value))
    if key in _INT_KEYS:
        return int(value)
    return value


@dataclass(frozen=True)
class Organisation:
    """The facilitator's structure, printed on documents."""

    name: str = "Structure d'accompagnement"
    address: str = ""
    facilitator_name: str = ""
    facilitator_email: str = ""
    facilitator_phone: str = ""
    logo_path: str = ""


@dataclass(frozen=True)
class AppSettings:
    etp_basis: int = 1607
    hourly_cost: Decimal = Decimal("30")
    rounding_mode: str = "HALF_UP"
    rounding_step: int = 1
    eligibility_validity_months: int = 6
    # A dated criterion without evidence is "to document" (off: the date is enough).
    eligibility_requires_evidence: bool = False
    monthly_hours_warning: Decimal = Decimal("208")
    contract_ending_alert_days: int = 60
    retention_years: int = 2
    # Backups kept per database (storage/backup.py): the newest ones, none older than
    # retention_years.
    backup_keep: int = 10
    default_penalty_per_hour: Decimal = Decimal("50")
    # Penalty per day of delay of a monthly statement, and weight of an insertion award
    # criterion (percent), proposed in clause wording; each contract may differ.
    default_statement_penalty_per_day: Decimal = Decimal("50")
    default_award_criterion_weight: int = 10
    counting: CountingRules = field(default_factory=CountingRules)
    organisation: Organisation = field(default_factory=Organisation)

    def round_hours(self, hours: Decimal) -> Decimal:
        """Round required hours per the setting (default: half-up to the whole hour)."""
        step = Decimal(self.rounding_step)
        mode = ROUNDING_MODES.get(self.rounding_mode, ROUND_HALF_UP)
        return (hours / step).quantize(Decimal("1"), rounding=mode) * step


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


def load_settings(session: Session) -> AppSettings:
    """Read every stored setting over the defaults."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    defaults = AppSettings()
    top: dict[str, Any] = {}
    for f in fields(AppSettings):
        if f.name in ("counting", "organisation") or f.name not in stored:
            continue
        default = getattr(defaults, f.name)
        value = stored[f.name]
        top[f.name] = Decimal(str(value)) if isinstance(default, Decimal) else type(default)(value)
    counting = defaults.counting.merged(stored.get("counting"))
    organisation = replace(
        defaults.organisation,
        **{
            k: str(v)
            for k, v in (stored.get("organisation") or {}).items()
            if k in {f.name for f in fields(Organisation)}
        },
    )
    return replace(defaults, counting=counting, organisation=organisation, **top)


def save_settings(session: Session, settings: AppSettings) -> None:
    """Store every setting (the caller commits)."""
    for key, value in asdict(settings).items():
        row = session.get(Setting, key)
        encoded = _to_json(value)
        if row is None:
            session.add(Setting(key=key, value=encoded))
        elif row.value != encoded:
            row.value = encoded


def effective_rules(
    settings: AppSettings,
    operation_override: dict[str, Any] | None,
    contract_override: dict[str, Any] | None,
) -> CountingRules:
    """Counting rules for one contract: global, then its operation's, then its own."""
    return settings.counting.merged(operation_override).merged(contract_override)
