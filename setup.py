"""Maps the repository's top-level folders into the single `muniscan` import namespace."""

from setuptools import find_packages, setup

NAMESPACE = {
    "muniscan": "core",
    "muniscan.scanner": "scanner",
    "muniscan.checks": "checks",
    "muniscan.policies": "policies",
    "muniscan.reports": "reports",
    "muniscan.labs": "labs",
    "muniscan.facts": "facts",
    "muniscan.privacy": "privacy",
    "muniscan.cli": "cli",
}

packages: list[str] = []
for package, folder in NAMESPACE.items():
    packages.append(package)
    packages.extend(f"{package}.{sub}" for sub in find_packages(folder))

setup(packages=packages, package_dir=NAMESPACE)
