"""A crawl that asks again only what may have changed, and that resumes where it was killed.

Every request is looked up in the archive by its key (method, URL, form):

- answered already in this run (a crawl resumed after a crash): the recorded answer is given
  back from the archive, not fetched or recorded again;
- answered well in an earlier run: asked conditionally (If-None-Match, If-Modified-Since), a
  304 answered with the stored bytes, and the response marked `unchanged` (so too a 200 whose
  bytes are the stored ones, from a server without validators);
- robots.txt asked within the day: given back from the archive (cached per host).

What an unchanged page links to is not asked again unless its turn has come (`due`): a
report's page or attachment, or the next page of a list whose entries are all known. A list
page that lists no entries (a portal's home, a hub, a script's shell) is a way to the lists and
is always followed. Known pages whose turn has come are asked at the start of a run
(`PortalSpider.start`), so an edit to an old report is seen even when its list is unchanged.
`NIANBAO_FULL` turns all of this off but the resumption: every request goes to the network.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from archive.store import Known
from crawler import settings
from crawler.capture import Recorder, _decoded, key_of, role_of

# A document is asked again after a share of the time it has gone unchanged: one edited last
# week tomorrow, one unchanged for a year once a month (and a list at least once a week).
AGE_SHARE = 0.25
SOONEST = timedelta(days=1)
LATEST = {"list": timedelta(days=7), "rendered": timedelta(days=7)}
LATEST_DEFAULT = timedelta(days=30)
# A document never seen to change is taken to be at least this old (its first fetch is not its
# publication), unless its Last-Modified says older: it waits a week, not a night.
UNSEEN_AGE = timedelta(days=28)
# A night's run may start a little earlier than the last one did: it is still the next night.
SLACK = timedelta(hours=3)
# robots.txt is fetched once a day per host; within the day the stored copy answers.
ROBOTS_FOR = timedelta(days=1)
# Answers a resumed run asks again rather than replays: a retry may have been under way.
_RETRIED = frozenset(settings.RETRY_HTTP_CODES)
# What a stored answer's headers say of the transfer, not of the bytes stored.
_TRANSFER = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# What links to entries (report pages, attachments) and what is a way to more lists.
_ENTRIES = frozenset({"page", "attachment"})
_LISTS = frozenset({"list", "rendered"})


def due(known: Known, now: datetime, role: str | None = None) -> bool:
    """Whether a known document's turn to be asked again has come."""
    checked, changed = _when(known.checked), _when(known.changed)
    age = now - changed
    if known.changed == known.first:
        age = max(age, UNSEEN_AGE)
    modified = {k.lower(): v for k, v in known.headers.items()}.get("last-modified")
    if modified:
        with contextlib.suppress(TypeError, ValueError):  # a date no one can read
            age = max(age, now - email.utils.parsedate_to_datetime(modified))
    latest = LATEST.get(role or known.role or "", LATEST_DEFAULT)
    wait = min(max(age * AGE_SHARE, SOONEST), latest)
    return now - checked + SLACK >= wait


