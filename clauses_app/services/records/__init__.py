"""Create, read, update, delete and list every record the window edits. Qt-free.

The window's forms and lists call only these functions; the command line and the tests use
them too. Validation returns ``{field: French message}`` so a form can show each message next
to its field; :func:`save_record` refuses invalid values with :class:`ValidationError`.
List queries are paged, searched, filtered and sorted in SQL, so that long lists load in pages
and a search covers the whole table, not only the rows already shown.

Names are imported from their modules when first used: the dashboard and the alerts need
only ``Kind``, and importing the list queries with it would slow the start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Eager: the function shares its module's name, and importing the submodule anywhere would
# otherwise leave the module, not the function, as this package's ``choices``.
from clauses_app.services.records.choices import choices

if TYPE_CHECKING:
    from clauses_app.services.records.crud import (
        DeleteImpact,
        StaleRecordError,
        ValidationError,
        delete_impact,
        delete_record,
        label_of,
        load_record,
        record_label,
        save_record,
    )
    from clauses_app.services.records.kinds import Kind
    from clauses_app.services.records.lists import (
        Column,
        FilterSpec,
        ListQuery,
        ListRow,
        count_rows,
        fetch_rows,
        filter_specs,
        list_columns,
        list_filters,
    )
    from clauses_app.services.records.validation import performance_period, siret_message, validate
    from clauses_app.services.records.versions import merge_values

_MODULES = {
    "DeleteImpact": "crud",
    "StaleRecordError": "versions",
    "merge_values": "versions",
    "ValidationError": "crud",
    "delete_impact": "crud",
    "delete_record": "crud",
    "label_of": "crud",
    "load_record": "crud",
    "record_label": "crud",
    "save_record": "crud",
    "Kind": "kinds",
    "Column": "lists",
    "FilterSpec": "lists",
    "ListQuery": "lists",
    "ListRow": "lists",
    "count_rows": "lists",
    "fetch_rows": "lists",
    "filter_specs": "lists",
    "list_columns": "lists",
    "list_filters": "lists",
    "performance_period": "validation",
    "siret_message": "validation",
    "validate": "validation",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Column",
    "DeleteImpact",
    "FilterSpec",
    "Kind",
    "ListQuery",
    "ListRow",
    "StaleRecordError",
    "ValidationError",
    "choices",
    "count_rows",
    "delete_impact",
    "delete_record",
    "fetch_rows",
    "filter_specs",
    "label_of",
    "list_columns",
    "list_filters",
    "load_record",
    "merge_values",
    "performance_period",
    "record_label",
    "save_record",
    "siret_message",
    "validate",
]
