"""The bench runs end to end on small data (a proof it works, not a timing assertion)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main


def test_bench_runs_on_small_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stages = "export,load,figures,documents,application"
    assert main(["--size", "small", "--workdir", str(tmp_path), "--only", stages]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["size"] == "small"
    assert figures["figures_mismatches"] == 0  # the service equals the hand-written SQL
    assert figures["load_rows"] > 300
    measured = (
        "export_s",
        "load_ratio",
        "figures_ratio",
        "document_pdf_s",
        "document_docx_s",
        "load_peak_rss_mb",
        "app_window_s",
        "app_bare_window_s",
        "app_search_s",
        "app_dashboard_figures_s",
        "app_dashboard_kept_s",
    )
    for key in measured:
        assert figures[key] > 0
    assert any(line.startswith("figures_ratio") for line in lines[:-1])  # the printed table


def test_application_starts_are_timed_with_compiled_modules(tmp_path: Path) -> None:
    """Like an installed copy, whatever PYTHONDONTWRITEBYTECODE says (./test sets it)."""
    import importlib.util

    from bench.app_probe import compile_application

    package = tmp_path / "package"
    (package / "inner").mkdir(parents=True)
    modules = [package / "first.py", package / "inner" / "second.py"]
    for module in modules:
        module.write_text("VALUE = 1\n", encoding="utf-8")
    compile_application(package)
    for module in modules:
        assert Path(importlib.util.cache_from_source(str(module))).is_file()


def test_alerts_stage_runs_beside_its_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--size", "small", "--workdir", str(tmp_path), "--only", "alerts"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["alerts_s"] > 0 and figures["alerts_figures_s"] > 0
    assert figures["alerts_count"] > 0 and figures["alerts_ratio"] > 0
    assert figures["alerts_cpu_s"] > 0 and figures["alerts_figures_cpu_s"] > 0


def test_postgresql_backend_runs_beside_its_baseline(
    capsys: pytest.CaptureFixture[str], bench_server: str
) -> None:
    """``--backend postgresql`` on the test server: its own database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    argv = ["--backend", "postgresql", "--size", "small", "--only", "figures"]
    assert main(argv) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["backend"] == "postgresql"
    assert figures["pg_figures_authorities"] > 0
    assert figures["pg_figures_mismatches"] == 0  # the service equals the SQL on PostgreSQL
    assert figures["pg_figures_sql_s"] > 0 and figures["pg_figures_ratio"] > 0
    engine = create_engine(bench_server)
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM pg_database WHERE datname LIKE 'clauses_bench_small_%'")
        ).scalar()
    engine.dispose()
    assert left == 0


def test_postgresql_team_stage_measures_each_role_and_drops_them(
    capsys: pytest.CaptureFixture[str], bench_server: str
) -> None:
    """``--only team``: a facilitator's and a coordinator's dashboard beside the owner's, the
    same hours for all three; the database and every role of the stage dropped afterwards."""
    from sqlalchemy import create_engine, text

    assert main(["--backend", "postgresql", "--size", "small", "--only", "team"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["pg_team_figures_differ"] == 0
    assert figures["pg_team_owner_s"] > 0
    assert figures["pg_team_facilitator_s"] > 0 and figures["pg_team_coordinator_s"] > 0
    engine = create_engine(bench_server)
    with engine.connect() as connection:
        left = connection.execute(text(
            "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'clauses_bench_small_%')"
            " + (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bench\\_%\\_small\\_%'"
            "    OR rolname LIKE 'clauses\\_bench\\_small\\_%')"
        )).scalar()  # fmt: skip
    engine.dispose()
    assert left == 0