def _when(stamp: str) -> datetime:
    when = datetime.fromisoformat(stamp)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Revisits:
    """The archive's answers for one crawl run: what earlier runs knew of a request."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.full = crawler.settings.getbool("NIANBAO_FULL")
        self.now = datetime.now(UTC)
        # What this run recorded before now was recorded by a process that was killed.
        self.started = self.now.isoformat(timespec="seconds")

    @property
    def recorder(self) -> Recorder:
        return Recorder.of(self.crawler)

    def known(self, request: Request) -> Known | None:
        """What earlier runs knew of this request; looked up again for a redirect's target,
        whose meta Scrapy copies from the request redirected."""
        key = key_of(request)
        if request.meta.get("known_key") != key:
            recorder = self.recorder
            found = recorder.archive.known(key, recorder.run)
            if found is not None and not recorder.archive.blobs.path(found.sha256).exists():
                found = None  # its bytes are not here to stand for an unchanged answer: asked
            request.meta["known"] = found
            request.meta["known_key"] = key
        known: Known | None = request.meta["known"]
        return known


class RevisitMiddleware(Revisits):
    """Downloader middleware, next to the capture middleware: answers from the archive what
    this run has answered already, and makes the rest conditional."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        recorder = self.recorder
        if not request.meta.get("playwright"):  # a browser's page is rendered again
            answered = recorder.archive.answered(key_of(request), recorder.run, self.started)
            if answered is not None and answered["status"] not in (None, *_RETRIED):
                return self._replayed(request, answered)
        if self.full:
            return None
        for name in ("If-None-Match", "If-Modified-Since"):  # copied by a redirect: not its own
            request.headers.pop(name, None)
        known = self.known(request)
        if known is None:
            return None
        if role_of(request) == "robots" and self.now - _when(known.checked) < ROBOTS_FOR:
            return self._stored(request, known, ["archived", "unchanged"])
        if request.method == "GET" and not request.meta.get("playwright"):
            headers = {k.lower(): v for k, v in known.headers.items()}
            if "etag" in headers:
                request.headers["If-None-Match"] = headers["etag"]
            if "last-modified" in headers:
                request.headers["If-Modified-Since"] = headers["last-modified"]
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if "archived" in response.flags or self.full:
            return response
        known = request.meta.get("known")
        if known is None:
            return response
        if response.status == 304:
            return self._stored(request, known, ["unchanged"])
        if 200 <= response.status < 300 and self._sha256(request, response) == known.sha256:
            request.meta["unchanged"] = True
        return response

    def _sha256(self, request: Request, response: Response) -> str:
        """The hash of the document's bytes, as the capture middleware stored them (not
        inflated a second time)."""
        captured = request.meta.get("captured")
        row = self.recorder.archive.db.execute(
            "select sha256 from captures where id = ?", [captured]
        ).fetchone()
        if row:
            return str(row[0])
        data, _ = _decoded(response.body, _header(response, "Content-Encoding"))
        return hashlib.sha256(data).hexdigest()

    def _replayed(self, request: Request, answered: dict) -> Response:
        """This run's own answer, given back: the crawl resumed walks what it walked."""
        if answered["status"] == 304:
            known = self.known(request)
            if known is not None:
                return self._stored(request, known, ["archived", "unchanged"])
        data = self.recorder.archive.blobs.get(answered["sha256"])
        known = None if self.full else self.known(request)
        if known is not None and known.sha256 == answered["sha256"]:
            request.meta["unchanged"] = True
        headers = json.loads(answered["headers"] or "{}")
        return _response(request, answered["status"], headers, data, ["archived"])

    def _stored(self, request: Request, known: Known, flags: list[str]) -> Response:
        request.meta["unchanged"] = True
        data = self.recorder.archive.blobs.get(known.sha256)
        return _response(request, known.status, known.headers, data, flags)


class PruneMiddleware(Revisits):
    """Spider middleware: what an unchanged page links to is asked only when its turn has
    come. A page's links are gathered before any is let through, to know whether the page
    lists entries (then its further lists are its next pages) or not (a way to the lists)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PruneMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._pruned(response, list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        for item in self._pruned(response, [item async for item in result]):
            yield item

    def _pruned(self, response: Response, items: list[Any]) -> list[Any]:
        if self.full:
            return items
        requests = [i for i in items if isinstance(i, Request)]
        if response.meta.get("role") in _LISTS:
            self._compare(response, requests)
        if not response.meta.get("unchanged"):
            return items
        entries = [r for r in requests if r.meta.get("role") in _ENTRIES]
        # A list's entries all known: its next pages are asked only in their turn. A page that
        # lists none, or an entry not yet known, leads on.
        settled = bool(entries) and all(self.known(r) is not None for r in entries)
        kept = []
        for item in items:
            if isinstance(item, Request) and self._skip(item, settled):
                self.crawler.stats.inc_value("nianbao/revisit/skipped")
                continue
            kept.append(item)
        return kept

    def _compare(self, response: Response, requests: list[Request]) -> None:
        """A list is unchanged while it leads where it led, whatever else its bytes say (a
        trace id, the time); one that led to reports and now leads nowhere is a fault: its
        portal has changed its layout, or emptied its column."""
        links = "\n".join(sorted({f"{r.meta.get('role')} {key_of(r)}" for r in requests}))
        recorder = self.recorder
        key = key_of(response.request) if response.request else response.url
        before = recorder.archive.swap_links(key, links, recorder.run)
        if before == links:
            response.meta["unchanged"] = True
        elif before and not requests:
            led = sum(line.split(" ", 1)[0] in _ENTRIES for line in before.splitlines())
            if led:
                reason = (
                    f"the list leads nowhere now; it led to {led} report pages and attachments"
                    " before (its layout changed?)"
                )
                recorder.archive.fault(key, recorder.run, reason)

    def _skip(self, request: Request, settled: bool) -> bool:
        role = request.meta.get("role")
        if role in _LISTS and not settled:
            return False
        known = self.known(request)
        return known is not None and not due(known, self.now, role)


def _response(
    request: Request, status: int, headers: dict[str, str], body: bytes, flags: list[str]
) -> Response:
    """A stored answer as Scrapy would have built it from the network."""
    kept = {k: v for k, v in headers.items() if k.lower() not in _TRANSFER}
    cls = responsetypes.from_args(headers=Headers(kept), url=request.url, body=body)
    return cls(
        url=request.url, status=status, headers=kept, body=body, request=request, flags=flags
    )


def _header(response: Response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""
