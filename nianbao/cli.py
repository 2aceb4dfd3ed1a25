"""The `nianbao` command: a thin composition root over extract/, archive/ and crawler/."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archive.publish import export as exporting
from archive.publish.serve import Unsettled
from archive.publish.serve import command as serve_command
from archive.store import DEFAULT_DB, Archive
from nianbao import batch, ingest

if TYPE_CHECKING:  # the crawler is imported only by the commands that crawl
    from crawler.registry import Portal
    from nianbao.crawling import Outcome

TIMEOUT_HELP = "Seconds one document may take before it is given up with an error."
# A text document takes well under a second; a scan is read by OCR at about 5 s a page (two
# cores), so a ten-page scan needs a minute.
TIMEOUT = 120


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--db, shared by every command that works on the archive."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="The archive database; its blobs sit beside it in blobs/.",
    )(fn)


warc_option = click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data") / "warc",
    show_default=True,
    help="Where each run's WARC file is written.",
)
redis_option = click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Share the crawl's queue and dupefilter in this Redis (redis://host:6379/0) with the"
    " other processes started with it and the same archive, or a copy of it on another machine"
    " (brought back by `nianbao merge`).",
)
full_option = click.option(
    "--full",
    is_flag=True,
    help="Fetch everything again, as if the archive were empty (no conditional requests).",
)


def open_archive(path: Path) -> Archive:
    try:
        return Archive(path)
    except Exception as e:  # a locked, read-only or corrupt file: say which and why
        raise click.ClickException(f"cannot open the archive {path}: {e}") from e


@contextmanager
def archive_errors(path: Path) -> Iterator[None]:
    """A database that is locked, full or unwritable is a one-line error; each report's load
    is one transaction, so nothing is left half-written."""
    try:
        yield
    except (sqlite3.Error, OSError) as e:
        raise click.ClickException(f"the archive {path}: {e}; loads so far are kept whole") from e


def report_tally(tally: ingest.Tally) -> None:
    click.echo(
        f"{tally.captures} captures stored, {tally.reports} reports filed, "
        f"{len(tally.failures)} without a report"
    )
    for where, why in tally.failures:
        click.echo(f"nianbao: {where}: {why}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def cli() -> None:
    """nianbao (年报): an open archive of China's government information disclosure annual
    reports."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print each report as a JSON object.")
@click.option("--with-text", is_flag=True, help="Include the normalised text in the JSON.")
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
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
@db_option
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Publish the archive with Datasette afterwards.",
)
@click.option("--port", default=8001, show_default=True, help="Port to serve on.")
def demo(db_path: Path, timeout: int, serve: bool, port: int) -> None:
    """The main job on the embedded default: start the bundled replica portals on 127.0.0.1,
    crawl them all, file their reports, print a summary, then serve the archive with Datasette
    at http://127.0.0.1:PORT/.

    Example: nianbao demo --no-serve --db /tmp/demo.db
    """
    from crawler import registry

    outcome = crawl_with_progress(registry.replicas(), db_path, db_path.parent / "warc", timeout)
    click.echo(batch.summary(outcome.tally.results))
    report_outcome(outcome)
    if serve:
        click.echo(f"serving {db_path} at http://127.0.0.1:{port}/ (Ctrl-C stops)")
        serve_archive(db_path, "127.0.0.1", port)


def crawl_with_progress(
    portals: list[Portal],
    db_path: Path,
    warc_dir: Path,
    timeout: float,
    full: bool = False,
    redis_url: str | None = None,
) -> Outcome:
    """A crawl with a live count of responses on a terminal."""
    from nianbao import crawling

    archive = open_archive(db_path)
    seen = [0]

    live = sys.stderr.isatty()

    def fetched(url: str) -> None:
        seen[0] += 1
        if live:
            click.echo(
                f"\rcrawling {len(portals)} portals: {seen[0]} responses", nl=False, err=True
            )

    with archive_errors(db_path):
        outcome = crawling.crawl_and_file(
            archive, portals, warc_dir, timeout, fetched, full=full, redis_url=redis_url
        )
    if live:
        click.echo("", err=True)
    return outcome


