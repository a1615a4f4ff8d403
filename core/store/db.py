"""Open the store at a URL and keep its schema at the newest migration."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from muniscan.paths import default_database_path

URL_ENV = "MUNISCAN_DATABASE_URL"


class StoreError(RuntimeError):
    """The store cannot be opened or migrated; the message says which URL and why."""


def resolve_url(db: str | None = None) -> str:
    """`--db` (a path or a URL), else MUNISCAN_DATABASE_URL, else the SQLite file in the home folder."""
    value = db or os.environ.get(URL_ENV)
    if not value:
        return f"sqlite:///{default_database_path()}"
    if "://" in value:
        return value.replace("postgresql://", "postgresql+psycopg://", 1)
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("muniscan.store") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Store:
    """An engine plus sessions; opening it brings the schema up to date."""

    def __init__(self, url: str, migrate: bool = True) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            self.upgrade()

    @classmethod
    def open(cls, db: str | None = None) -> "Store":
        return cls(resolve_url(db))

    def current_revisions(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def head_revisions(self) -> set[str]:
        return set(ScriptDirectory.from_config(alembic_config(self.url)).get_heads())

    def upgrade(self) -> bool:
        """Apply pending migrations; returns whether any were applied."""
        try:
            if self.current_revisions() == self.head_revisions():
                return False
            config = alembic_config(self.url)
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "heads")
        except OperationalError as exc:
            raise StoreError(f"cannot open the store at {display_url(self.url)}: {exc.orig}") from None
        return True

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
