"""A crawl from the command line: the replicas it needs started, the portals walked, the run's
captures extracted into the archive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.store import Archive
from crawler import registry
from crawler.registry import Portal
from crawler.run import Crawled, crawl
from extract.version import extractor_version
from nianbao import ingest
from replicas import portals as replica_sites
from replicas.server import serving


@contextmanager
def served(portals: list[Portal], base_port: int = 0) -> Iterator[list[Portal]]:
    """The portals as this run reaches them: each replica served on 127.0.0.1 meanwhile."""
    wanted = {p.replica for p in portals if p.replica}
    sites = [s for s in replica_sites.sites() if s.id in wanted]
    with serving(sites, base_port) as running:
        ports = {r.site.id: r.port for r in running}
        yield [registry.at_port(p, ports[p.replica]) if p.replica else p for p in portals]


def crawl_and_file(
    archive: Archive, portals: list[Portal], warc_dir: Path, timeout: float
) -> tuple[Crawled, ingest.Tally]:
    run = archive.start_run("crawl", extractor_version(), note=" ".join(p.id for p in portals))
    with served(portals) as reachable:
        crawled = crawl(reachable, archive, run, warc_dir / f"{run}.warc.gz")
    tally = ingest.extract_run(archive, run, timeout)
    archive.finish_run(run, crawled.captures, tally.reports, crawled.failures + len(tally.failures))
    return crawled, tally
