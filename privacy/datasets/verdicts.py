"""The three WP216 answers of a dataset audit, in plain words, and a glossary line for every metric named.

Each reason says what was found and why it matters to the question WP216 asks; a metric appears in a
reason only with its glossary entry beside it in the output, so a reader never meets jargon unexplained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from muniscan.privacy.datasets.anonymity import AnonymityResult
from muniscan.privacy.datasets.generalisation_advice import GeneralisationSuggestion, generalisation_hint
from muniscan.privacy.datasets.persons import PersonUnits
from muniscan.privacy.datasets.population import PopulationUniqueness
from muniscan.privacy.datasets.reversal import ReversalReport
from muniscan.privacy.datasets.trajectory import TrajectoryReport
from muniscan.privacy.datasets.weighted_risk import IndividualRisk, weighted_reasons

# Article 29 Working Party, Opinion 05/2014 on anonymisation techniques (WP216), section 3
WP216_QUESTIONS = {
    "singling out": "Can one person be picked out of the data, even without knowing their name?",
    "linkability": "Can two records about the same person be linked, in this file or with another one?",
    "inference": "Can something about a person be deduced from the data with significant probability?",
}
EDPB_PSEUDONYMISATION = "EDPB Guidelines 01/2025 on pseudonymisation"
IDENTIFIABLE = "identifiable: hashing without a secret key is not pseudonymisation"

GLOSSARY = {
    "quasi-identifiers": "attributes that are not names but that others may know about a person (birth year, "
    "postcode, fare type) and can use to find them in the data",
    "persons": "when rows are events of one pseudonym (a card, a device), a person's attributes are the values of "
    "all their rows, and k, uniques and risks count persons, not rows",
    "k": "k-anonymity: every combination of quasi-identifier values is shared by at least k persons or records; "
    "k = 1 means someone is alone with their values",
    "sample uniques": "persons or records that are the only ones with their quasi-identifier values in this file",
    "ℓ-diversity": "in every group sharing quasi-identifier values the sensitive attribute takes at least ℓ "
    "different values; ℓ = 1 means the group's value is known to anyone who can place a person in it",
    "t-closeness": "the largest difference between a group's distribution of the sensitive attribute and the whole "
    "file's (0 = identical, 1 = entirely different); a high t means being in a group tells something",
    "prosecutor risk": "the chance that an attacker who knows the person is in the file picks the right record: "
    "1 / the size of the person's group; highest = the smallest group, average = groups / records",
    "journalist risk": "as the prosecutor risk, for an attacker who does not know whether the person is in the file: "
    "group sizes in the population (e.g. summed sampling weights) replace those in the file",
    "marketer risk": "the share of records an attacker matching everyone at once would get right on average",
    "population uniqueness": "the estimated share of the whole population (N) that would be unique on the "
    "quasi-identifiers, extrapolated from the file's group sizes (Dankar et al. 2012)",
    "Pitman": "the population model used when the file is a small sample (≤ 10 % of N): Pitman's sampling formula "
    "fitted to the file's group sizes (Hoshino 2001)",
    "Zayatz": "the population model that asks how likely a unique in the file is unique in the population too, "
    "from the sampling fraction (Zayatz 1991)",
    "SNB": "the slide negative binomial population model (Chen & Keller-McNulty 1998), used with Zayatz for large "
    "samples",
    "individual risk": "sdcMicro's per-record chance of re-identification when each row stands for several people "
    "(sampling weights)",
    "trace uniqueness": "the share of pseudonyms that p points of their own trace (place and time) single out; "
    "4 points single out 95 % of phone users (de Montjoye et al. 2013)",
    "hash reversal": "hashing every value an identifier can take (every MAC of a vendor, every personnummer of a "
    "birth year) and comparing: a match recovers the value behind an unkeyed hash",
}


@dataclass(frozen=True)
class RiskVerdict:
    """One WP216 test (singling out, linkability, inference): the question, the answer and its reasons."""

    risk: str
    present: bool
    reasons: list[str]
    question: str = ""
    codes: list[dict] = field(default_factory=list)  # per reason: {"code": ..., "values": {...}}, for translation


def glossary_for(report_terms: set[str]) -> dict[str, str]:
    """Glossary lines for the metrics an audit reported, in the glossary's order."""
    return {term: line for term, line in GLOSSARY.items() if term in report_terms}


