"""`muniscan dataset audit`: is an "anonymised" export anonymous? The WP216 verdict with its reasons, stored."""

from pathlib import Path
from typing import Annotated

import typer

from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json, fail, safe, table

app = typer.Typer(help="Datasets claimed to be anonymous: singling out, linkability, inference.", no_args_is_help=True)


def _columns(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


@app.command()
def audit(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, JSON/JSON Lines or Parquet export.")],
    qi: Annotated[str | None, typer.Option("--qi", help="Quasi-identifier columns, comma-separated.")] = None,
    sensitive: Annotated[str | None, typer.Option(help="Sensitive columns (for ℓ and t), comma-separated.")] = None,
    population: Annotated[float | None, typer.Option(help="Population size N (e.g. the municipality's).")] = None,
    budget: Annotated[
        float,
        typer.Option(
            help="Seconds to spend reversing unsalted hashes (on every core); the output says what was "
            "tried and the budget that would try everything."
        ),
    ] = 20.0,
    pseudonym: Annotated[
        str | None, typer.Option(help="Column holding the device/card pseudonym of each event (else detected).")
    ] = None,
    time: Annotated[str | None, typer.Option("--time", help="Time column of the events (else detected).")] = None,
    place: Annotated[
        str | None, typer.Option(help="Place of the events: a zone/sensor column or 'lat,lon' (else detected).")
    ] = None,
    weight: Annotated[str | None, typer.Option(help="Sampling-weight column: adds sdcMicro's individual risk.")] = None,
    k: Annotated[
        int | None, typer.Option("--k", min=1, help="k the quasi-identifiers must reach (default: the audit's, 5).")
    ] = None,
    hierarchies: Annotated[
        Path | None,
        typer.Option(
            "--hierarchies",
            metavar="DIR",
            help="Folder of ARX-format hierarchy CSVs (<column>.csv or <name>_hierarchy_<column>.csv): "
            "suggest the least-lossy generalisation that reaches k.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Audit one file against the three Article 29 WP risks and store the result."""
    from muniscan.privacy.datasets.generalisation import HierarchyError
    from muniscan.privacy.datasets.records import DatasetInputError, audit_and_store

    try:
        result = audit_and_store(
            state(ctx).store(),
            file,
            _columns(qi),
            _columns(sensitive),
            _columns(place),
            pseudonym,
            time,
            weight,
            population=population,
            budget_seconds=budget,
            hierarchies=hierarchies,
            **({"k_threshold": k} if k is not None else {}),
        )
    except (DatasetInputError, HierarchyError) as exc:
        fail(str(exc))
    except (ValueError, KeyError, OSError) as exc:
        fail(f"{file}: {exc}")
    if as_json:
        emit_json(result)
    else:
        _print_audit(file, result)


def _print_audit(file: Path, result: dict) -> None:
    """The verdict, the WP216 tests with their reasons, the figures, traces, generalisation and glossary."""
    console.print(f"{file}: {result['records']} records — verdict: {result['verdict'].upper()}")
    persons = result["persons"]
    if persons:
        console.print(safe(f"counted over {persons['persons']} persons (distinct '{persons['pseudonym']}'), "
                           f"not {persons['rows']} rows"))  # fmt: skip
    table(
        "Article 29 WP (WP216) tests: the question each answers, and why",
        ["test", "present", "reasons"],
        [
            [f"{risk}: {v['question']}" if i == 0 else "", ("YES" if v["present"] else "no") if i == 0 else "", reason]
            for risk, v in result["risks"].items()
            for i, reason in enumerate(v["reasons"] or [""])
        ],
        limit=1000,  # reasons are muniscan's own sentences (column names in them are escaped)
    )
    unit = "persons" if persons else "records"
    figures = [
        ["quasi-identifiers", ", ".join(result["quasi_identifiers"]) or "none"],
        [f"k (over {unit})", result["k"]],
        [f"sample uniques ({unit})", result["sample_uniques"]],
        ["ℓ (distinct)", ", ".join(f"{a}={v}" for a, v in result["l"].items()) or "-"],
        ["t-closeness", ", ".join(f"{a}={v}" for a, v in result["t"].items()) or "-"],
    ]
    if result["prosecutor_risk"]:
        figures.append(["prosecutor risk (highest / average)",
                        "{highest:.3f} / {average:.3f}".format(**result["prosecutor_risk"])])  # fmt: skip
    if result["population_uniqueness"]:
        u = result["population_uniqueness"]
        figures.append(["population uniqueness", f"{u['estimate']:.2%} ({u['model']}, N = {u['population']:.0f})"])
    for column, r in result["hashes_reversed"].items():
        figures.append([f"hashes reversed in {column}", f"{r['reversed']} of {r['distinct']} ({r['algorithm']})"])
        figures.append([f"reversal of {column}: what was tried", r["tried"]])
    for found in result["direct_identifiers"]:
        figures.append(
            [f"direct identifier {found['column']}", f"{found['category']} e.g. {found['masked_examples'][:1]}"]
        )
    if result["individual_risk"]:
        r = result["individual_risk"]
        figures.append([f"individual risk, weights '{r['weight_column']}' (highest / mean)",
                        f"{r['highest']:.3f} / {r['mean']:.4f}"])  # fmt: skip
        figures.append([f"records above {r['threshold']:g}", r["records_above_threshold"]])
        figures.append(["expected re-identifications", f"{r['expected_reidentifications']:.2f} of {r['records']}"])
    table("figures", ["measure", "value"], figures)
    if result["trajectory"]:
        _print_trajectory(result["trajectory"])
    if result["generalisation"]:
        _print_generalisation(result["generalisation"])
    for line in result["notes"]:
        console.print(safe(f"note: {line}"))
    for term, line in result["glossary"].items():
        console.print(safe(f"{term}: {line}"), style="dim")
    console.print(f"stored as dataset audit #{result['audit_id']}")


def _print_trajectory(trajectory: dict) -> None:
    """Unicity per tested resolution, so the DPO sees which coarsening would help."""
    place = ", ".join(trajectory["place"]) or "none"
    unusable = ", ".join(f"{reason}: {count}" for reason, count in trajectory["unusable"].items() if count)
    console.print(
        f"traces: pseudonym '{trajectory['pseudonym']}', time '{trajectory['time'] or 'none'}', place {place}; "
        f"{trajectory['events_used']} of {trajectory['events']} events used"
        + (f" ({unusable})" if unusable else "")
        + f"; {trajectory['pseudonyms_sampled']} of {trajectory['pseudonyms']} pseudonyms sampled"
    )
    rows = [
        [lv["time"], lv["place"], lv["points"], *(_share(lv["singled_out"].get(str(p))) for p in range(1, 5))]
        for lv in trajectory["levels"]
    ]
    table("trace uniqueness: pseudonyms singled out by p random points of their trace",
          ["time", "place", "distinct points", "p=1", "p=2", "p=3", "p=4"], rows)  # fmt: skip
    if trajectory["suggestion"]:
        console.print(f"least coarsening that meets the threshold: {trajectory['suggestion']}")


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _print_generalisation(suggestion: dict) -> None:
    """The hierarchy level per column and what it leaves, or that the hierarchies cannot reach k."""
    target = suggestion["k_target"]
    rows = [[c["column"], f"{c['level']} of {c['top_level']}", _becomes(c), _loss(c)] for c in suggestion["columns"]]
    title = "suggested generalisation" if suggestion["reachable"] else "top of every hierarchy"
    table(f"{title} (to reach k = {target})", ["column", "level", "example", "loss"], rows)
    if suggestion["reachable"]:
        line = (
            f"would give k = {suggestion['k']} in {suggestion['classes']} classes; prosecutor risk "
            f"{suggestion['prosecutor_highest']:.3f} highest, {suggestion['prosecutor_average']:.4f} average"
        )
    else:
        line = f"no generalisation with these hierarchies reaches k = {target}; at their top, k = {suggestion['k']}"
    if suggestion["kept"]:
        line += f"; kept as they are (no hierarchy): {', '.join(suggestion['kept'])}"
    for tie in suggestion["ties"]:
        line += "; equally good: " + ", ".join(f"{column} {level}" for column, level in tie.items())
    console.print(safe(line))


def _loss(column: dict) -> str:
    return "-" if column["loss"] is None else f"{column['loss']:.4f}"


def _becomes(column: dict) -> str:
    if column["example"] is None:
        return "(identifier column: no example)"
    return f"{column['example']} → {column['becomes']}"
