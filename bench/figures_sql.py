"""The figures baseline: one hand-written SQL query (SQLite) computing, per authority and for
one year, the same hours required and hours done as services.figures under the default
counting rules (performance period only, training counted, no CDI cap, transferred staff and
ineligible employments excluded, month records replacing undivided totals, totals spread
evenly over their months, required hours pro-rata of the performance period's months).

Written for SQLite and PostgreSQL (``query(dialect)``: month arithmetic, scalar min/max) and
run on each one's raw driver: it is a benchmark baseline, not application code.
"""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from typing import Any

# A date's month number (year × 12 + month - 1).
SQLITE_MONTH = (
    "(CAST(strftime('%Y', {d}) AS INTEGER) * 12 + CAST(strftime('%m', {d}) AS INTEGER) - 1)"
)
PG_MONTH = (
    "(CAST(EXTRACT(YEAR FROM {d}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {d}) AS INTEGER) - 1)"
)


def query(dialect: str = "sqlite") -> str:
    """The query in ``dialect`` ("sqlite" or "postgresql"), with ``:name`` parameters."""
    sqlite = dialect == "sqlite"
    month = SQLITE_MONTH if sqlite else PG_MONTH
    hi, lo = ("MAX", "MIN") if sqlite else ("GREATEST", "LEAST")
    year_of = "CAST(strftime('%Y', nd) AS INTEGER)" if sqlite else "EXTRACT(YEAR FROM nd)"

    def mi(column: str) -> str:
        return month.format(d=column)

    return f"""
WITH lot_awards AS (SELECT lot_uuid, COUNT(*) AS n FROM award GROUP BY lot_uuid),
aw AS (
  SELECT a.uuid AS award_uuid, c.authority_uuid,
    CASE
      WHEN l.clause_mode = 'PERCENT' THEN
        COALESCE(ROUND(COALESCE(a.required_percent, l.required_percent)
                       * a.worked_hours_total / 100.0), 0)
      WHEN a.required_hours IS NOT NULL THEN a.required_hours
      WHEN l.required_hours IS NOT NULL THEN l.required_hours * 1.0 / la.n
      ELSE 0 END AS req,
    COALESCE(l.start_date, c.start_date) AS ps,
    COALESCE(l.end_date, c.end_date) AS pe,
    COALESCE(c.notification_date, a.award_date) AS nd
  FROM award a
  JOIN lot l ON a.lot_uuid = l.uuid
  JOIN public_contract c ON l.contract_uuid = c.uuid
  JOIN lot_awards la ON la.lot_uuid = l.uuid
),
required AS (
  SELECT authority_uuid, SUM(ROUND(CAST(
    CASE WHEN ps IS NULL OR pe IS NULL THEN
           CASE WHEN nd IS NULL OR {year_of} = :year THEN req ELSE 0 END
         ELSE req * {hi}(0, {lo}({mi("pe")}, :year * 12 + 11) - {hi}({mi("ps")}, :year * 12) + 1)
                  * 1.0 / ({mi("pe")} - {mi("ps")} + 1)
    END AS NUMERIC), 2)) AS hours_required
  FROM aw GROUP BY authority_uuid
),
emp AS (
  SELECT e.uuid, x.authority_uuid, x.ps, x.pe
  FROM employment e JOIN aw x ON e.award_uuid = x.award_uuid
  WHERE e.ineligible = FALSE AND e.transferred_staff = FALSE
),
months AS (
  SELECT emp.authority_uuid, h.worked_hours + h.training_hours AS hours
  FROM hours_record h JOIN emp ON h.employment_uuid = emp.uuid
  WHERE h.kind = 'MONTH' AND h.period_start >= :start AND h.period_start <= :end
    AND (emp.ps IS NULL OR {mi("h.period_start")} >= {mi("emp.ps")})
    AND (emp.pe IS NULL OR {mi("h.period_start")} <= {mi("emp.pe")})
),
totals AS (
  SELECT emp.authority_uuid,
    (h.worked_hours + h.training_hours)
      * {hi}(0, {lo}({mi("h.period_end")}, :year * 12 + 11, COALESCE({mi("emp.pe")}, 999999))
               - {hi}({mi("h.period_start")}, :year * 12, COALESCE({mi("emp.ps")}, -1)) + 1)
      * 1.0 / ({mi("h.period_end")} - {mi("h.period_start")} + 1) AS hours
  FROM hours_record h JOIN emp ON h.employment_uuid = emp.uuid
  WHERE h.kind = 'TOTAL' AND h.period_end >= :start AND h.period_start <= :end
    AND NOT EXISTS (SELECT 1 FROM hours_record m
                    WHERE m.employment_uuid = h.employment_uuid AND m.kind = 'MONTH')
),
done AS (
  SELECT authority_uuid, SUM(hours) AS hours_done
  FROM (SELECT * FROM months UNION ALL SELECT * FROM totals) AS u GROUP BY authority_uuid
)
SELECT r.authority_uuid, r.hours_required, COALESCE(d.hours_done, 0)
FROM required r LEFT JOIN done d ON d.authority_uuid = r.authority_uuid
"""


QUERY = query("sqlite")


def figures_by_authority(path: str, year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """authority uuid (hex) → (hours required, hours done) for ``year``, rounded to the cent."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            QUERY, {"year": year, "start": f"{year}-01-01", "end": f"{year}-12-31"}
        ).fetchall()
    finally:
        connection.close()
    return _by_authority(rows)


def figures_by_authority_pg(conninfo: str, year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """The same on PostgreSQL, through psycopg itself (``conninfo``: a libpq URL)."""
    from datetime import date

    import psycopg

    sql = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", query("postgresql"))
    with psycopg.connect(conninfo) as connection:
        rows = connection.execute(
            sql, {"year": year, "start": date(year, 1, 1), "end": date(year, 12, 31)}
        ).fetchall()
    return _by_authority([(getattr(auth, "hex", auth), req, done) for auth, req, done in rows])


def _by_authority(rows: list[Any]) -> dict[str, tuple[Decimal, Decimal]]:
    cent = Decimal("0.01")
    return {
        str(auth): (Decimal(str(req or 0)).quantize(cent), Decimal(str(done or 0)).quantize(cent))
        for auth, req, done in rows
    }
