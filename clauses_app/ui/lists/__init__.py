"""List pages: one per kind of record, each a searchable, filterable, sortable table."""
