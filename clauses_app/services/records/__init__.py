"""Create, read, update, delete and list every record the window edits. Qt-free.

The window's forms and lists call only these functions; the command line and the tests use
them too. Validation returns ``{field: French message}`` so a form can show each message next
to its field; :func:`save_record` refuses invalid values with :class:`ValidationError`.
List queries are paged, searched, filtered and sorted in SQL, so that long lists load in pages
and a search covers the whole table, not only the rows already shown.
"""

from clauses_app.services.records.choices import choices
from clauses_app.services.records.crud import (
    DeleteImpact,
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
)
from clauses_app.services.records.validation import performance_period, siret_message, validate

__all__ = [
    "Column",
    "DeleteImpact",
    "FilterSpec",
    "Kind",
    "ListQuery",
    "ListRow",
    "ValidationError",
    "choices",
    "count_rows",
    "delete_impact",
    "delete_record",
    "fetch_rows",
    "filter_specs",
    "label_of",
    "list_columns",
    "load_record",
    "performance_period",
    "record_label",
    "save_record",
    "siret_message",
    "validate",
]
