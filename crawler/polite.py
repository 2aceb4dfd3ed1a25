"""One request at a time per server, and retries that wait: as long as a server's Retry-After
asks, else an exponential backoff, and meanwhile nothing else goes to that server."""

from __future__ import annotations

import asyncio
import email.utils
import time
import urllib.parse

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a Retry-After header asks for: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def host_slot(url: str) -> str:
    """A server is its host and port: each has its own download slot, delay and queue."""
    return urllib.parse.urlsplit(url).netloc


class HostSlotMiddleware:
    """Every request waits in its server's slot: the ones Scrapy makes itself (robots.txt), and
    a redirect to another server (whose copied meta names the first). Scrapy's default, the host
    name alone, would queue 127.0.0.1's replicas as one. The spiders name the slot when they
    make a request, for the scheduler's queues."""

    def process_request(self, request: Request) -> None:
        request.meta["download_slot"] = host_slot(request.url)


class BudgetMiddleware:
    """A night's budget of requests (NIANBAO_BUDGET, 0 for none), over every portal of the
    run: past it, a request is not sent, and is recorded as not asked, with the reason (not a
    failure of the portal's). A later night asks it: at once if it is still unknown, in its
    turn if it was known. Answers from the archive (a resumed run, robots.txt within the day)
    cost nothing."""

    def __init__(self, budget: int, run: str) -> None:
        self.budget = budget
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BudgetMiddleware:
        return cls(crawler.settings.getint("NIANBAO_BUDGET"), crawler.settings["NIANBAO_RUN"])

    def process_request(self, request: Request) -> None:
        if not self.budget:
            return
        sent = _SENT.get(self.run, 0)
        if sent >= self.budget:
            raise IgnoreRequest(f"not asked: the run's budget of {self.budget} requests is spent")
        _SENT[self.run] = sent + 1


# Requests each run has sent from this process: its crawlers (one per platform) share them.
# With --redis, each process of a run has its budget.
_SENT: dict[str, int] = {}


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, with the wait it lacks. A server asking for longer than
    RETRY_AFTER_MAX is given up on for this run: the response is recorded with its status."""

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        settings = self.crawler.settings
        asked = response.headers.get("Retry-After")
        wait = retry_after(asked.decode("latin-1") if asked else None, time.time())
        if wait is not None and wait > settings.getfloat("RETRY_AFTER_MAX", 300):
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._hold_host(request, self._backoff(retry) if wait is None else wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | None:
        """A connection refused, reset or timed out: retried after the same backoff."""
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._hold_host(request, self._backoff(retry))
        return retry

    def _backoff(self, retry: Request) -> float:
        base = self.crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        return base * 2 ** (retry.meta.get("retry_times", 1) - 1)

    async def _hold_host(self, request: Request, wait: float) -> None:
        """Sleep, with the host's download slot held back as long (no other request to it)."""
        engine = self.crawler.engine
        key = request.meta.get("download_slot") or host_slot(request.url)
        slot = engine.downloader.slots.get(key) if engine else None
        before = slot.delay if slot else None
        if slot:
            slot.delay = max(slot.delay, wait)
        try:
            await asyncio.sleep(wait)
        finally:
            if slot and before is not None and slot.delay == max(before, wait):
                slot.delay = before  # unless another hold or AutoThrottle has set it since
