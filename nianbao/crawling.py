"""A crawl from the command line: the replicas it needs started, the portals walked, the run's
captures extracted into the archive, each portal's outcome recorded."""

from __future__ import annotations

import hashlib
import os
import socket
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from protego import Protego

from archive.store import Archive
from crawler import registry, settings
from crawler.capture import settle
from crawler.detect import platform_of
from crawler.registry import Portal
from crawler.run import Crawled, crawl
from extract.version import extractor_version
from nianbao import ingest
from replicas import portals as replica_sites
from replicas.server import serving


@dataclass
class Outcome:
    crawled: Crawled
    tally: ingest.Tally
    portals: list[dict] = field(default_factory=list)
    reports: int = 0  # distinct reports the run's documents were filed as


@contextmanager
def served(portals: list[Portal], base_port: int = 0) -> Iterator[list[Portal]]:
    """The portals as this run reaches them: each replica served on 127.0.0.1 meanwhile."""
    order = [p.replica for p in portals if p.replica]  # ports in the registry's order
    sites = sorted(
        (s for s in replica_sites.sites() if s.id in order), key=lambda s: order.index(s.id)
    )
    # On the registry's ports where free: the same URLs from run to run, so that a nightly run
    # knows them again.
    # A replica already served there (`nianbao replicas`, another process of the same crawl)
    # is reached where it is.
    by_id = {p.replica: p for p in portals if p.replica}
    running_already = {s.id for s in sites if not base_port and _serving(by_id[s.id])}
    sites = [s for s in sites if s.id not in running_already]
    ports = [urllib.parse.urlsplit(by_id[s.id].entry_url).port or 0 for s in sites]
    with serving(sites, base_port, ports) as running:
        at = {r.site.id: r.port for r in running}
        yield [registry.at_port(p, at[p.replica]) if p.replica in at else p for p in portals]


def _serving(portal: Portal) -> bool:
    """Whether the portal's replica answers at its registry address already."""
    try:
        with urllib.request.urlopen(portal.entry_url, timeout=2) as response:
            return str(response.headers.get("Server", "")).startswith("replica-")
    except (OSError, ValueError):
        return False


def joined(archive: Archive, redis_url: str, kind: str, note: str) -> str:
    """The run of this crawl (this archive or a copy of it, kind and portals) the first of its
    processes started, named in Redis for 20 hours; once that run has ended, a new one."""
    import redis

    from archive.store import new_run

    what = f"{archive.id}\n{kind}\n{note}"
    key = f"nianbao:run:{hashlib.sha1(what.encode()).hexdigest()}"
    server = redis.Redis.from_url(redis_url)
    server.set(key, new_run(kind), nx=True, ex=20 * 3600)
    run = str(server.get(key).decode())
    ended = archive.db.execute("select ended_at from runs where id = ?", [run]).fetchone()
    if ended and ended[0]:  # that crawl is over: this one is another
        server.set(key, run := new_run(kind), ex=20 * 3600)
    return run


def _settle_the_dead(archive: Archive, run: str, warc_dir: Path) -> None:
    """The WARCs of this run's processes on this machine that were killed, made whole (one
    still running is writing its own, and is left alone)."""
    host = socket.gethostname()
    for warc in warc_dir.glob(f"{run}-{host}-*.warc.gz"):
        pid = warc.name.removesuffix(".warc.gz").rsplit("-", 1)[1]
        if pid.isdigit() and not _alive(int(pid)):
            settle(archive, run, warc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def portal_for_url(url: str, platform: str | None) -> Portal:
    """A portal the registry does not hold, from its column's URL; its platform detected from
    the page when not given."""
    if platform is None:
        if not robots_allow(url):
            raise KeyError(f"{url}: the site's robots.txt forbids it to {settings.BOT_NAME}")
        request = urllib.request.Request(url, headers={"User-Agent": settings.USER_AGENT})
        with urllib.request.urlopen(request, timeout=30) as response:
            page = response.read(2_000_000).decode("utf-8", "replace")
        platform = platform_of(url, page)
    host = urllib.parse.urlsplit(url).hostname or "portal"
    digest = hashlib.sha1(url.encode()).hexdigest()[:6]
    return Portal(
        id=f"{host}-{digest}",
        name=url,
        agency="",
        province="",
        city="",
        county="",
        division_code="",
        level="",
        platform=platform,
        entry_url=url,
        replica="",
        delay=settings.DOWNLOAD_DELAY,
        notes="crawled from its URL (nianbao crawl --url)",
    )


def robots_allow(url: str) -> bool:
    """Whether the site's robots.txt lets our user agent fetch the URL, as the crawl would ask
    (a missing or unreachable robots.txt allows all, as in Scrapy)."""
    robots_url = urllib.parse.urljoin(url, "/robots.txt")
    request = urllib.request.Request(robots_url, headers={"User-Agent": settings.USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read(500_000).decode("utf-8", "replace")
    except OSError:  # 404 and friends, refused, timed out
        return True
    return bool(Protego.parse(text).can_fetch(url, settings.USER_AGENT))


def crawl_and_file(
    archive: Archive,
    portals: list[Portal],
    warc_dir: Path,
    timeout: float,
    on_response: ingest.Tick | None = None,
    kind: str = "crawl",
    full: bool = False,
    redis_url: str | None = None,
    budget: int = 0,
) -> Outcome:
    """A crawl run and its reports filed. A run of the same kind over the same portals that
    was killed is resumed: what it recorded is answered from the archive, the rest fetched.
    With Redis, the processes started for the same crawl join one run and share its queue."""
    note = " ".join(p.id for p in portals)
    run = archive.unfinished(kind, note) or archive.start_run(
        kind, extractor_version(), note, joined(archive, redis_url, kind, note) if redis_url else ""
    )
    ingest.RUNS[run] = ingest.Filing(ingest.Tally(), timeout)
    with served(portals) as reachable:
        # Several processes of one crawl write a WARC each: appends of two would interleave.
        mine = f"-{socket.gethostname()}-{os.getpid()}" if redis_url else ""
        warc = warc_dir / f"{run}{mine}.warc.gz"
        if redis_url:
            _settle_the_dead(archive, run, warc_dir)
        crawled = crawl(
            reachable,
            archive,
            run,
            warc,
            on_response,
            full=full,
            redis_url=redis_url,
            budget=budget,
        )
    tally, per_portal, distinct = file_run(archive, run, timeout)
    return Outcome(crawled, tally, per_portal, distinct)


def file_run(
    archive: Archive, run: str, timeout: float, finish: bool = True
) -> tuple[ingest.Tally, list[dict], int]:
    """A crawl run's captures filed and its counts made whole (those of a resumed run's killed
    process, or of other machines' shares merged in, too): the tally, each portal's share and
    health, and the distinct reports its documents were filed as."""
    tally = ingest.extract_run(archive, run, timeout)
    per_portal = archive.tally_portals(run)
    captures, failed, unfiled, distinct = archive.db.execute(
        "select count(*), coalesce(sum(status is null), 0), coalesce(sum(extracted = 'failed'), 0),"
        " count(distinct case when extracted not in ('failed', 'attachment') then extracted end)"
        " from captures where run = ?",
        [run],
    ).fetchone()
    if finish:
        archive.finish_run(run, captures, tally.reports, failed + len(tally.failures))
    else:  # counted whole: this filing saw only the captures new to it
        archive.db.table("runs").update(
            run, {"captures": captures, "reports": distinct, "failures": failed + unfiled}
        )
    return tally, per_portal, distinct
