"""The Windows wheel check: it reads the right requirements and names what has no wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.installer.conftest import ROOT, load_installer_module

wheels = load_installer_module("windows_wheels")


def test_it_checks_the_runtime_dependencies_and_the_windows_build_extras() -> None:
    wanted = wheels.requirements(ROOT / "pyproject.toml")

    names = {requirement.split(">")[0].split("[")[0].split("=")[0] for requirement in wanted}
    assert {"PySide6-Essentials", "SQLAlchemy", "rlPyCairo", "pyinstaller", "psycopg"} <= names


def test_a_source_only_distribution_is_named() -> None:
    report = {
        "install": [
            {"metadata": {"name": "good"}, "download_info": {"url": "x/good-1-py3-none-any.whl"}},
            {"metadata": {"name": "win"}, "download_info": {"url": "x/win-1-cp311-win_amd64.whl"}},
            {"metadata": {"name": "linux"}, "download_info": {"url": "x/l-1-cp311-linux.whl"}},
            {"metadata": {"name": "sdist"}, "download_info": {"url": "x/sdist-1.tar.gz"}},
        ]
    }
    assert wheels.not_wheels(report) == ["linux", "sdist"]


def test_pip_refusal_names_the_requirement() -> None:
    stderr = (
        "ERROR: Could not find a version that satisfies the requirement sqlparse==0.1.0 "
        "(from versions: 0.2.0)\nERROR: No matching distribution found for sqlparse==0.1.0\n"
    )
    assert wheels.unresolved_name(stderr) == "sqlparse==0.1.0"


@pytest.mark.slow
def test_a_dependency_without_a_windows_wheel_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    # sqlparse 0.1.0 was published as a source archive only.
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["sqlparse==0.1.0"]\n')

    status = wheels.main(pyproject)

    out = capsys.readouterr()
    if "injoignable" in out.out:
        pytest.skip("package index unreachable")
    assert status == 1
    assert "Pas de roue Windows (win_amd64, Python 3.11) pour sqlparse==0.1.0" in out.err
