"""The `nianbao` command: a thin composition root over extract/, archive/ and crawler/."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import click

from nianbao import batch

TIMEOUT_HELP = "Seconds one document may take before it is given up with an error."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def cli() -> None:
    """nianbao (年报): an open archive of China's government information disclosure annual
    reports."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print each report as a JSON object.")
@click.option("--with-text", is_flag=True, help="Include the normalised text in the JSON.")
@click.option("--timeout", default=30, show_default=True, help=TIMEOUT_HELP)
def extract(files: tuple[Path, ...], as_json: bool, with_text: bool, timeout: int) -> None:
    """Extract reports from documents (HTML pages, text exports), sniffed from their bytes.

    Example: nianbao extract report.html --json
    """
    results = batch.extract_files(files, timeout)
    for result in results:
        if result.error:
            click.echo(f"nianbao: {result.path}: error: {result.error}", err=True)
        elif as_json:
            obj = result.report.as_dict(with_text=with_text)  # type: ignore[union-attr]
            indent = 1 if len(files) == 1 else None
            click.echo(
                json.dumps({"file": str(result.path), **obj}, ensure_ascii=False, indent=indent)
            )
        for problem in result.problems():
            click.echo(f"nianbao: {result.path}: {problem}", err=True)
    if not as_json:
        click.echo(batch.summary(results))
    sys.exit(1 if any(r.failed for r in results) else 0)


@cli.command()
@click.option("--timeout", default=30, show_default=True, help=TIMEOUT_HELP)
def run(timeout: int) -> None:
    """The main job on the bundled sample reports: extract each and print a summary table.

    Example: nianbao run
    """
    samples = resources.files("nianbao").joinpath("samples")
    with resources.as_file(samples) as folder:
        files = tuple(sorted(p for p in Path(folder).iterdir() if p.is_file()))
        results = batch.extract_files(files, timeout)
    click.echo(batch.summary(results))
