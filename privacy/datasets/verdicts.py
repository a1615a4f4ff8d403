"""The three WP216 answers of a dataset audit, in plain words, and a glossary line for every metric named.

Each reason says what was found and why it matters to the question WP216 asks; a metric appears in a
reason only with its glossary entry beside it in the output, so a reader never meets jargon unexplained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def glossary_for(report_terms: set[str]) -> dict[str, str]:
    """Glossary lines for the metrics an audit reported, in the glossary's order."""
    return {term: line for term, line in GLOSSARY.items() if term in report_terms}


def _units(anonymity: AnonymityResult, persons: PersonUnits | None) -> str:
    return f"persons (distinct '{persons.pseudonym}')" if persons else "records"


def _hash_reasons(column: str, report: ReversalReport | None) -> tuple[list[str], list[str]]:
    """(singling out, linkability) reasons for one hashed column, saying what reversal tried and did not."""
    singling = [f"'{column}' holds the same hash for the same person in every row: the hash singles each one out"]
    linking = [f"'{column}' is a stable hash: it links a person's rows, and the same hash in another file links "
               "those too (WP216 Table 6: hashing leaves singling out and linkability)"]
    if report is None:
        linking.append(f"'{column}' was not tried for reversal (no budget)")
        return singling, linking
    if report.reversed_hashes:
        singling.append(f"'{column}' is {IDENTIFIABLE} ({EDPB_PSEUDONYMISATION}): {report.reversed_hashes} of "
                        f"{report.distinct_hashes} {report.algorithm} hashes were turned back into the identifier "
                        f"without any separately kept key; {report.limits()}")
    else:
        singling.append(f"none of the {report.distinct_hashes} {report.algorithm} hashes in '{column}' was reversed, "
                        f"which does not show they cannot be: {report.limits()}")
    return singling, linking


def _coarsening_advice(trajectory: TrajectoryReport) -> str:
    """Which tested coarsening brings unicity down to the threshold, or that none does."""
    if trajectory.suggestion:
        level = next(lv for lv in trajectory.levels if lv.label == trajectory.suggestion)
        return f"coarsen to {level.label} ({level.worst_share:.0%} singled out)"
    best = min(trajectory.levels, key=lambda lv: lv.worst_share)
    return f"no tested coarsening suffices (best {best.label}: {best.worst_share:.0%}); publish counts, not traces"


def _trajectory_reasons(trajectory: TrajectoryReport | None) -> tuple[list[str], list[str]]:
    """(singling out, linkability) reasons when the traces at the data's own resolution are unique."""
    if trajectory is None or not trajectory.unique or trajectory.as_given is None:
        return [], []
    level = trajectory.as_given
    measured = [u for u in level.unicity if u.share is not None]
    shares = ", ".join(f"{u.share:.0%} of {u.evaluated}" for u in measured)
    column = trajectory.pseudonym
    singling = (f"p random points of a trace in '{column}' single out {shares} pseudonyms (p = 1..{len(measured)}; "
                f"{level.label}; de Montjoye 2013: 95 % at p = 4)")
    linking = (f"'{column}' links events into traces (AP Enschede 2021: counting turns into following); "
               f"{_coarsening_advice(trajectory)}")
    return [singling], [linking]


def risk_verdicts(direct, hashed, reversal: dict[str, ReversalReport], anonymity: AnonymityResult | None,
                  uniqueness: PopulationUniqueness | None, timestamps: dict[str, str], coordinates: dict[str, float],
                  k_threshold: int, t_threshold: float, trajectory: TrajectoryReport | None = None,
                  weighted: IndividualRisk | None = None, generalisation: GeneralisationSuggestion | None = None,
                  persons: PersonUnits | None = None,
                  randomised_macs: dict[str, tuple[int, int]] | None = None) -> list[RiskVerdict]:
    """The three WP216 answers; each reason in plain words."""
    singling: list[str] = []
    linking: list[str] = []
    inferring: list[str] = []
    for finding in direct:
        singling.append(f"column '{finding.column}' holds {finding.category} in {finding.share_of_sample:.0%} of "
                        "sampled values: it names or directly identifies the person")
        linking.append(f"'{finding.column}' is a direct identifier: any register holding it joins this file")
    for column, (randomised, distinct) in (randomised_macs or {}).items():
        if randomised:
            linking.append(f"{randomised} of {distinct} MAC addresses in '{column}' are locally administered "
                           "(randomised by the phone): they cannot be traced to a vendor, but they still link a "
                           "person's events for as long as the phone keeps them")
    for column in hashed:
        column_singling, column_linking = _hash_reasons(column, reversal.get(column))
        singling.extend(column_singling)
        linking.extend(column_linking)
    if anonymity is not None:
        units = _units(anonymity, persons)
        if anonymity.k < k_threshold:
            singling.append(f"k = {anonymity.k} < {k_threshold}: on {', '.join(anonymity.quasi_identifiers)}, "
                            f"{anonymity.sample_uniques} of {anonymity.records_evaluated} {units} "
                            f"({anonymity.sample_unique_share:.1%}) are the only ones with their values")
            singling.extend(generalisation_hint(generalisation))
        if anonymity.sample_uniques:
            linking.append(f"{anonymity.sample_uniques} {units} are unique on the quasi-identifiers and can be "
                           "joined to registers holding the same attributes")
        for stats in anonymity.sensitive:
            if stats.l_distinct < 2:
                inferring.append(f"'{stats.attribute}': in some group everyone has the same value (ℓ = 1), so "
                                 "placing a person in the group reveals it")
            if stats.t_closeness > t_threshold:
                inferring.append(f"'{stats.attribute}': some group's values differ from the whole file's by "
                                 f"t = {stats.t_closeness:.3f} > {t_threshold}: membership tells something")
    if uniqueness is not None and uniqueness.dankar > 0:
        population = math.floor(uniqueness.population)
        singling.append(f"an estimated {uniqueness.dankar:.2%} of the population of {population} "
                        f"would be unique on these attributes (population uniqueness, {uniqueness.dankar_model} model)")
    singling.extend(weighted_reasons(weighted))
    trace_singling, trace_linking = _trajectory_reasons(trajectory)
    singling.extend(trace_singling)
    linking.extend(trace_linking)
    for column, unit in timestamps.items():
        if unit in ("second", "subsecond", "minute"):
            linking.append(f"'{column}' has {unit} resolution: the same events in another dataset (a camera, a "
                           "card log) can be matched by time")
    for column, metres in coordinates.items():
        if metres < 1000:
            linking.append(f"'{column}' resolves to ~{metres:.0f} m: home and work places identify people")
    return [RiskVerdict(risk, bool(reasons), reasons, WP216_QUESTIONS[risk])
            for risk, reasons in (("singling out", singling), ("linkability", linking), ("inference", inferring))]
