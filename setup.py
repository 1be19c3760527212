"""Package list for setuptools (everything else is in pyproject.toml).

Every folder of ``clauses_app`` is a package, those without ``__init__.py`` included: the
Alembic environment and migrations (``storage/migrations``, ``versions``) must ship for an
installed copy to create and upgrade its database. The top-level ``resources/`` folder (fonts,
templates, icons, the user guide) ships inside the wheel as the package
``clauses_app.resources`` and its subfolders, found at run time with importlib.resources;
the pyproject.toml form of the configuration cannot declare a mapped package beside a find.
tests/installer/test_packaging.py builds the wheel and checks what it holds.
"""

from setuptools import find_namespace_packages, setup

NOT_PACKAGES = ["__pycache__", "*.__pycache__"]


def packages_below(folder: str, name: str) -> list[str]:
    """``name`` and one package per folder below ``folder`` (``__init__.py`` or not)."""
    below = find_namespace_packages(where=folder, exclude=NOT_PACKAGES)
    return [name, *(f"{name}.{package}" for package in below)]


RESOURCES = packages_below("resources", "clauses_app.resources")

setup(
    packages=[*packages_below("clauses_app", "clauses_app"), *RESOURCES],
    package_dir={"clauses_app.resources": "resources"},
    package_data={
        **{package: ["*"] for package in RESOURCES[1:]},
        "clauses_app.storage.migrations": ["*.mako"],
    },
)