# Reason templates: English here; other languages translate the codes (reports/i18n/reasons.<lang>.yaml)
REASONS = {
    "direct_identifier": "column '{column}' holds {category} in {share} of sampled values: it names or directly "
    "identifies the person",
    "direct_identifier_links": "'{column}' is a direct identifier: any register holding it joins this file",
    "randomised_macs": "{randomised} of {distinct} MAC addresses in '{column}' are locally administered (randomised "
    "by the phone): they cannot be traced to a vendor, but they still link a person's events for "
    "as long as the phone keeps them",
    "hash_singles_out": "'{column}' holds the same hash for the same person in every row: the hash singles each one "
    "out",
    "hash_links": "'{column}' is a stable hash: it links a person's rows, and the same hash in another file links "
    "those too (WP216 Table 6: hashing leaves singling out and linkability)",
    "hash_not_tried": "'{column}' was not tried for reversal (no budget)",
    "hash_reversed": "'{column}' is " + IDENTIFIABLE + " (" + EDPB_PSEUDONYMISATION + "): {reversed} of {distinct} "
    "{algorithm} hashes were turned back into the identifier without any separately kept key; "
    "{tried}",
    "hash_not_reversed": "none of the {distinct} {algorithm} hashes in '{column}' was reversed, which does not show "
    "they cannot be: {tried}",
    "k_below": "k = {k} < {k_threshold}: on {quasi_identifiers}, {uniques} of {units_evaluated} {units} ({share}) are "
    "the only ones with their values",
    "uniques_link": "{uniques} {units} are unique on the quasi-identifiers and can be joined to registers holding "
    "the same attributes",
    "l_one": "'{attribute}': in some group everyone has the same value (ℓ = 1), so placing a person in the group "
    "reveals it",
    "t_above": "'{attribute}': some group's values differ from the whole file's by t = {t} > {t_threshold}: "
    "membership tells something",
    "population_unique": "an estimated {share} of the population of {population} would be unique on these "
    "attributes (population uniqueness, {model} model)",
    "trace_singles_out": "p random points of a trace in '{column}' single out {shares} pseudonyms (p = 1..{points}; "
    "{level}; de Montjoye 2013: 95 % at p = 4)",
    "trace_links": "'{column}' links events into traces (AP Enschede 2021: counting turns into following); {advice}",
    "time_resolution": "'{column}' has {unit} resolution: the same events in another dataset (a camera, a card log) "
    "can be matched by time",
    "coordinates": "'{column}' resolves to ~{metres} m: home and work places identify people",
}


@dataclass(frozen=True)
class Reason:
    """A reason as a code and its values, so a report can say it in another language."""

    code: str
    values: dict[str, str]

    @property
    def text(self) -> str:
        return REASONS[self.code].format(**self.values) if self.code in REASONS else self.values["text"]


def _say(out: list[Reason], code: str, **values: object) -> None:
    out.append(Reason(code, {k: str(v) for k, v in values.items()}))


def _english(out: list[Reason], texts: list[str]) -> None:
    """Reasons written elsewhere (weights, generalisation): kept in English, under the code 'text'."""
    out.extend(Reason("text", {"text": t}) for t in texts)


def _units(persons: PersonUnits | None) -> str:
    return f"persons (distinct '{persons.pseudonym}')" if persons else "records"


def _hash_reasons(column: str, report: ReversalReport | None) -> tuple[list[Reason], list[Reason]]:
    """(singling out, linkability) reasons for one hashed column, saying what reversal tried and did not."""
    singling: list[Reason] = []
    linking: list[Reason] = []
    _say(singling, "hash_singles_out", column=column)
    _say(linking, "hash_links", column=column)
    if report is None:
        _say(linking, "hash_not_tried", column=column)
    elif report.reversed_hashes:
        _say(
            singling,
            "hash_reversed",
            column=column,
            reversed=report.reversed_hashes,
            distinct=report.distinct_hashes,
            algorithm=report.algorithm,
            tried=report.limits(),
        )
    else:
        _say(
            singling,
            "hash_not_reversed",
            column=column,
            distinct=report.distinct_hashes,
            algorithm=report.algorithm,
            tried=report.limits(),
        )
    return singling, linking


def _coarsening_advice(trajectory: TrajectoryReport) -> str:
    """Which tested coarsening brings unicity down to the threshold, or that none does."""
    if trajectory.suggestion:
        level = next(lv for lv in trajectory.levels if lv.label == trajectory.suggestion)
        return f"coarsen to {level.label} ({level.worst_share:.0%} singled out)"
    best = min(trajectory.levels, key=lambda lv: lv.worst_share)
    return f"no tested coarsening suffices (best {best.label}: {best.worst_share:.0%}); publish counts, not traces"


