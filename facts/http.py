"""What the http probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CookieFacts:
    name: str
    secure: bool
    http_only: bool
    same_site: str | None


@dataclass(frozen=True)
class PageFacts:
    path: str
    status: int
    auth_required: bool  # 401/403 or a redirect to a login form
    admin_content: bool  # answered 200 with what looks like device administration, no password field


@dataclass(frozen=True)
class HttpFacts:
    tls: bool
    status: int
    server: str | None
    powered_by: str | None
    title: str | None
    auth_scheme: str  # basic, digest, form, none, other
    auth_realm: str | None
    redirect_to_https: bool
    location: str | None
    security_headers: tuple[str, ...]
    missing_security_headers: tuple[str, ...]
    cookies: tuple[CookieFacts, ...]
    pages: tuple[PageFacts, ...]
    form_posts_plaintext: bool = False  # a login form whose action is an http:// URL, or this page is http

    @property
    def admin_unauthenticated(self) -> tuple[str, ...]:
        return tuple(p.path for p in self.pages if p.admin_content)
