"""Pages and dialogs of the main window: dashboard, documents, settings, hours grid, sizing."""
