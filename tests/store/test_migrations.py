"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import muniscan.store.models  # noqa: F401
from muniscan.store import Store


def test_opening_a_store_migrates_it_to_head(store: Store) -> None:
    assert store.current_revisions() == store.head_revisions()
    tables = set(inspect(store.engine).get_table_names())
    assert {"asset", "service", "scanrun", "observation", "evaluation", "finding", "findingevent"} <= tables


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_twice_is_a_no_op(store: Store) -> None:
    assert store.upgrade() is False
