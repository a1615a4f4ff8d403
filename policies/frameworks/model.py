"""The shape of a framework file: requirements with an evidence kind and the checks that test them."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Evidence(StrEnum):
    """Where proof of a requirement comes from; only `scan`, `partial` and `flow` can be automated."""

    SCAN = "scan"  # remote probes verify it
    PARTIAL = "partial"  # probes give part of the evidence; the rest is documents or bench work
    FLOW = "flow"  # passive data-flow observation
    MANUAL = "manual"  # lab, bench or on-site inspection
    PROCUREMENT = "procurement"  # vendor documents, declarations, contract annexes


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Requirement(Strict):
    id: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=3)
    section: str = ""
    status: str = ""  # e.g. ETSI "M C(1)": mandatory when condition 1 holds
    evidence: Evidence
    checks: list[str] = Field(default_factory=list)
    note: str = ""

    @property
    def automatable(self) -> bool:
        return self.evidence in (Evidence.SCAN, Evidence.PARTIAL, Evidence.FLOW)


class Framework(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    version: str
    source: str = ""
    references: str = Field(default="", pattern=r"^(|enisa|etsi|owasp)$")
    requirements: list[Requirement] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Framework":
        seen: set[str] = set()
        for requirement in self.requirements:
            if requirement.id in seen:
                raise ValueError(f"requirement ID {requirement.id!r} appears more than once")
            seen.add(requirement.id)
        return self

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)
