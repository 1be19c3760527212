"""The same code on PostgreSQL (teams sharing one database).

Runs when CLAUSES_TEST_PG_URL points at a server whose role may create databases (./test
sets it up when run as root); skipped otherwise. Each test gets a fresh database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text

from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Period
from clauses_app.services.stats import database_stats
from clauses_app.storage import Database
from clauses_app.storage.migrate import downgrade, upgrade
from tests import builders as b
from tests.conftest import requires_postgres

pytestmark = requires_postgres


def test_migrations_down_and_up_on_postgres(pg_database: Database) -> None:
    downgrade(pg_database.engine, "base")
    upgrade(pg_database.engine)
    with pg_database.engine.connect() as connection:
        tables = connection.execute(
            text("SELECT count(*) FROM information_schema.tables WHERE table_schema='public'")
        ).scalar()
    assert tables and tables >= 14
    with pg_database.engine.connect() as connection:
        totals_end = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_hours_record_totals_end'")
        ).scalar()
    assert totals_end and "WHERE" in totals_end and "MONTH" in totals_end  # partial, as on SQLite


def test_years_with_hours_on_postgres(pg_database: Database) -> None:
    from clauses_app.services.dashboard import hours_years

    with pg_database.transaction() as s:
        auth = b.authority(s)
        award = b.award(s, b.lot(s, b.contract(s, auth)), b.company(s), "100")
        emp = b.employment(s, award, b.participant(s), date(2024, 6, 1))
        b.month_hours(s, emp, 2024, 11, "10")
        b.total_hours(s, emp, date(2025, 3, 1), date(2026, 2, 28), "300")
    with pg_database.session() as s:
        assert hours_years(s) == [2024, 2025, 2026]


def test_figures_on_postgres_equal_hand_computed(pg_database: Database) -> None:
    with pg_database.transaction() as s:
        auth = b.authority(s)
        con = b.contract(
            s, auth, start_date=date(2025, 7, 1), end_date=date(2026, 6, 30), pooling_scope="NONE"
        )
        award = b.award(s, b.lot(s, con), b.company(s), "1200")
        emp = b.employment(s, award, b.participant(s), date(2025, 7, 1), date(2026, 3, 31))
        for m in (7, 8, 9):
            b.month_hours(s, emp, 2025, m, "151.67", "10")
        auth_uuid = auth.uuid
    with pg_database.session() as s:
        total = compute_figures(s, Period.year(2025), auth_uuid).total()
        stats = database_stats(s, auth_uuid, Period.year(2025))
    assert (total.hours_required, total.hours_done) == (600, Decimal("485.01"))  # 3 × (151.67 + 10)
    assert stats["completion_rate"] == 0.80835  # 485.01 / 600


def test_rule_overrides_on_postgres(pg_database: Database) -> None:
    """JSON overrides come back decoded on PostgreSQL and as text on SQLite: same result."""
    with pg_database.transaction() as s:
        auth = b.authority(s)
        op = b.operation(s, auth, rules_override={"cdi_cap_months": 3})
        con = b.contract(s, auth, operation_uuid=op.uuid, notification_date=date(2025, 1, 1),
                         rules_override={"training_counted": False})  # fmt: skip
        award = b.award(s, b.lot(s, con), b.company(s), "100")
        emp = b.employment(s, award, b.participant(s), date(2025, 1, 1), None,
                           contract_type_code="CDI")  # fmt: skip
        for m in range(1, 7):
            b.month_hours(s, emp, 2025, m, "10", "5")
        auth_uuid = auth.uuid
    with pg_database.session() as s:
        total = compute_figures(s, Period.year(2025), auth_uuid).total()
    assert total.hours_done == Decimal("30.00")  # 3 months (CDI cap) × 10 h, no training


def test_compact_on_postgres(pg_database: Database) -> None:
    pg_database.compact()  # VACUUM outside a transaction: must not raise
