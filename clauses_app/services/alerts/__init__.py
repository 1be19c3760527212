"""The dashboard's alerts: what the facilitator should do next.

Callers use :func:`collect_alerts` (an :class:`AlertBook`, worded a page at a time) or
:func:`compute_alerts` (every alert worded), and the thresholds' settings.
"""

from clauses_app.services.alerts.book import (
    ALERT_TITLES,
    Alert,
    AlertBook,
    AlertKind,
    AlertRecord,
    PendingAlert,
)
from clauses_app.services.alerts.collect import (
    AlertThresholds,
    collect_alerts,
    compute_alerts,
    load_alert_thresholds,
    save_alert_thresholds,
)

__all__ = [
    "ALERT_TITLES",
    "Alert",
    "AlertBook",
    "AlertKind",
    "AlertRecord",
    "AlertThresholds",
    "PendingAlert",
    "collect_alerts",
    "compute_alerts",
    "load_alert_thresholds",
    "save_alert_thresholds",
]
