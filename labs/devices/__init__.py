"""Simulated device services, one module per kind, each on a real protocol stack.

A module is a service kind when it defines `async def start(ctx: DeviceContext) -> Running`.
"""

import importlib
from typing import Protocol

from muniscan.labs.devices.base import DeviceContext, Running


class Starter(Protocol):
    async def __call__(self, ctx: DeviceContext) -> Running: ...


def starter(kind: str) -> Starter:
    name = f"{__name__}.{kind}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # the kind exists but a library it needs is missing: say which
        raise ValueError(f"no simulated service of kind '{kind}'") from None
    return module.start  # type: ignore[no-any-return]
