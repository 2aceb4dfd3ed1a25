"""What every platform's spider shares: its portal, polite requests that record their failures,
and how report links and attachments are recognised on any page."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.capture import record_failure
from crawler.registry import Portal

# The formats a report is published in, by the link's file name.
ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar)(?:$|[?#])", re.I)
# Titles of annual reports on disclosure portals.
REPORT_TITLE = re.compile(r"年度?报告|年报")


class PortalSpider(scrapy.Spider):
    """A spider walks one portal of the registry, from its annual-report column."""

    platform = ""

    def __init__(self, portal: Portal, **kwargs: Any) -> None:
        super().__init__(name=f"{self.platform}:{portal.id}", **kwargs)
        self.portal = portal
        self.portal_id = portal.id
        host = urllib.parse.urlsplit(portal.entry_url).hostname or ""
        self.allowed_domains = [host]

    def request(self, url: str, role: str, callback: Any = None, **kwargs: Any) -> scrapy.Request:
        meta = {"role": role, **kwargs.pop("meta", {})}
        return scrapy.Request(url, callback=callback, errback=self.failed, meta=meta, **kwargs)

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

    def parse_attachment(self, response: Response) -> None:
        """Stored by the capture middleware; extraction runs on the archive, not here."""
