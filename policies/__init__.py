"""Scan policies: scope, probe intrusiveness, rate limits and requirements, loaded from YAML.

The shipped profiles live in `profiles/`; `load_policy` validates a file and names the file,
line and field of every error.
"""

from muniscan.policies.loader import PolicyError, load_policy, load_profile, policy_hash
from muniscan.policies.schema import Policy

__all__ = ["Policy", "PolicyError", "load_policy", "load_profile", "policy_hash"]