def _trajectory_reasons(trajectory: TrajectoryReport | None) -> tuple[list[Reason], list[Reason]]:
    """(singling out, linkability) reasons when the traces at the data's own resolution are unique."""
    singling: list[Reason] = []
    linking: list[Reason] = []
    if trajectory is None or not trajectory.unique or trajectory.as_given is None:
        return singling, linking
    level = trajectory.as_given
    measured = [u for u in level.unicity if u.share is not None]
    shares = ", ".join(f"{u.share:.0%} of {u.evaluated}" for u in measured)
    _say(
        singling,
        "trace_singles_out",
        column=trajectory.pseudonym,
        shares=shares,
        points=len(measured),
        level=level.label,
    )
    _say(linking, "trace_links", column=trajectory.pseudonym, advice=_coarsening_advice(trajectory))
    return singling, linking


def risk_verdicts(
    direct,
    hashed,
    reversal: dict[str, ReversalReport],
    anonymity: AnonymityResult | None,
    uniqueness: PopulationUniqueness | None,
    timestamps: dict[str, str],
    coordinates: dict[str, float],
    k_threshold: int,
    t_threshold: float,
    trajectory: TrajectoryReport | None = None,
    weighted: IndividualRisk | None = None,
    generalisation: GeneralisationSuggestion | None = None,
    persons: PersonUnits | None = None,
    randomised_macs: dict[str, tuple[int, int]] | None = None,
) -> list[RiskVerdict]:
    """The three WP216 answers; each reason in plain words, with its code and values for translation."""
    singling: list[Reason] = []
    linking: list[Reason] = []
    inferring: list[Reason] = []
    for finding in direct:
        _say(
            singling,
            "direct_identifier",
            column=finding.column,
            category=finding.category,
            share=f"{finding.share_of_sample:.0%}",
        )
        _say(linking, "direct_identifier_links", column=finding.column)
    for column, (randomised, distinct) in (randomised_macs or {}).items():
        if randomised:
            _say(linking, "randomised_macs", column=column, randomised=randomised, distinct=distinct)
    for column in hashed:
        column_singling, column_linking = _hash_reasons(column, reversal.get(column))
        singling.extend(column_singling)
        linking.extend(column_linking)
    if anonymity is not None:
        units = _units(persons)
        unit_code = {
            "unit_code": "persons" if persons else "records",
            "pseudonym": persons.pseudonym if persons else "",
        }
        if anonymity.k < k_threshold:
            _say(
                singling,
                "k_below",
                k=anonymity.k,
                k_threshold=k_threshold,
                quasi_identifiers=", ".join(anonymity.quasi_identifiers),
                uniques=anonymity.sample_uniques,
                units_evaluated=anonymity.records_evaluated,
                units=units,
                **unit_code,
                share=f"{anonymity.sample_unique_share:.1%}",
            )
            _english(singling, generalisation_hint(generalisation))
        if anonymity.sample_uniques:
            _say(linking, "uniques_link", uniques=anonymity.sample_uniques, units=units, **unit_code)
        for stats in anonymity.sensitive:
            if stats.l_distinct < 2:
                _say(inferring, "l_one", attribute=stats.attribute)
            if stats.t_closeness > t_threshold:
                _say(
                    inferring,
                    "t_above",
                    attribute=stats.attribute,
                    t=f"{stats.t_closeness:.3f}",
                    t_threshold=t_threshold,
                )
    if uniqueness is not None and uniqueness.dankar > 0:
        _say(
            singling,
            "population_unique",
            share=f"{uniqueness.dankar:.2%}",
            population=math.floor(uniqueness.population),
            model=uniqueness.dankar_model,
        )
    _english(singling, weighted_reasons(weighted))
    trace_singling, trace_linking = _trajectory_reasons(trajectory)
    singling.extend(trace_singling)
    linking.extend(trace_linking)
    for column, unit in timestamps.items():
        if unit in ("second", "subsecond", "minute"):
            _say(linking, "time_resolution", column=column, unit=unit)
    for column, metres in coordinates.items():
        if metres < 1000:
            _say(linking, "coordinates", column=column, metres=f"{metres:.0f}")
    return [
        RiskVerdict(
            risk,
            bool(reasons),
            [r.text for r in reasons],
            WP216_QUESTIONS[risk],
            [{"code": r.code, "values": r.values} for r in reasons],
        )
        for risk, reasons in (("singling out", singling), ("linkability", linking), ("inference", inferring))
    ]
