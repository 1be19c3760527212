"""The team load test runs end to end, short (3 facilitators, 3 s, small data): every save
is found in the database, none shown as an error (a proof it works, not a timing)."""

from __future__ import annotations

import json

import pytest

from bench.team_load import main


def test_team_load_loses_nothing(capsys: pytest.CaptureFixture[str], bench_server: str) -> None:
    from sqlalchemy import create_engine, text

    assert main(["--facilitators", "3", "--duration", "3", "--size", "small"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["saves"] > 0 and figures["dashboards"] > 0
    assert figures["save_p95_ms"] > 0 and figures["dashboard_median_s"] > 0
    assert figures["lost_updates"] == 0
    assert figures["months_recorded_twice"] == 0
    assert figures["errors_shown"] == 0
    name = figures["database"]
    suffix = name.rsplit("_", 1)[-1]
    engine = create_engine(bench_server)
    with engine.connect() as connection:  # its database and roles are gone
        left = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM pg_database WHERE datname = :name)"
                " + (SELECT count(*) FROM pg_roles WHERE rolname LIKE :roles"
                "    OR rolname LIKE :users)"
            ),
            {"name": name, "roles": f"{name}%", "users": f"load%{suffix}"},
        ).scalar()
    engine.dispose()
    assert left == 0
