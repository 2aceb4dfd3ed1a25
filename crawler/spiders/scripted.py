"""Columns whose list exists only after JavaScript runs: those list pages, and only those, are
rendered in Debian's chromium through scrapy-playwright; report pages and attachments go through
plain Scrapy. The browser's own responses (the page as served, the script's API calls) are
recorded as they came, and the rendered DOM beside them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from crawler.capture import Fetched, Recorder, decoded_headers
from crawler.registry import Portal
from crawler.spiders.base import REPORT_TITLE, PortalSpider

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


class ScriptedSpider(PortalSpider):
    platform = "scripted"
    # Per crawler: portals of other platforms never start a browser.
    custom_settings: dict[str, Any] | None = {  # noqa: RUF012 (Scrapy reads it as is)
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": CHROMIUM,
            "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 30_000,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
    }

    def entry(self, portal: Portal) -> scrapy.Request:
        return self.rendered(portal.entry_url)

    def rendered(self, url: str) -> scrapy.Request:
        """A list page as a browser shows it, once its scripts have fetched what they fetch."""
        return self.request(
            url,
            "rendered",
            self.parse,
            meta={
                "playwright": True,
                "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
                "playwright_page_event_handlers": {"response": "browser_response"},
            },
        )

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        column = response.urljoin("./")
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            title = link.attrib.get("title") or " ".join(link.css("::text").getall())
            if not self.same_site(url):
                continue
            if REPORT_TITLE.search(title):
                yield self.request(url, "page", self.parse_article)
            elif url.startswith(column) and "page=" in url and not url.endswith("page=1"):
                yield self.rendered(url)  # page 1 is the column's own address

    async def browser_response(self, response: Any) -> None:
        """Every response the browser received for a rendered page, recorded raw."""
        try:
            body = await response.body()
        except Exception:  # a redirect or an aborted load has no body to give
            body = b""
        request = response.request
        headers = await response.all_headers()
        # Whose page asked for it: a script's call to another host belongs to the same portal.
        page = response.url if request.resource_type == "document" else request.frame.url
        Recorder.of(self.crawler).record(
            Fetched(
                url=response.url,
                final_url=response.url,
                status=response.status,
                headers=decoded_headers([(k.title(), v) for k, v in headers.items()]),
                body=body,
                method=request.method,
                request_headers=[(k.title(), v) for k, v in (await request.all_headers()).items()],
                request_body=request.post_data_buffer or b"",
                role="list"
                if request.resource_type in ("document", "xhr", "fetch")
                else "resource",
                referrer=None if page == response.url else page,
            ),
            _id(self.portal_of(page)),
        )


def _id(portal: Portal | None) -> str | None:
    return portal.id if portal else None
