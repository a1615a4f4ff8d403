"""Open the store at a URL and keep its schema at the newest migration."""

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from muniscan.paths import default_database_path

URL_ENV = "MUNISCAN_DATABASE_URL"
T = TypeVar("T")
MIGRATION_LOCK_KEY = 0x6D756E69  # "muni": the advisory lock every muniscan migration takes on PostgreSQL
log = logging.getLogger(__name__)


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
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory store)."""
    if not url.startswith("sqlite"):
        return None
    name = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(name) if name and name != ":memory:" else None


def create_private(path: Path) -> None:
    """A new SQLite store is created 600 (it tells which devices accept default passwords); SQLite gives its
    -wal and -shm files the same mode. An existing store readable by others is only warned about."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            log.warning(
                "%s is readable or writable by other users (mode %o): chmod 600 it and 700 its folder",
                path,
                path.stat().st_mode & 0o777,
            )
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


@contextmanager
def migration_lock(url: str, engine: Engine) -> Iterator[None]:
    """One process migrates a store at a time: a lock file beside a SQLite store, an advisory lock on
    PostgreSQL. Two commands on a fresh store would otherwise both try to create the tables."""
    path = sqlite_path(url)
    if path is not None:
        lock = path.with_name(path.name + ".migrate.lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()
        return
    yield


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: no fsync per commit, still never corrupt
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
        path = sqlite_path(url)
        if path is not None:
            create_private(path)
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            self.upgrade()
            self.reap_dead_scans()

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
            with migration_lock(self.url, self.engine):
                if self.current_revisions() == self.head_revisions():
                    return False  # another process migrated it while this one waited
                config = alembic_config(self.url)
                with self.engine.begin() as connection:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "heads")
        except OperationalError as exc:
            raise StoreError(f"cannot open the store at {display_url(self.url)}: {exc.orig}") from None
        return True

    def reap_dead_scans(self) -> int:
        """Mark scans whose process died as interrupted (see muniscan.store.runners)."""
        from muniscan.store.runners import mark_dead_scans_interrupted

        with self.session() as session:
            return mark_dead_scans_interrupted(session)

    def write(self, work: Callable[[Session], T], attempts: int = 3) -> T:
        """Run `work` in a transaction and commit it; when the connection drops (a restarted or failed-over
        database), the transaction was rolled back whole, so it is run again on a new connection."""
        for attempt in range(1, attempts + 1):
            try:
                with self.session() as session:
                    result = work(session)
                    session.commit()
                    return result
            except DBAPIError as exc:
                if not exc.connection_invalidated or attempt == attempts:
                    raise
                log.warning("the store dropped the connection (%s); trying again", str(exc.orig).strip()[:200])
                time.sleep(0.5 * attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
