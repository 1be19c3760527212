"""The benchmark's hand-written SQL computes the same figures as the service (small data)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bench.figures_sql import figures_by_authority, figures_by_authority_pg
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests import builders as b


def test_sql_baseline_matches_the_service(any_database: Database) -> None:
    database = any_database
    with database.transaction() as s:
        auth = b.authority(s)
        con = b.contract(s, auth, start_date=date(2025, 7, 1), end_date=date(2026, 6, 30))
        comp = b.company(s)
        award = b.award(s, b.lot(s, con), comp, "1200")
        person = b.participant(s)
        emp = b.employment(s, award, person, date(2025, 7, 1), date(2026, 3, 31))
        for m in (6, 7, 8, 9):  # June is before the performance period: not counted
            b.month_hours(s, emp, 2025, m, "151.67", "5")
        con2 = b.contract(s, auth, "B", notification_date=date(2025, 2, 1))
        shared = b.lot(s, con2, required_hours=D("855"))
        b.award(s, shared, comp)
        aw2 = b.award(s, shared, b.company(s, "Co"))
        emp2 = b.employment(s, aw2, person, date(2025, 1, 1), date(2025, 6, 30))
        b.total_hours(s, emp2, date(2025, 1, 1), date(2025, 6, 30), "600")
        emp3 = b.employment(s, aw2, person, date(2025, 1, 1), date(2025, 6, 30),
                            transferred_staff=True)  # fmt: skip
        b.month_hours(s, emp3, 2025, 1, "100")
        auth_hex = auth.uuid.hex
    with database.session() as s:
        service = compute_figures(s, Period.year(2025)).total()
    if database.file_path is not None:
        sql = figures_by_authority(str(database.file_path), 2025)[auth_hex]
    else:  # the PostgreSQL variant of the query, through psycopg itself
        url = database.engine.url.set(drivername="postgresql")
        sql = figures_by_authority_pg(url.render_as_string(hide_password=False), 2025)[auth_hex]
    assert sql == (service.hours_required, service.hours_done)
    assert sql == (D("1455.00"), D("1070.01"))  # 600 + 855; 3 × 156.67 + 600
