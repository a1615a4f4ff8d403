"""The Redis broker and the per-site queue names: the only place agent and central node must agree on."""

import os
import re

from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage, Retries

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_NAMESPACE = "muniscan"
BROKER_ENV, NAMESPACE_ENV = "MUNISCAN_BROKER_URL", "MUNISCAN_BROKER_NAMESPACE"
ACTOR = "muniscan_scan_job"
SITE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")


class AgentError(ValueError):
    """A site, broker or job that cannot be used; the message says why."""


def queue_name(site: str) -> str:
    """A site's queue; the site is checked so that it cannot name another site's queue or Redis key."""
    if not SITE.fullmatch(site):
        raise AgentError(f"site '{site}': use 1-63 letters, digits, - and _ (it names the agent queue)")
    return f"muniscan-site.{site}"


def make_broker(url: str, namespace: str = DEFAULT_NAMESPACE) -> RedisBroker:
    """A broker without Dramatiq's time and age limits: run_scan's time limit bounds a job, and a failed scan
    is recorded, never retried (a retry would probe the devices again); what cannot be recorded goes to the
    dead-letter queue."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise AgentError(f"broker '{url}': give a redis:// URL")
    return RedisBroker(url=url, namespace=namespace, middleware=[Retries(max_retries=0), CurrentMessage()])


def broker_from_env_namespace() -> str:
    return os.environ.get(NAMESPACE_ENV, DEFAULT_NAMESPACE)


def broker_from_env() -> RedisBroker:
    """The scheduler's broker, for jobs routed to agents: MUNISCAN_BROKER_URL and MUNISCAN_BROKER_NAMESPACE."""
    return make_broker(os.environ.get(BROKER_ENV, DEFAULT_BROKER), broker_from_env_namespace())
