"""Fixtures for scanner tests: tiny misbehaving servers on 127.77.12.0/24 (floods, drips, garbage, silence)."""

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress

import pytest

ADDRESS = "127.77.12.21"
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def flood(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    chunk = b"A" * 65536
    while True:
        writer.write(chunk)
        await writer.drain()


async def drip(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.2)


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(bytes(range(256)) * 4)
    await writer.drain()
    await reader.read(1024)
    writer.write(b"\x20\xff\x00")  # a CONNACK-looking start with a nonsense length
    await writer.drain()
    await asyncio.sleep(30)


async def slam(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def escapes(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"\x1b[2J\x1b]0;owned\x07220 \x1b[31mFTP\x1b[0m ready\r\n\x00\x07\x08")
    await writer.drain()
    await asyncio.sleep(30)


async def silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


async def fake_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(4096)
    writer.write(b"HTTP/1.1 200 OK\r\nServer: " + b"\xff\xfe" * 5000 + b"\r\nContent-Length: 99999999\r\n\r\n<title>")
    await writer.drain()
    await asyncio.sleep(30)


TCP = {2323: flood, 8080: drip, 1883: garbage, 8443: slam, 21: escapes, 443: silent, 80: fake_http}


class _UdpGarbage(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(b"\x30\x82\xff\xff" + bytes(range(256)) * 4, addr)  # type: ignore[attr-defined]


UDP = [161, 5683, 47808, 1900]


@contextmanager
def hostile_servers(address: str = ADDRESS) -> Iterator[dict[str, list[int]]]:
    """Run every hostile server on `address` in a background loop for the duration of the block."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    closers: list[Callable[[], None]] = []

    async def start() -> None:
        for port, handler in TCP.items():
            server = await asyncio.start_server(_guard(handler), address, port)
            closers.append(server.close)
        for port in UDP:
            transport, _ = await loop.create_datagram_endpoint(_UdpGarbage, local_addr=(address, port))
            closers.append(transport.close)
        ready.set()

    thread = _serve_in_thread(loop, start(), ready)
    try:
        yield {"tcp": sorted(TCP), "udp": UDP}
    finally:
        _stop(loop, thread, closers)


def _serve_in_thread(
    loop: asyncio.AbstractEventLoop, start: Awaitable[None], ready: threading.Event
) -> threading.Thread:
    """Start the servers in a background loop; a failure to bind is raised here, not lost in the thread."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            loop.run_until_complete(start)
        except BaseException as exc:
            failure.append(exc)
            ready.set()
            return
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not ready.wait(10) or failure:
        raise RuntimeError(f"test servers did not start: {failure[0] if failure else 'timeout'}")
    return thread


def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread, closers: list[Callable[[], None]]) -> None:
    """Close every socket inside the loop and let it run the closes before it stops."""

    async def shutdown() -> None:
        for close in closers:
            close()
        # Handlers still waiting on a silent client are cancelled, not left for the loop's garbage collector.
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await asyncio.sleep(0.05)

    asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def _guard(handler: Handler) -> Handler:
    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(Exception):
            await handler(reader, writer)
        with suppress(Exception):
            writer.close()

    return guarded


@pytest.fixture(scope="session")
def hostile() -> Iterator[dict[str, list[int]]]:
    with hostile_servers() as ports:
        yield ports


GREETERS = {
    ("127.77.12.31", 2323): b"Lumenvik SLC-200 street light controller\r\nlogin: ",
    ("127.77.12.32", 21): b"220 Printwell PW-4400 FTP ready\r\n",
    ("127.77.12.33", 22): b"SSH-2.0-dropbear_2020.81\r\n",
}


@contextmanager
def greeting_servers() -> Iterator[dict[tuple[str, int], bytes]]:
    """Well-behaved devices that greet and wait, as a tiny lab of known answers."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    servers: list[asyncio.Server] = []

    def greeter(text: bytes) -> Handler:
        async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(text)
            await writer.drain()
            await reader.read(1024)

        return _guard(greet)

    async def start() -> None:
        for (address, port), text in GREETERS.items():
            servers.append(await asyncio.start_server(greeter(text), address, port))
        ready.set()

    thread = _serve_in_thread(loop, start(), ready)
    try:
        yield GREETERS
    finally:
        _stop(loop, thread, [s.close for s in servers])


@pytest.fixture(scope="session")
def greeters() -> Iterator[dict[tuple[str, int], bytes]]:
    with greeting_servers() as known:
        yield known
