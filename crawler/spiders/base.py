"""What every platform's spider shares: its portal, polite requests that record their failures,
and how report links and attachments are recognised on any page."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from crawler import revisit
from crawler.browser import settled
from crawler.capture import Fetched, Recorder, decoded_headers, record_failure
from crawler.polite import host_slot
from crawler.registry import Portal

# The formats a report is published in, by the link's file name.
ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar)(?:$|[?#])", re.I)
# Titles of annual reports on disclosure portals.
REPORT_TITLE = re.compile(r"年度?报告|年报")
# What a server is asked first: the column's list pages (each finds more of the column), then
# report pages, then their attachments. Scrapy's queues are otherwise last in, first out, and a
# list page would wait behind every report its predecessor listed.
_PRIORITY = {"list": 2, "rendered": 2, "page": 1, "attachment": 0}
# The date a list prints beside each entry.
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def number(value: str | None) -> int | None:
    """A count a page's script or attribute gives (totalRecord, count, rows), if it is one."""
    return int(value) if value and value.strip().isdigit() else None


class PortalSpider(scrapy.Spider):
    """A platform's spider walks every portal of that platform in the crawl, each from its
    annual-report column: one crawler per platform, however many portals (a portal is data)."""

    platform = ""

    def __init__(self, portals: list[Portal], **kwargs: Any) -> None:
        super().__init__(name=self.platform, **kwargs)
        self.portals = portals
        self._netlocs = {urllib.parse.urlsplit(p.entry_url).netloc: p for p in reversed(portals)}
        self.allowed_domains = sorted(
            {urllib.parse.urlsplit(p.entry_url).hostname or "" for p in portals}
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for portal in self.portals:
            request = self.entry(portal)
            request.meta["portal"] = portal.id
            yield request
        if self.settings.getbool("NIANBAO_FULL"):
            return
        for portal in self.portals:
            for request in self.revisits(portal):
                yield request

    def revisits(self, portal: Portal) -> Iterator[scrapy.Request]:
        """The portal's known report pages and attachments whose turn to be asked again has
        come (crawler/revisit.py): an old report edited under an unchanged list is seen."""
        recorder = Recorder.of(self.crawler)
        now = datetime.now(UTC)
        for known in recorder.archive.revisits(portal.id, recorder.run):
            if not revisit.due(known, now):
                continue
            role = known.role or "page"
            callback = self.parse_attachment if role == "attachment" else self.parse_article
            meta = {"portal": portal.id, "referrer": known.referrer, "known": known}
            yield self.request(known.url, role, callback, meta=meta)

    def entry(self, portal: Portal) -> scrapy.Request:
        """The first request of a portal: its column, as a list page."""
        return self.request(portal.entry_url, "list", self.parse)

    def portal_of(self, url: str, meta: dict | None = None) -> Portal | None:
        """The portal a request belongs to: as its meta says (passed from page to page), else
        the one served from its host and port."""
        wanted = (meta or {}).get("portal")
        for portal in self.portals:
            if portal.id == wanted:
                return portal
        return self._netlocs.get(urllib.parse.urlsplit(url).netloc)

    def request(self, url: str, role: str, callback: Any = None, **kwargs: Any) -> scrapy.Request:
        # Named here, not only by HostSlotMiddleware: the scheduler queues by slot too.
        meta = {"role": role, "download_slot": host_slot(url), **kwargs.pop("meta", {})}
        kwargs.setdefault("priority", _PRIORITY.get(role, 0))
        return scrapy.Request(url, callback=callback, errback=self.failed, meta=meta, **kwargs)

    def rendered(self, url: str, callback: Any, **kwargs: Any) -> scrapy.Request:
        """A list page as a browser shows it, once its scripts have fetched what they fetch
        (crawler/browser.py): the only requests that start a browser."""
        meta = {
            "playwright": True,
            "playwright_page_methods": [PageMethod(settled)],
            "playwright_page_event_handlers": {"response": "browser_response"},
            **kwargs.pop("meta", {}),
        }
        return self.request(url, "rendered", callback, meta=meta, **kwargs)

    async def browser_response(self, response: Any) -> None:
        """Every response the browser received for a rendered page, recorded raw; the
        rendered DOM is recorded beside them by the capture middleware."""
        try:
            body = await response.body()
        except Exception:  # a redirect or an aborted load has no body to give
            body = b""
        request = response.request
        headers = await response.all_headers()
        # Whose page asked for it: a script's call to another host belongs to the same portal.
        page = response.url if request.resource_type == "document" else request.frame.url
        portal = self.portal_of(page)
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
            portal.id if portal else None,
        )

    def failed(self, failure: Any) -> None:
        record_failure(self, failure)

    def same_site(self, url: str) -> bool:
        return urllib.parse.urlsplit(url).hostname in self.allowed_domains

    def attachments(self, response: Response, scope: str = "body") -> Iterator[scrapy.Request]:
        """Every document the page links to, fetched as an attachment of this page."""
        for link in response.css(f"{scope} a[href]"):
            href = link.attrib["href"].strip()
            if ATTACHMENT.search(href) or ATTACHMENT.search(link.attrib.get("download", "")):
                url = response.urljoin(href)
                if self.same_site(url):
                    yield self.request(
                        url, "attachment", self.parse_attachment, meta={"referrer": response.url}
                    )

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        """A report page: stored by the capture middleware; its attachments followed."""
        yield from self.attachments(response)

    def parse_attachment(self, response: Response) -> None:
        """Stored by the capture middleware; extraction runs on the archive, not here."""


class PortalMiddleware:
    """Spider middleware: a request made from a portal's page belongs to that portal."""

    def process_spider_output(self, response: Response, result: Any) -> Any:
        portal = response.meta.get("portal")
        for item in result:
            if portal and isinstance(item, scrapy.Request):
                item.meta.setdefault("portal", portal)
            yield item

    async def process_spider_output_async(self, response: Response, result: Any) -> Any:
        portal = response.meta.get("portal")
        async for item in result:
            if portal and isinstance(item, scrapy.Request):
                item.meta.setdefault("portal", portal)
            yield item
