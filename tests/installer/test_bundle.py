"""The PyInstaller spec's contents: every file the frozen program opens is listed (no build)."""

from __future__ import annotations

import struct
import tomllib
from pathlib import PurePosixPath

import pytest

from tests.installer.conftest import INSTALLER_DIR, ROOT, load_installer_module

bundle = load_installer_module("bundle")

MIGRATIONS = ROOT / "clauses_app" / "storage" / "migrations"


def _dest_files(datas: list[tuple[str, str]]) -> set[str]:
    """``dest_dir/file name`` of each (source, dest_dir) pair, as PyInstaller lays them out."""
    return {
        str(PurePosixPath(dest) / PurePosixPath(src.replace("\\", "/")).name) for src, dest in datas
    }


def test_every_migration_script_and_the_template_are_bundled_where_alembic_looks() -> None:
    bundled = _dest_files(bundle.migration_datas())
    versions = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))
    assert len(versions) >= 2
    expected = {f"clauses_app/storage/migrations/versions/{name}" for name in versions}
    expected |= {
        "clauses_app/storage/migrations/env.py",
        "clauses_app/storage/migrations/script.py.mako",
    }
    assert expected <= bundled


def test_every_resource_file_lands_in_the_clauses_app_resources_package() -> None:
    bundled = _dest_files(bundle.resource_datas())
    sources = [p for p in (ROOT / "resources").rglob("*") if p.is_file()]
    expected = {
        f"clauses_app/resources/{p.relative_to(ROOT / 'resources').as_posix()}"
        for p in sources
        if "__pycache__" not in p.parts
    }
    assert "clauses_app/resources/icons/clauses.ico" in expected
    # A regular package in the bundle, so importlib.resources gives a real folder.
    assert bundled == expected | {"clauses_app/resources/__init__.py"}


def test_library_data_lists_locales_fonts_templates_and_schemas() -> None:
    kept = {name for name in _dest_files(bundle.library_datas()) if bundle.keep_data(name)}
    for required in (
        "babel/global.dat",
        "babel/locale-data/fr_FR.dat",
        "babel/locale-data/fr.dat",
        "babel/locale-data/root.dat",
        "reportlab/fonts/Vera.ttf",
        "docx/templates/default.docx",
        "faker/providers/person/fr_FR/__init__.py",
        "faker/providers/address/fr_FR/__init__.py",
    ):
        assert required in kept, required
    assert any(n.startswith("jsonschema_specifications/schemas/draft202012/") for n in kept)
    # The project's own metadata, read by clauses_app.__version__ (egg-info when editable).
    metadata = [dest for _src, dest in bundle.library_datas() if dest.startswith("clauses")]
    assert metadata and all(d.endswith((".dist-info", ".egg-info")) for d in metadata)
    assert "babel/locale-data/de_DE.dat" not in kept
    assert "faker/providers/person/de_DE/__init__.py" not in kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("babel/locale-data/fr_FR.dat", True),
        ("babel/locale-data/root.dat", True),
        ("babel/locale-data/ja.dat", False),
        ("babel/global.dat", True),
        ("faker/providers/bank/en_GB/__init__.py", True),
        ("faker/providers/lorem/la/__init__.py", True),
        ("faker/providers/address/zh_TW/__init__.py", False),
        ("faker/providers/address/__init__.py", True),
        ("faker/providers/sbn/sbn.py", True),
        ("PySide6/Qt/translations/qtbase_fr.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("clauses_app/resources/fonts/DejaVuSans.ttf", True),
    ],
)
def test_keep_data_trims_unused_locales_and_qt_parts(dest: str, kept: bool) -> None:
    assert bundle.keep_data(dest) is kept
    assert bundle.keep_data(dest.replace("/", "\\")) is kept  # TOC names on Windows


@pytest.mark.parametrize(
    ("module", "kept"),
    [
        ("faker.providers.person.fr_FR", True),
        ("faker.providers.person.en_US", True),
        ("faker.providers.person.pt_BR", False),
        ("faker.providers.person", True),
        ("faker.providers.sbn.rules", True),
        ("faker.providers.sbn.sbn", True),
        ("faker.providers.isbn.isbn", True),
        ("faker.providers.address.de", False),
        ("clauses_app.services.figures", True),
    ],
)
def test_keep_module_drops_only_unused_faker_locales(module: str, kept: bool) -> None:
    assert bundle.keep_module(module) is kept


def test_heavy_qt_modules_are_excluded_and_the_used_ones_are_not() -> None:
    excluded = set(bundle.EXCLUDED_MODULES)
    for heavy in ("QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia", "QtPdf"):
        assert f"PySide6.{heavy}" in excluded
    for used in ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtPrintSupport"):
        assert f"PySide6.{used}" not in excluded
    assert "PySide6" not in excluded


def test_both_programs_start_the_entry_points_pyproject_declares() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    declared = {**project["scripts"], **project["gui-scripts"]}
    for program, entry in (("clauses", "entry_cli.py"), ("clauses-app", "entry_app.py")):
        module, function = declared[program].split(":")
        assert f"from {module} import {function}" in (INSTALLER_DIR / entry).read_text()


def test_the_spec_uses_the_bundle_lists_and_builds_two_programs_in_one_folder() -> None:
    spec = (INSTALLER_DIR / "clauses.spec").read_text(encoding="utf-8")
    for needle in (
        "bundle.all_datas()",
        "bundle.HIDDEN_IMPORTS",
        "bundle.EXCLUDED_MODULES",
        "bundle.keep_data",
        "bundle.keep_module",
        "bundle.MODULE_COLLECTION_MODE",
        '"entry_app.py"',
        '"entry_cli.py"',
        "versioninfo.GUI_EXE, False",
        "versioninfo.CLI_EXE, True",
        "versioninfo.windows_version_resource",
    ):
        assert needle in spec, needle
    assert spec.count("COLLECT(") == 1
    assert spec.count("Analysis(") == 1


def test_the_icon_holds_every_windows_size() -> None:
    data = bundle.ICON_ICO.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, height, *_rest, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert offset + length <= len(data)
        sizes.add(width or 256)
        assert (width or 256) == (height or 256)
    assert {16, 24, 32, 48, 256} <= sizes
    png = (ROOT / "resources" / "icons" / "clauses.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)


def test_python_docx_modules_are_also_files_for_its_relative_template_paths() -> None:
    # docx/parts/hdrftr.py opens "docx/parts/../templates/default-footer.xml" on disk.
    assert bundle.MODULE_COLLECTION_MODE["docx"] == "pyz+py"


def test_the_team_database_dependencies_are_runtime_ones_and_go_in_the_bundle() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        runtime = tomllib.load(handle)["project"]["dependencies"]
    names = {requirement.split(">")[0].split("[")[0] for requirement in runtime}
    assert {"psycopg", "keyring"} <= names
    excluded = set(bundle.EXCLUDED_MODULES)
    assert not {"psycopg", "psycopg_binary", "keyring"} & excluded
    for module in ("psycopg_binary", "keyring.backends.Windows",
                   "sqlalchemy.dialects.postgresql.psycopg"):  # fmt: skip
        assert module in bundle.HIDDEN_IMPORTS
