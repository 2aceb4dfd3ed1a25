"""Columns whose list exists only after JavaScript runs: those list pages, and only those, are
rendered in Debian's chromium (PortalSpider.rendered); report pages and attachments go through
plain Scrapy. The browser's own responses (the page as served, the script's API calls) are
recorded as they came, and the rendered DOM beside them."""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.registry import Portal
from crawler.spiders.base import REPORT_TITLE, PortalSpider


class ScriptedSpider(PortalSpider):
    platform = "scripted"

    def entry(self, portal: Portal) -> scrapy.Request:
        return self.rendered(portal.entry_url, self.parse)

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
                yield self.rendered(url, self.parse)  # page 1 is the column's own address
