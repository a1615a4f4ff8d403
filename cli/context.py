"""Options every command shares (the store), resolved once per invocation."""

from dataclasses import dataclass, field

import typer

from muniscan.cli.output import fail
from muniscan.store import Store, StoreError, resolve_url


@dataclass
class AppState:
    db: str | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = Store(resolve_url(self.db))
            except StoreError as exc:
                fail(str(exc))
        return self._store


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
