"""The store: SQLite by default, PostgreSQL through the same URL, migrated with Alembic."""

from muniscan.store.db import Store, StoreError, resolve_url

__all__ = ["Store", "StoreError", "resolve_url"]
