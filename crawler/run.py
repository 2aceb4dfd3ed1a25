"""A crawl run: the registry's portals walked by their platforms' spiders in one Scrapy
process, every response recorded (crawler/capture.py)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.store import Archive
from crawler.capture import _RECORDERS
from crawler.polite import host_slot
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider


def spiders() -> dict[str, type[PortalSpider]]:
    """Each platform's spider, found in crawler/spiders/: a new platform is a new module."""
    import crawler.spiders

    for module in pkgutil.iter_modules(crawler.spiders.__path__):
        importlib.import_module(f"crawler.spiders.{module.name}")
    found: dict[str, type[PortalSpider]] = {}
    todo = list(PortalSpider.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.platform:
            found[cls.platform] = cls
    return found


@dataclass
class Crawled:
    run: str
    warc: Path
    captures: int
    failures: int


# A replica on 127.0.0.1 answers in milliseconds, or is one that stalls on purpose.
LOCAL_TIMEOUT = 2


def settings(db: Path, run: str, warc: Path, local: bool, log_level: str) -> Settings:
    """The project's polite settings, plus where this run records; `local` replicas on
    127.0.0.1 are crawled without AutoThrottle's start-up delay."""
    s = Settings()
    s.setmodule("crawler.settings", priority="project")
    s.set("NIANBAO_DB", str(db))
    s.set("NIANBAO_RUN", run)
    s.set("NIANBAO_WARC", str(warc))
    s.set("LOG_LEVEL", log_level)
    s.set("NIANBAO_FILER", "nianbao.ingest.file_crawled")  # reports filed as the crawl goes
    if local:  # replicas on 127.0.0.1: no start-up delay, short backoffs and timeouts
        s.set("AUTOTHROTTLE_ENABLED", False)
        s.set("RETRY_BACKOFF_BASE", 0.2)
        s.set("DOWNLOAD_TIMEOUT", LOCAL_TIMEOUT)
    return s


def crawl(
    portals: list[Portal],
    archive: Archive,
    run: str,
    warc: Path,
    on_response: Callable[[str], None] | None = None,
    log_level: str = "WARNING",
    file_as_it_goes: bool = True,
    full: bool = False,
    redis_url: str | None = None,
    budget: int = 0,
    overrides: dict[str, object] | None = None,
) -> Crawled:
    known = spiders()
    unknown = sorted({p.platform for p in portals} - set(known))
    if unknown:
        raise KeyError(f"no spider for platform {', '.join(unknown)}; known: {', '.join(known)}")
    for p in portals:
        archive.db.table("portals").upsert(
            {
                "id": p.id,
                "name": p.name,
                "agency": p.agency,
                "province": p.province or None,
                "city": p.city or None,
                "county": p.county or None,
                "level": p.level or None,
                "platform": p.platform,
                "entry_url": p.entry_url,
                "division_code": p.division_code or None,
                "replica": int(bool(p.replica)),
                "notes": p.notes,
            },
            pk="id",
        )
    local = all(p.replica for p in portals)
    options = settings(archive.path, run, warc, local, log_level)
    if not file_as_it_goes:
        options.set("NIANBAO_FILER", None)
    options.set("NIANBAO_FULL", full)
    options.set("NIANBAO_BUDGET", budget)
    for name, value in (overrides or {}).items():  # a bench's or an operator's own settings
        options.set(name, value, priority="cmdline")
    if redis_url:
        shared(options, redis_url, run)
    process = CrawlerProcess(options)
    by_platform: dict[str, list[Portal]] = {}
    for portal in portals:
        by_platform.setdefault(portal.platform, []).append(portal)
    for platform, group in by_platform.items():
        crawler = process.create_crawler(known[platform])
        # Each portal's delay on its own host's slot (the slot the spiders name per request).
        crawler.settings.set("DOWNLOAD_SLOTS", _slots(group), priority="cmdline")
        # AutoThrottle never goes below DOWNLOAD_DELAY: the slowest portal's, not the default.
        crawler.settings.set("DOWNLOAD_DELAY", max(p.delay for p in group), priority="cmdline")
        if on_response is not None:
            crawler.signals.connect(_ticker(on_response), signals.response_received, weak=False)
        process.crawl(crawler, portals=group)
    try:
        process.start()
    finally:
        if redis_url:
            expire_shared(redis_url, run)
        recorder = _RECORDERS.get(run)
        if recorder is not None:
            recorder.close()
    if recorder is None:
        return Crawled(run, warc, 0, 0)
    return Crawled(run, warc, recorder.captures, recorder.failures)


def shared(options: Settings, redis_url: str, run: str) -> None:
    """Several crawler processes, on this machine or others, as one crawl: the run's request
    queue and its dupefilter live in Redis (scrapy-redis), named by the run; each process
    takes the next request from the queue and gives it what its pages lead to."""
    options.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler")
    options.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
    options.set("REDIS_URL", redis_url)
    # Kept when one process ends: the others are still at work. Each process, ending, gives
    # the run's keys a day to live (`expire_shared`).
    options.set("SCHEDULER_PERSIST", True)
    options.set("SCHEDULER_QUEUE_KEY", f"nianbao:{run}:%(spider)s:requests")
    options.set("SCHEDULER_DUPEFILTER_KEY", f"nianbao:{run}:%(spider)s:dupefilter")
    # A process whose queue runs dry while another's requests are under way waits for them.
    options.set("EXTENSIONS", {**options.getdict("EXTENSIONS"), "crawler.together.Together": 0})


def expire_shared(redis_url: str, run: str) -> None:
    """The run's queues and dupefilters, to go a day after its last process ends."""
    import redis

    server = redis.Redis.from_url(redis_url)
    for key in server.scan_iter(f"nianbao:{run}:*"):
        if b":busy:" not in key:  # another process's mark lives only as long as it beats
            server.expire(key, 24 * 3600)


def _ticker(tick: Callable[[str], None]) -> Callable[..., None]:
    def received(response: object, **_: object) -> None:
        tick(getattr(response, "url", ""))

    return received


def _slots(portals: list[Portal]) -> dict[str, dict[str, float]]:
    """Each portal's delay on its server's slot (crawler/polite.py), the politest where
    portals share a server."""
    slots: dict[str, dict[str, float]] = {}
    for p in portals:
        key = host_slot(p.entry_url)
        slots[key] = {"delay": max(p.delay, slots.get(key, {}).get("delay", p.delay))}
    return slots
