"""VSB / 博达 static sites: a column `{column}.htm` holds the newest page and older pages count
down, `{column}/{N-1}.htm` … `{column}/1.htm`; rows are `<li id="line_u…">` linking
`/info/{column id}/{id}.htm`; attachments are `download.jsp` links that name their file type only
in the link's text."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import scrapy
from parsel import Selector
from scrapy.http import Response

from crawler.registry import Portal
from crawler.spiders.base import ATTACHMENT, DATE, REPORT_TITLE, PortalSpider

# `i/N` as the pager prints it after the record count (共52条 … 1/11).
POSITION = re.compile(r"(\d+)\s*/\s*(\d+)")
PAGE_FILE = re.compile(r"(\d+)\.html?(?:$|[?#])")


def page_count(html: str) -> int | None:
    """How many pages the column has, from its pager: the `i/N` it prints, else the highest page
    number it links, else the next page's file number + 1 (on the first page, next is N-1).
    None when the page has no pager (a column of one page)."""
    sel = Selector(text=html)
    pager = sel.css(".pb_sys_common") or sel.css("span.p_pages")
    if not pager:
        return None
    text = " ".join(pager[0].css("::text").getall())
    for t in pager[0].css("span.p_t::text").getall() or [text]:
        m = POSITION.search(t)
        if m:
            return int(m[2])
    numbers = [
        int(t) for t in pager[0].css("span.p_no a::text, span.p_no_d::text").getall() if t.isdigit()
    ]
    if numbers:
        return max(numbers)
    following = pager[0].css("span.p_next a::attr(href)").get()
    m = PAGE_FILE.search(following or "")
    return int(m[1]) + 1 if m else 1


def page_urls(column_url: str, count: int) -> list[str]:
    """The column's older pages, newest first: `{column}/{count-1}.htm` … `{column}/1.htm`."""
    url = urllib.parse.urlsplit(column_url)
    stem, _, ext = url.path.rpartition(".")
    return [
        urllib.parse.urlunsplit(url._replace(path=f"{stem}/{n}.{ext}", query="", fragment=""))
        for n in range(count - 1, 0, -1)
    ]


@dataclass(frozen=True)
class Row:
    url: str
    title: str
    date: str


def rows(html: str, base: str) -> list[Row]:
    """The list's rows: the article each links (made absolute), its whole title (`@title`; the
    text is cut short) and its date."""
    found = []
    for li in Selector(text=html).css('li[id^="line_u"]'):
        link = li.css("a[href]")
        if not link:
            continue
        text = " ".join(t.strip() for t in link[0].css("::text").getall() if t.strip())
        title = (link[0].attrib.get("title") or text).strip()
        date = DATE.search(" ".join(li.css("::text").getall()))
        found.append(
            Row(
                urllib.parse.urljoin(base, link[0].attrib["href"].strip()),
                title,
                date[0] if date else "",
            )
        )
    return found


def downloads(html: str, base: str) -> list[str]:
    """`download.jsp` attachments whose link text names a document (`….pdf`): their URL says
    nothing of the file's type."""
    found = []
    for link in Selector(text=html).css('a[href*="download.jsp"]'):
        name = "".join(link.css("::text").getall()).strip()
        if ATTACHMENT.search(name):
            found.append(urllib.parse.urljoin(base, link.attrib["href"].strip()))
    return found


class VsbSpider(PortalSpider):
    platform = "vsb"

    def entry(self, portal: Portal) -> scrapy.Request:
        return self.request(portal.entry_url, "list", self.parse, meta={"column": True})

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        if response.meta.get("column"):
            for url in page_urls(response.url, page_count(response.text) or 1):
                yield self.request(url, "list", self.parse)
        for row in rows(response.text, response.url):
            # Only reports: the column also lists notices, and rows leave the column's folder.
            if REPORT_TITLE.search(row.title) and self.same_site(row.url):
                yield self.request(row.url, "page", self.parse_article)

    def attachments(self, response: Response, scope: str = "body") -> Iterator[scrapy.Request]:
        """Documents linked by file name, and `download.jsp` links named like documents."""
        yield from super().attachments(response, scope)
        for url in downloads(response.text, response.url):
            if self.same_site(url) and not ATTACHMENT.search(url):
                yield self.request(
                    url, "attachment", self.parse_attachment, meta={"referrer": response.url}
                )
