"""Services: the use cases and every figure, shared by the UI, reports, exchange and CLI.

Qt-free. Functions take a SQLAlchemy ``Session`` (or a ``Database``) and return plain data.
"""
