"""The nightly run: under a lock, crawl what is due, file what changed, and publish a copy of
the archive for Datasette in one rename, so that it never serves a half-written archive."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from archive.store import Archive, now
from crawler.registry import Portal
from nianbao import crawling

LOCK = "nightly.lock"


class Busy(Exception):
    """Another nightly run holds the lock."""


@dataclass
class Nightly:
    outcome: crawling.Outcome
    requests: int  # sent to the network (a resumed run's replays and cached robots.txt are not)
    not_modified: int  # of those, answered 304
    new_reports: list[str]
    new_versions: list[str]
    published: Path | None


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """The lock of nightly runs on this archive: held by the kernel for the life of the
    process, so a run that was killed leaves no stale lock behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "a process"
            raise Busy(f"another nightly run holds {path} ({holder}); this one stops") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {now()}\n")
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def publish(archive: Path, published: Path) -> None:
    """A consistent copy of the archive (SQLite's online backup) put in the published file's
    place by one rename: a reader opens the old file or the new one, never half of either."""
    published.parent.mkdir(parents=True, exist_ok=True)
    partial = published.with_name(f".{published.name}.partial")
    partial.unlink(missing_ok=True)
    source, copy = sqlite3.connect(archive), sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.execute("pragma journal_mode = delete")  # one file, as Datasette reads it
        copy.commit()
    finally:
        copy.close()
        source.close()
    with partial.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def run(
    archive: Archive,
    portals: list[Portal],
    warc_dir: Path,
    timeout: float,
    published: Path | None,
    full: bool = False,
    redis_url: str | None = None,
    budget: int = 0,
) -> Nightly:
    """One nightly run, already under the lock: crawl, file, summarise, publish."""
    outcome = crawling.crawl_and_file(
        archive,
        portals,
        warc_dir,
        timeout,
        kind="nightly",
        full=full,
        redis_url=redis_url,
        budget=budget,
    )
    run_id = outcome.crawled.run
    requests, not_modified, fresh, versions = summarise(archive, run_id, outcome.portals)
    if published is not None:  # said in the copy it is said of
        archive.db.table("runs").update(run_id, {"published_at": now()})
    archive.db.conn.commit()
    if published is not None:
        publish(archive.path, published)
    return Nightly(outcome, requests, not_modified, fresh, versions, published)


def summarise(
    archive: Archive, run: str, per_portal: list[dict]
) -> tuple[int, int, list[str], list[str]]:
    """A run's summary and log, kept in its row: the requests it sent, how many were answered
    "not modified", and the reports and versions its captures first gave."""
    requests, not_modified = archive.db.execute(
        "select count(*), coalesce(sum(status = 304), 0) from captures"
        " where run = ? and status is not null",
        [run],
    ).fetchone()
    new = [
        r[0]
        for r in archive.db.execute(
            "select id from reports where capture in (select id from captures where run = ?)"
            " order by id",
            [run],
        )
    ]
    fresh = [r for r in new if r.endswith("-v1")]
    versions = [r for r in new if not r.endswith("-v1")]
    log = [
        f"{p['portal']}: {p['health']}, {p['requests']} requests, {p['pages']} report pages,"
        f" {p['attachments']} attachments, {p['failures']} failed"
        + (f" ({p['reason']})" if p["reason"] else "")
        for p in per_portal
    ]
    log.append(
        f"{requests} requests ({not_modified} not modified), {len(fresh)} new reports,"
        f" {len(versions)} new versions: {', '.join(fresh + versions) or 'none'}"
    )
    archive.db.table("runs").update(
        run,
        {
            "requests": requests,
            "not_modified": not_modified,
            "new_reports": len(fresh),
            "new_versions": len(versions),
            "log": "\n".join(log),
        },
    )
    return requests, not_modified, fresh, versions
