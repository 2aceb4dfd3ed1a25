"""TRS WCM static sites: `index.html`, `index_1.html` … drawn by `createPageHTML(…)`, articles
`./YYYYMM/tYYYYMMDD_ID.html` (or `.htm`) inside the column's folder.

The newer lists (动静结合) keep the first page static and have no `createPageHTML`: a script asks
the site's search service for the later pages and draws them, `?page=N`. The spider reads the
static page as it is, then has a browser render it to find the pager, and renders the later
pages only (PortalSpider.rendered)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.spiders.base import PortalSpider

# createPageHTML(pages, current, "index", "html") or (records, pages, current, "index", "html")
PAGER = re.compile(r"createPageHTML\(\s*((?:\d+\s*,\s*){2,3})[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
ARTICLE = re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$")
# A list script that fetches something: the pager of a 动静结合 list.
FETCHES = re.compile(r"XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|\bfetch\s*\(")
# A later page of a script-drawn list, as its pager links it.
PAGE_PARAM = re.compile(r"[?&](?:page|pageNo|pageIndex|currentPage)=(\d+)", re.I)


def pages(html: str) -> tuple[int, str, str] | None:
    """How many pages the column has, and the prefix and extension of their files."""
    m = PAGER.search(html)
    if not m:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", m[1])]
    count = numbers[0] if len(numbers) == 2 else numbers[1]
    return count, m[2], m[3]


def drawn_by_script(response: Response) -> bool:
    """A list whose pager a script draws from what it fetches (no static pager)."""
    code = " ".join(response.css("script:not([src])::text").getall())
    return bool(FETCHES.search(code)) and "page" in code.lower()


class TrsSpider(PortalSpider):
    platform = "trs"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        column = response.urljoin("./")
        pager = pages(response.text)
        if pager:
            count, prefix, ext = pager
            for n in range(1, count):
                yield self.request(f"{column}{prefix}_{n}.{ext}", "list", self.parse)
        elif response.meta.get("playwright"):  # a rendered page: the pager is drawn now
            for link in response.css("a[href]"):
                url = response.urljoin(link.attrib["href"])
                m = PAGE_PARAM.search(url)
                if url.startswith(column) and m and int(m[1]) > 1:
                    yield self.rendered(url, self.parse)
        elif drawn_by_script(response):  # the same page again, for the pager its script draws
            yield self.rendered(response.url, self.parse, dont_filter=True)
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            # Only the column's own articles: interpretation pages (../../jd/…) and other sites
            # are linked from the same list.
            if url.startswith(column) and ARTICLE.search(url):
                yield self.request(url, "page", self.parse_article)
