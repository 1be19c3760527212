"""The PostgreSQL server the bench's team stages run on: CLAUSES_TEST_PG_URL's."""

from __future__ import annotations

import pytest

from tests.conftest import PG_ADMIN_URL


@pytest.fixture
def bench_server(monkeypatch: pytest.MonkeyPatch) -> str:
    """CLAUSES_BENCH_PG_URL set to the test server (skipped without one)."""
    pytest.importorskip("psycopg")
    if not PG_ADMIN_URL:
        pytest.skip("CLAUSES_TEST_PG_URL not set")
    monkeypatch.setenv("CLAUSES_BENCH_PG_URL", PG_ADMIN_URL)
    return PG_ADMIN_URL
