"""Package list for setuptools (everything else is in pyproject.toml).

The top-level ``resources/`` folder (fonts, templates, icons) ships inside the wheel as the
package ``clauses_app.resources`` and is found at run time with importlib.resources; the
pyproject.toml form of the configuration cannot declare a mapped package beside a find.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["clauses_app*"]), "clauses_app.resources"],
    package_dir={"clauses_app.resources": "resources"},
    package_data={
        "clauses_app.resources": ["*/*", "*/*/*"],
        "clauses_app.storage": ["migrations/*.mako", "migrations/versions/*.py"],
    },
)
