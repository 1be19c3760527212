"""``clauses_app.resources`` inside the frozen program: fonts, templates, icons, images.

In the source tree, ``resources/`` has no ``__init__.py`` (pyproject.toml maps it to this
package name). The bundle adds this file beside the copied resources so that the package is a
regular one there: ``importlib.resources.files("clauses_app.resources")`` then gives the real
folder, where a namespace package would give a MultiplexedPath that is not a plain path.
"""
