"""Zhejiang's JCMS "jpaas" gateway (*.zj.gov.cn): no browser needed. The column page is a shell
whose `unitbuild.js` script names the list's gateway (`url="…/front/page/build/unit"`) and the
unit's fields (`queryData="{'webId':'3185',…}"`, single-quoted pseudo-JSON); the list is that
gateway's JSON, `data.html` holding `li` rows (the full title in `@title`, the anchor text cut
short) and a pager (`count`, `rows`, `pageNo`). Pages are walked one after another until the
pager's last, or until a page brings no new row (servers seen ignoring `pageNo` answer page 1
forever); reports are told by their full title, and attachments include the gateway's opaque
download links, whose file type is only in `fileName` or the `download` attribute."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response

from crawler.spiders.base import ATTACHMENT, DATE, REPORT_TITLE, PortalSpider, number

UNIT_PATH = "/front/page/build/unit"
PAIR = re.compile(r"""['"]([^'"]+)['"]\s*:\s*['"]([^'"]*)['"]""")
PAGE_SIZE = 15  # what the unit pages by when a call names no size


@dataclass(frozen=True)
class Unit:
    """A list unit a shell draws: the gateway to call and the fields to call it with."""

    url: str
    query: dict[str, str]


@dataclass(frozen=True)
class Row:
    title: str  # the full title (`@title`), not the anchor text cut short
    url: str
    date: str


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    count: int | None  # records in the column, as the pager says
    per_page: int | None
    page_no: int | None

    @property
    def pages(self) -> int | None:
        if self.count is None or not self.per_page:
            return None
        return -(-self.count // self.per_page)


def pseudo_json(text: str) -> dict[str, str]:
    """`{'parseType':'bulidstatic','tagId': '信息列表',…}`: the string pairs of a queryData."""
    return {key.strip(): value for key, value in PAIR.findall(text)}


def units(page: str) -> list[Unit]:
    """The unitbuild scripts of a column page: each one's gateway URL (as written) and
    queryData; [] for a page that draws no list from the gateway."""
    found = []
    for script in Selector(text=page).css("script[url][querydata]"):
        url = script.attrib["url"].strip()
        if url.rstrip("/").endswith(UNIT_PATH):
            found.append(Unit(url, pseudo_json(script.attrib["querydata"])))
    return found


def unit_html(text: str) -> str | None:
    """The HTML a gateway answer carries (`data.html` of its envelope); None for an answer that
    is no successful envelope."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or found.get("success") is False:
        return None
    html = (found.get("data") or {}).get("html") if isinstance(found.get("data"), dict) else None
    return html if isinstance(html, str) else None


def listing(html: str, base: str) -> Listing:
    """The rows of a unit's HTML (or of a page that lists statically): full titles, absolute
    URLs (protocol-relative ones on the base's scheme), dates; and the pager's numbers."""
    selector = Selector(text=html)
    rows = []
    for li in selector.css("li"):
        link = li.css("a[href]")
        date = DATE.search(" ".join(li.css("span::text").getall()))
        if not link or not date:
            continue
        title = link[0].attrib.get("title") or " ".join(link[0].css("::text").getall())
        url = urllib.parse.urljoin(base, link[0].attrib["href"].strip())
        rows.append(Row(" ".join(title.split()), url, date[0]))
    pager = selector.css("[count][rows]")
    attrib = pager[0].attrib if pager else {}
    return Listing(
        rows, number(attrib.get("count")), number(attrib.get("rows")), number(attrib.get("pageno"))
    )


def unit_url(base: str, unit: Unit, page_no: int, rows: int) -> str:
    """A unit call for one page, the page passed both ways servers read it: `pageNo`/`rows`
    beside the queryData fields, and `paramJson`."""
    query = {
        **unit.query,
        "pageNo": str(page_no),
        "rows": str(rows),
        "paramJson": json.dumps(
            {"pageNo": page_no, "pageSize": rows, "search": ""}, separators=(",", ":")
        ),
    }
    return urllib.parse.urljoin(base, unit.url) + "?" + urllib.parse.urlencode(query)


def is_document(href: str, download: str = "") -> bool:
    """A link to a document: by its path, its `download` name, or the `fileName` a download
    gateway's opaque link carries."""
    if ATTACHMENT.search(href) or ATTACHMENT.search(download):
        return True
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    return any(ATTACHMENT.search(name) for name in query.get("fileName", []))


class JpaasSpider(PortalSpider):
    platform = "jpaas"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: dict[tuple[str, str, str], set[str]] = {}  # rows met, per site and unit

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        found = units(response.text)
        if not found:  # small columns list statically
            yield from self.follow(listing(response.text, response.url).rows)
            return
        for unit in found:
            yield self._unit(response.url, unit, 1, PAGE_SIZE)

    def _unit(self, base: str, unit: Unit, page_no: int, rows: int) -> scrapy.Request:
        return self.request(
            unit_url(base, unit, page_no, rows),
            "list",
            self.parse_unit,
            cb_kwargs={"unit": unit, "page_no": page_no},
        )

    def parse_unit(self, response: Response, unit: Unit, page_no: int) -> Iterator[scrapy.Request]:
        html = unit_html(response.text)
        if html is None:
            self.logger.warning("%s: not a unitbuild answer", response.url)
            return
        found = listing(html, response.url)
        key = (
            urllib.parse.urlsplit(response.url).netloc,
            unit.query.get("pageId", ""),
            unit.query.get("tagId", ""),
        )
        seen = self._seen.setdefault(key, set())
        new = [row for row in found.rows if row.url not in seen]
        if not new:  # past the end, or a server that ignores pageNo serving page 1 again
            return
        seen.update(row.url for row in new)
        yield from self.follow(new)
        if found.pages is not None and page_no < found.pages:
            yield self._unit(response.url, unit, page_no + 1, found.per_page or PAGE_SIZE)

    def follow(self, rows: list[Row]) -> Iterator[scrapy.Request]:
        for row in rows:
            if REPORT_TITLE.search(row.title) and self.same_site(row.url):
                yield self.request(row.url, "page", self.parse_article)

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        for link in response.css("body a[href]"):
            href = link.attrib["href"].strip()
            if is_document(href, link.attrib.get("download", "")):
                url = response.urljoin(href)
                if self.same_site(url):
                    yield self.request(
                        url, "attachment", self.parse_attachment, meta={"referrer": response.url}
                    )
