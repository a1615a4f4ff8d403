"""The `muniscan` command line: one Typer app assembled from each area's commands."""
