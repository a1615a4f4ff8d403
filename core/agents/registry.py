"""Policies the central node registered by content hash: agents run and judge jobs under these only."""

from muniscan.agents.broker import AgentError
from muniscan.policies import Policy, policy_hash
from muniscan.store import Store
from muniscan.store.models import RegisteredPolicy


def register_policy(store: Store, policy: Policy) -> str:
    """Record the policy (once per content) and return its hash, taken of the policy as read back, since
    defaults are not normalised when a policy is loaded (ports given as numbers read back as text)."""
    policy = Policy.model_validate(policy.model_dump(mode="json"))
    digest = policy_hash(policy)
    with store.session() as session:
        if session.get(RegisteredPolicy, digest) is None:
            session.add(RegisteredPolicy(hash=digest, name=policy.name, content=policy.model_dump(mode="json")))
            session.commit()
    return digest


def registered_policy(store: Store, digest: str) -> Policy:
    """The registered policy, checked against its hash so that an edited row is not taken for it."""
    with store.session() as session:
        row = session.get(RegisteredPolicy, digest)
    if row is None:
        raise AgentError(f"policy {digest} is not registered by the central node")
    policy = Policy.model_validate(row.content)
    if policy_hash(policy) != digest:
        raise AgentError(f"registered policy {digest} does not match its hash")
    return policy
