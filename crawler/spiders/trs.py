"""TRS WCM static sites: `index.html`, `index_1.html` … drawn by `createPageHTML(…)`, articles
`./YYYYMM/tYYYYMMDD_ID.html` (or `.htm`) inside the column's folder."""

from __future__ import annotations

import re
from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.spiders.base import PortalSpider

# createPageHTML(pages, current, "index", "html") or (records, pages, current, "index", "html")
PAGER = re.compile(r"createPageHTML\(\s*((?:\d+\s*,\s*){2,3})[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
ARTICLE = re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$")


def pages(html: str) -> tuple[int, str, str] | None:
    """How many pages the column has, and the prefix and extension of their files."""
    m = PAGER.search(html)
    if not m:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", m[1])]
    count = numbers[0] if len(numbers) == 2 else numbers[1]
    return count, m[2], m[3]


class TrsSpider(PortalSpider):
    platform = "trs"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        column = response.urljoin("./")
        pager = pages(response.text)
        if pager:
            count, prefix, ext = pager
            for n in range(1, count):
                yield self.request(f"{column}{prefix}_{n}.{ext}", "list", self.parse)
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            # Only the column's own articles: interpretation pages (../../jd/…) and other sites
            # are linked from the same list.
            if url.startswith(column) and ARTICLE.search(url):
                yield self.request(url, "page", self.parse_article)
