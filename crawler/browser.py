"""A browser only for the pages that need one: every crawler may render a page through
scrapy-playwright (a request with `meta["playwright"]`), but Playwright and Chromium start only
when the first such page is asked for. A crawl of static portals never starts them.

scrapy-playwright starts its Playwright driver when the engine starts, for every crawler that
names its handler; and the engine waits for it (seconds, on a busy loop) before its first
request. This handler defers that start to the first rendered page.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

# What a rendered list never needs: fetching it would only load the server.
_UNNEEDED = frozenset({"image", "stylesheet", "font", "media"})


def unneeded(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a rendered page's images, styles, fonts and media are not
    fetched; its scripts and their calls are."""
    return request.resource_type in _UNNEEDED


# How long a rendered page may keep fetching before its DOM is taken as drawn.
SETTLE_MS = 10_000


async def settled(page: Any) -> None:
    """A page method: wait until the page's scripts stop fetching; a page that never stops (a
    counter that polls) is taken as it is drawn by then, not lost."""
    with contextlib.suppress(PlaywrightTimeoutError):
        await page.wait_for_load_state("networkidle", timeout=SETTLE_MS)


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, its start deferred to the first rendered page; every other
    request goes to Scrapy's own HTTP handler, as with the original."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start."""

    def _engine_started(self) -> Any:
        """Not at engine start (older Scrapy)."""

    async def _download_request(self, request: Request, spider: Any = None) -> Response:
        if not self._started:
            async with self._start_lock:
                if not self._started:
                    await self._launch()
                    self._started = True
        return await super()._download_request(request, spider)
