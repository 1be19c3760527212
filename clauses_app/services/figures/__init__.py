"""The figures: required and carried-out hours per award for a period, rolled up to lots,
contracts, operations, companies and authorities. The one place they are computed.

Callers use :func:`compute_figures` and the :class:`Figures` it returns; the modules of this
package are its inside (see docs/performance.md for how they fit together).
"""

from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.figures.compute import (
    EmploymentTotals,
    Figures,
    Totals,
    completion_rate,
    compute_figures,
)

__all__ = [
    "AwardFigures", "EmploymentTotals", "Figures", "Totals", "completion_rate", "compute_figures",
]
