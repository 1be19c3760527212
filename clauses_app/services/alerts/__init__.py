"""The dashboard's alerts: what the facilitator should do next.

Callers use :func:`collect_alerts` (an :class:`AlertBook`, worded a page at a time) or
:func:`compute_alerts` (every alert worded), and the thresholds' settings.
"""

from clauses_app.services.alerts.book import (
    ALERT_TITLES,
    SEVERITY,
    Alert,
    AlertBook,
    AlertKind,
    AlertRecord,
    AlertStatus,
    MarkInfo,
    PendingAlert,
    Severity,
)
from clauses_app.services.alerts.collect import (
    AlertThresholds,
    collect_alerts,
    compute_alerts,
    load_alert_thresholds,
    save_alert_thresholds,
)
from clauses_app.services.alerts.marks import (
    AlertMarkError,
    alert_key,
    mark_alert,
    parse_alert_key,
    unmark_alert,
)

__all__ = [
    "ALERT_TITLES",
    "SEVERITY",
    "Alert",
    "AlertBook",
    "AlertKind",
    "AlertMarkError",
    "AlertRecord",
    "AlertStatus",
    "AlertThresholds",
    "MarkInfo",
    "PendingAlert",
    "Severity",
    "alert_key",
    "collect_alerts",
    "compute_alerts",
    "load_alert_thresholds",
    "mark_alert",
    "parse_alert_key",
    "save_alert_thresholds",
    "unmark_alert",
]
