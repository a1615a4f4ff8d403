"""Reading a device's web pages as a browser would: where a redirect points, which same-host links a
page offers, and its forms. Pages are untrusted input: parsed leniently, bounded, never executed."""

import contextlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# A GET on a link like these may change a device (many embedded web servers act on GET): never followed.
# The first anywhere in a path, the second as a word of it (so "settings.html" is still read).
ACTION_PARTS = (
    "logout", "logoff", "signout", "reboot", "restart", "reset", "factory", "delete", "shutdown", "poweroff",
    "upgrade", "format",
)  # fmt: skip
ACTION_WORDS = frozenset({"set", "save", "apply", "write", "clear", "action", "cmd", "update", "remove", "do"})
PAGE_SUFFIXES = (".html", ".htm", ".asp", ".php", ".cgi", ".lp", ".shtml", ".jsp")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"


@dataclass(frozen=True)
class FormSeen:
    action: str  # as resolved against the page: an absolute URL
    method: str
    has_password: bool


def same_origin_path(origin: Origin, current_path: str, reference: str) -> tuple[str | None, str]:
    """(path on this origin or None, absolute URL) for a link or Location header met on `current_path`."""
    absolute = urljoin(origin.url(current_path), reference.strip())
    parts = urlsplit(absolute)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None, absolute
    same = parts.scheme == origin.scheme and (parts.hostname or "") == origin.host and port == origin.port
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (path if same else None), absolute


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, bool]] = []
        self._form: list[object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag in {"a", "area"} and values.get("href"):
            self.links.append(values["href"])
        elif tag in {"frame", "iframe"} and values.get("src"):
            self.links.append(values["src"])
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            _, _, url = values.get("content", "").partition("=")
            if url:
                self.links.append(url.strip("'\" "))
        elif tag == "form":
            self._close_form()
            self._form = [values.get("action", ""), values.get("method", "get").lower(), False]
        elif tag == "input" and values.get("type", "").lower() == "password":
            if self._form is None:  # a password field outside any form still posts somewhere
                self._form = ["", "post", False]
            self._form[2] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._close_form()

    def _close_form(self) -> None:
        if self._form is not None:
            action, method, password = self._form
            self.forms.append((str(action), str(method), bool(password)))
            self._form = None

    def close(self) -> None:
        super().close()
        self._close_form()


def read_page(body: bytes) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """The raw link targets and (action, method, has password field) of every form on a page."""
    reader = _PageReader()
    with contextlib.suppress(Exception):  # a broken page yields what was read before the break
        reader.feed(body.decode("utf-8", "replace"))
        reader.close()
    return reader.links, reader.forms


def forms_on(origin: Origin, path: str, body: bytes) -> list[FormSeen]:
    _links, forms = read_page(body)
    return [FormSeen(same_origin_path(origin, path, a or path)[1], m, p) for a, m, p in forms]


def acts_on_device(path: str) -> bool:
    lowered = path.lower()
    return any(part in lowered for part in ACTION_PARTS) or bool(ACTION_WORDS & set(_WORD.findall(lowered)))


def safe_links(origin: Origin, path: str, body: bytes, limit: int) -> list[str]:
    """Up to `limit` same-origin page paths linked from a page, leaving out any that could act on the device."""
    links, _forms = read_page(body)
    found: list[str] = []
    for reference in links:
        if reference.lower().startswith(("javascript:", "mailto:", "data:", "#")):
            continue
        target, _ = same_origin_path(origin, path, reference)
        if target is None:
            continue
        target = target.split("#", 1)[0]
        bare = target.split("?", 1)[0].lower()
        if "?" in target or acts_on_device(bare):
            continue
        name = bare.rsplit("/", 1)[-1]
        if "." in name and not name.endswith(PAGE_SUFFIXES):
            continue  # images, scripts, downloads
        if target not in found and target != path:
            found.append(target)
        if len(found) >= limit:
            break
    return found
