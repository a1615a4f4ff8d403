"""The two files a procurement test reads: the buyer's requirements and the vendor's declaration."""

from datetime import date
from difflib import get_close_matches
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from muniscan.checks.registry import load_checks
from muniscan.yamlfile import load_model


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    CONDITIONAL = "conditional"  # met only under a contract term, or evidence still owed by the vendor
    NOT_ASSESSED = "not_assessed"  # no check ran and nothing was declared


class References(Strict):
    enisa: list[str] = Field(default_factory=list)
    etsi: list[str] = Field(default_factory=list)
    owasp: list[str] = Field(default_factory=list)


TESTS = ("equals", "at_least", "at_most", "one_of", "subset_of", "present")


class DeclarationRule(Strict):
    """One test of a declared value: `field` is a dotted path into the declaration."""

    field: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$")
    equals: Any = None
    at_least: float | None = None
    at_most: float | None = None
    one_of: list[Any] | None = None
    subset_of: list[str] | None = None
    present: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> "DeclarationRule":
        given = [n for n in TESTS if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(TESTS)}")
        return self


def known_check(check_id: str) -> str:
    """A check ID the scanner has (built in or installed); a typo is named with its nearest match."""
    known = sorted(c.id for c in load_checks())
    if check_id not in known:
        near = get_close_matches(check_id, known, n=1, cutoff=0.5)
        hint = f" (did you mean '{near[0]}'?)" if near else f" (known: {', '.join(known)})"
        raise ValueError(f"unknown check '{check_id}'{hint}")
    return check_id


CheckId = Annotated[str, AfterValidator(known_check)]


class ProcurementRequirement(Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,30}$")
    title: str = Field(min_length=8)
    level: Literal["mandatory", "recommended"] = "mandatory"
    references: References = Field(default_factory=References)
    checks: list[CheckId] = Field(default_factory=list, description="checks that must not fail on the device")
    declaration: list[DeclarationRule] = Field(default_factory=list)
    condition: str = Field(default="", description="a contract term the verdict depends on; makes a pass conditional")

    @model_validator(mode="after")
    def _verifiable(self) -> "ProcurementRequirement":
        if not self.checks and not self.declaration:
            raise ValueError("a requirement needs checks, declaration rules, or both")
        return self


class RequirementsFile(Strict):
    name: str
    version: str
    description: str = ""
    requirements: list[ProcurementRequirement] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "RequirementsFile":
        ids = [r.id for r in self.requirements]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"requirement IDs used more than once: {', '.join(duplicates)}")
        return self


class Support(Strict):
    end_date: date | None = None
    period_years: float | None = Field(default=None, ge=0)


class Updates(Strict):
    policy: str = ""
    channel: Literal["https", "http", "ftp", "tftp", "usb", "manual", "other"] | None = None
    automatic: bool | None = None
    signed: bool | None = None
    security_update_days: int | None = Field(default=None, ge=0, description="days to ship a critical fix")


class Disclosure(Strict):
    contact: str | None = None
    policy_url: str | None = None


class DefaultPasswords(Strict):
    policy: Literal["none", "unique_per_device", "user_set_at_first_use", "universal"] | None = None


class Sbom(Strict):
    provided: bool | None = None
    format: str | None = None


class DataProcessing(Strict):
    locations: list[str] = Field(default_factory=list, description="countries or EU / EEA where data is processed")
    dpa_signed: bool | None = None
    subprocessors: list[str] = Field(default_factory=list)


class Declaration(Strict):
    vendor: str
    product: str
    model: str
    firmware: str
    declared_by: str
    declared_on: date
    support: Support = Field(default_factory=Support)
    updates: Updates = Field(default_factory=Updates)
    vulnerability_disclosure: Disclosure = Field(default_factory=Disclosure)
    default_passwords: DefaultPasswords = Field(default_factory=DefaultPasswords)
    sbom: Sbom = Field(default_factory=Sbom)
    data_processing: DataProcessing = Field(default_factory=DataProcessing)
    notes: str = ""


def load_requirements(path: str | Path) -> RequirementsFile:
    return load_model(RequirementsFile, path)


def load_declaration(path: str | Path) -> Declaration:
    return load_model(Declaration, path)
