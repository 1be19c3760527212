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
