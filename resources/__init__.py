"""Files shipped with the application: fonts, templates, icons.

Installed as the package clauses_app.resources (see setup.py).
"""
