"""Hours shown apart from the figures, worded once for every screen and document.

- Hours of employments whose eligibility is pending (« en attente de justification
  d'éligibilité », services/eligibility.py): part of the hours done when the counting rule
  ``unvalidated_hours`` counts them provisionally (« dont N h … »), outside them when it
  leaves them out (« N h …, non comptées »). Figures: ``Totals.pending_counted`` and
  ``Totals.pending_excluded`` (compute_figures(..., pending_hours=True)).
- Planned hours of lots that no company was awarded (services/unawarded.py): outside the
  required hours, « heures prévues non attribuées ».

Each phrase is None when there is nothing to show (N = 0), so that nothing is printed then.
"""

from __future__ import annotations

from decimal import Decimal

from clauses_app.formatting import format_hours

PENDING = "en attente de justification d'éligibilité"


def pending_phrase(counted: Decimal, excluded: Decimal, fixed: bool = False) -> str | None:
    """« dont 85 h en attente de justification d'éligibilité » (counted in the hours done)
    and/or « 12 h en attente de justification d'éligibilité, non comptées »; None for none."""
    parts = []
    if counted > 0:
        parts.append(f"dont {format_hours(counted, fixed)} {PENDING}")
    if excluded > 0:
        parts.append(f"{format_hours(excluded, fixed)} {PENDING}, non comptées")
    return " ; ".join(parts) or None


def unawarded_phrase(planned: Decimal, fixed: bool = False) -> str | None:
    """« 1 400 h prévues non attribuées » (outside the required hours); None for none."""
    if planned <= 0:
        return None
    return f"{format_hours(planned, fixed)} prévues non attribuées"