def report_outcome(outcome: Outcome) -> None:
    """Per portal, then in all: pages, reports, cells, failed checks."""
    crawled = outcome.crawled
    click.echo(
        f"run {crawled.run}: {crawled.captures} responses recorded, {crawled.failures} fetches"
        f" failed; WARC {crawled.warc}"
    )
    for p in outcome.portals:
        click.echo(
            f"  {p['portal']:24} {p['health']:9} {p['pages']:3} pages {p['attachments']:3}"
            f" attachments {p['reports']:3} reports {p['failures']:3} failed"
            + (f"  ({p['reason']})" if p["reason"] else "")
        )
    filed = [r.report for r in outcome.tally.results if r.report and r.report.cells]
    cells = sum(sum(v is not None for v in r.cells.values()) for r in filed)
    failed = sum(any(not c.ok for c in r.checks) for r in filed)
    click.echo(
        f"{len(outcome.portals)} portals, {sum(p['pages'] for p in outcome.portals)} report pages,"
        f" {outcome.tally.reports} documents filed as {outcome.reports} distinct reports"
        f" ({len(filed)} read, the rest met before: {cells} cells;"
        f" {failed} fail their own checks)"
    )
    for where, why in outcome.tally.failures:
        click.echo(f"nianbao: {where}: {why}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
def add(paths: tuple[Path, ...], db_path: Path, timeout: int) -> None:
    """Store local documents (files, or every file under a folder) and file their reports.

    Example: nianbao add ~/Downloads/reports/ --db data/archive.db
    """
    archive = open_archive(db_path)
    files = list(ingest.files_under(paths))
    with (
        archive_errors(db_path),
        click.progressbar(
            files,
            label="adding",
            file=sys.stderr,
            item_show_func=lambda p: Path(p).name if p else "",
        ) as bar,
    ):
        tally = ingest.add(archive, files, timeout, tick=lambda p: bar.update(1, p))
    report_tally(tally)


@cli.command()
@click.argument("portal_ids", nargs=-1)
@click.option("--portal", "portal_opts", multiple=True, help="A registry id (repeatable).")
@click.option(
    "--platform", help="Every registry portal of this platform (with --url: its platform)."
)
@click.option(
    "--all", "every", is_flag=True, help="Every portal of the registry, real and replica."
)
@click.option("--url", help="Crawl one column from its entry URL, without editing the registry.")
@db_option
@warc_option
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
@full_option
@redis_option
def crawl(
    portal_ids: tuple[str, ...],
    portal_opts: tuple[str, ...],
    platform: str | None,
    every: bool,
    url: str | None,
    db_path: Path,
    warc_dir: Path,
    timeout: int,
    full: bool,
    redis_url: str | None,
) -> None:
    """Crawl portals of the registry (default: every bundled replica, served on 127.0.0.1
    meanwhile), store every response, and file the reports found. What the archive knows is
    asked again only if it may have changed; a crawl that was killed resumes.

    Example: nianbao crawl --portal mct-gknb --db data/archive.db
    """
    portals = chosen(portal_ids, portal_opts, platform, every, url)
    report_outcome(crawl_with_progress(portals, db_path, warc_dir, timeout, full, redis_url))


def chosen(
    portal_ids: tuple[str, ...],
    portal_opts: tuple[str, ...],
    platform: str | None,
    every: bool,
    url: str | None,
) -> list[Portal]:
    """The portals a crawl's options name: by id, all, by platform, a URL; else the replicas."""
    from crawler import registry
    from nianbao import crawling

    ids = [*portal_ids, *portal_opts]
    try:
        if url:
            portals = [crawling.portal_for_url(url, platform)]
        elif ids:
            portals = registry.find(ids)
        elif every:
            portals = registry.portals()
        elif platform:
            portals = [p for p in registry.portals() if p.platform == platform]
            if not portals:
                raise KeyError(f"no portal of platform {platform} in the registry")
        else:
            portals = registry.replicas()
    except KeyError as e:
        raise click.ClickException(str(e.args[0])) from e
    except OSError as e:
        raise click.ClickException(f"{url}: {e}") from e
    return portals


@cli.command()
@click.argument("portal_ids", nargs=-1)
@click.option("--portal", "portal_opts", multiple=True, help="A registry id (repeatable).")
@click.option("--platform", help="Every registry portal of this platform.")
@click.option(
    "--all", "every", is_flag=True, help="Every portal of the registry, real and replica."
)
@db_option
@warc_option
@click.option(
    "--publish",
    "published",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data") / "published.db",
    show_default=True,
    help="The copy of the archive Datasette serves, replaced whole when the run ends.",
)
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
@full_option
@redis_option
@click.option(
    "--budget",
    default=0,
    show_default=True,
    help="Requests the night may send over all portals (0: no limit); the rest wait a night.",
)
def nightly(
    portal_ids: tuple[str, ...],
    portal_opts: tuple[str, ...],
    platform: str | None,
    every: bool,
    db_path: Path,
    warc_dir: Path,
    published: Path,
    timeout: int,
    full: bool,
    redis_url: str | None,
    budget: int,
) -> None:
    """The scheduled run: under a lock (a second run stops at once), crawl what is new or
    due, file new reports and new versions, then publish the archive for `nianbao serve`.

    Example: nianbao nightly --all --db data/archive.db --publish data/published.db
    """
    from nianbao import nightly as nightly_run

    portals = chosen(portal_ids, portal_opts, platform, every, None)
    try:
        with nightly_run.locked(db_path.parent / nightly_run.LOCK):
            archive = open_archive(db_path)
            with archive_errors(db_path):
                done = nightly_run.run(
                    archive, portals, warc_dir, timeout, published, full, redis_url, budget
                )
    except nightly_run.Busy as e:
        click.echo(f"nianbao: {e}", err=True)
        sys.exit(75)  # EX_TEMPFAIL: cron and systemd see it as "try later"
    report_outcome(done.outcome)
    click.echo(
        f"nightly: {done.requests} requests ({done.not_modified} not modified),"
        f" {len(done.new_reports)} new reports, {len(done.new_versions)} new versions;"
        f" published {done.published}"
    )


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@db_option
@warc_option
@click.option(
    "--no-file",
    is_flag=True,
    help="Bring the captures over without filing them: a crawler's copy of the archive being"
    " given its history.",
)
@click.option(
    "--publish",
    "published",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Then publish the archive to this file, as `nianbao nightly` does.",
)
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
def merge(
    sources: tuple[Path, ...],
    db_path: Path,
    warc_dir: Path,
    no_file: bool,
    published: Path | None,
    timeout: int,
) -> None:
    """Bring in the archives of crawlers on other machines (each SOURCE an archive database
    with its blobs/ and warc/ beside it): their runs, captures, bytes and WARCs, each once
    however often merged; then file what they captured here. Exits 1 if anything was left
    out (each with its reason), 75 while a nightly run or another merge holds the archive.

    Example: nianbao merge /mnt/worker1/data/archive.db --db data/archive.db
    """
    from nianbao import merging
    from nianbao import nightly as nightly_run

    try:
        with nightly_run.locked(db_path.parent / nightly_run.LOCK):
            archive = open_archive(db_path)
            with archive_errors(db_path):
                done = merging.gather(archive, list(sources), warc_dir, timeout, not no_file)
                if published is not None:
                    nightly_run.publish(archive.path, published)
    except nightly_run.Busy as e:
        click.echo(f"nianbao: {e}", err=True)
        sys.exit(75)
    left = list(done.refused)
    for m in done.merged:
        click.echo(
            f"{m.source}: {m.captures} captures ({m.blobs} new blobs), {len(m.warcs)} WARCs,"
            f" runs {', '.join(m.runs) or 'none new'}"
        )
        left += [f"{m.source}: {why}" for why in m.left]
    for run, reports in done.runs.items():
        click.echo(f"filed {run}: {reports} reports")
    if done.runs:
        click.echo(
            f"{len(done.new_reports)} new reports, {len(done.new_versions)} new versions"
            + (f"; published {published}" if published else "")
        )
    for why in left:
        click.echo(f"left out: {why}", err=True)
    if left:
        sys.exit(1)


@cli.command()
@click.option(
    "--port",
    default=0,
    help="Serve them from this port on, one each (default: each on its registry port).",
)
def replicas(port: int) -> None:
    """Serve the bundled replica portals on 127.0.0.1 (one port each) until interrupted.

    Example: nianbao replicas --port 8601
    """
    import time

    from crawler import registry
    from nianbao import crawling

    with crawling.served(registry.replicas(), port) as portals:
        for p in portals:
            click.echo(f"{p.id:24} {p.platform:10} {p.entry_url}")
        click.echo("serving (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@cli.command()
@db_option
@click.option("--timeout", default=TIMEOUT, show_default=True, help=TIMEOUT_HELP)
def reprocess(db_path: Path, timeout: int) -> None:
    """Extract every stored capture again with this extractor, without the network.

    Example: nianbao reprocess --db data/archive.db
    """
    archive = open_archive(db_path)
    with archive_errors(db_path):
        report_tally(ingest.reprocess(archive, timeout))


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
def serve(db_path: Path, host: str, port: int) -> None:
    """Publish the archive with Datasette, read-only, at http://HOST:PORT/.

    Example: nianbao serve --db data/archive.db --port 8001
    """
    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}: `nianbao add` or `nianbao run` first")
    open_archive(db_path)  # migrate an older archive before it is served read-only
    serve_archive(db_path, host, port)


def serve_archive(db_path: Path, host: str, port: int) -> None:
    """This process becomes Datasette over the archive."""
    try:
        args = serve_command(db_path, host, port)
    except Unsettled as e:
        raise click.ClickException(str(e)) from e
    os.execv(sys.executable, args)


@cli.command()
@db_option
@click.option("--province", help="Only this province, e.g. 安徽省.")
@click.option("--city", help="Only this city, e.g. 六安市.")
@click.option("--level", type=click.Choice(exporting.LEVELS), help="Only agencies of this level.")
@click.option("--years", help="A year or a span: 2021 or 2020-2023.")
@click.option(
    "--table",
    type=click.Choice(exporting.TABLES),
    default="all",
    show_default=True,
    help="Which official table's columns.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default="csv",
    show_default=True,
    help="CSV (UTF-8 with BOM, for Excel) or XLSX.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output for CSV).",
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:8001",
    show_default=True,
    help="Where the archive is served: capture links point there.",
)
def export(
    db_path: Path,
    province: str | None,
    city: str | None,
    level: str | None,
    years: str | None,
    table: str,
    fmt: str,
    output: Path | None,
    base_url: str,
) -> None:
    """Write reports in the official wide layout, one row per report, Chinese column labels,
    with the source URL and a link to the original as captured.

    Example: nianbao export --province 安徽省 --years 2020-2023 --table applications -o ah.csv
    """
    archive = open_archive(db_path)
    try:
        span = exporting.parse_years(years) if years else None
        filters = exporting.Filters(province, city, level, span, table)
        header, data = exporting.rows(archive.db, filters, base_url)
    except exporting.ExportError as e:
        raise click.ClickException(str(e)) from e
    if fmt == "xlsx":
        if output is None:
            raise click.ClickException("--format xlsx needs --output FILE")
        exporting.to_xlsx(header, data, output)
    elif output is None:
        sys.stdout.buffer.write(exporting.to_csv(header, data))
    else:
        output.write_bytes(exporting.to_csv(header, data))
    click.echo(f"{len(data)} reports exported", err=True)
