"""The hand-computed dataset of tests/reports/dataset.py, in a fresh database per test."""

from __future__ import annotations

import pytest

from clauses_app.storage import Database
from tests.reports.dataset import Dataset, build_dataset


@pytest.fixture
def dataset(database: Database) -> Dataset:
    with database.transaction() as session:
        return build_dataset(session)
