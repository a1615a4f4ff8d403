"""Compliance frameworks as data: every requirement, how it can be evidenced, and which checks give evidence.

One YAML file per framework (ENISA IoT baseline, ETSI EN 303 645, OWASP IoT Top 10); operators add
their own with `--framework-file`. The loader validates them like policies: file, line and field.
"""

from muniscan.policies.frameworks.loader import FrameworkError, builtin_framework_paths, load_framework, load_frameworks
from muniscan.policies.frameworks.model import Evidence, Framework, Requirement

__all__ = [
    "Evidence",
    "Framework",
    "FrameworkError",
    "Requirement",
    "builtin_framework_paths",
    "load_framework",
    "load_frameworks",
]
