"""Small shared widgets: typed form fields, confirmations."""
