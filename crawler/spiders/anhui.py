"""Anhui's LonSun disclosure platform: the column page `/public/column/{organId}?type=3…` is a
JS shell; its list comes from `/site/label/8888` as HTML fragments, one per page, with the
parameters the shell's scripts carry; articles are `/public/{organId}/{id}.html`."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import parsel
import scrapy
from scrapy.http import Response

from crawler.spiders.base import PortalSpider

LABEL = "/site/label/8888"
NO_RESULT = "暂无相关信息"
ARTICLE = re.compile(r"/public/\d+/\d+\.s?html?$")
# A LonSun download link names no file type: /download/{id}.
DOWNLOAD = re.compile(r"/download/[\w-]+$")

_SITE_ID = re.compile(r"""<meta\s+name=["']SiteId["']\s+content=["'](\d+)["']""", re.I)
_PAGE_COUNT = re.compile(r"pageCount\s*:\s*(\d+)")
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_CAT_ID = re.compile(r"""yxCatId\s*=\s*["'](\d*)["']""")


def _script_value(html: str, *names: str) -> str | None:
    """The first `name = "v"` or `name: "v"` (quoted or a bare number) in the page's inline
    scripts; a name bound to a variable (`organId: organId`) is passed over."""
    scripts = "\n".join(_SCRIPT.findall(html))
    for name in names:
        m = re.search(rf"""\b{name}\s*[:=]\s*(?:["']([^"']*)["']|(\d+))""", scripts)
        if m:
            return m[1] if m[1] is not None else m[2]
    return None


@dataclass(frozen=True)
class Shell:
    """What the column page's scripts send to the list label."""

    organ_id: str
    site_id: str
    type: str
    cat_id: str
    page_count: int
    page_size: int
    file: str


def shell(html: str, url: str) -> Shell | None:
    """The list's parameters from a column page; None when the page is no LonSun column. The
    organ, type and column fall back on the page's own URL, the site on the label's siteId."""
    count = _PAGE_COUNT.search(html)
    file = _script_value(html, "file")
    site = _SITE_ID.search(html)
    site_id = site[1] if site else _script_value(html, "siteId")
    if not (count and file and site_id):
        return None
    split = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
    path = re.search(r"/public/column/(\d+)", split.path)
    organ_id = _script_value(html, "organId") or (path[1] if path else "")
    cat = _CAT_ID.search("\n".join(_SCRIPT.findall(html)))
    cat_id = cat[1] if cat else (query.get("catId") or [""])[0]
    # The URL's type is the column the registry names (3: the organ's 年报); the script's next.
    kind = (query.get("type") or [""])[0] or _script_value(html, "publicType", "type") or "4"
    size = _script_value(html, "pageSize")
    return Shell(
        organ_id=organ_id,
        site_id=site_id,
        type=kind,
        cat_id=cat_id,
        page_count=int(count[1]),
        page_size=int(size) if size and size.isdigit() else 15,
        file=file,
    )


def label_url(base: str, s: Shell, page: int) -> str:
    """The list label's GET for one page, as the shell's script asks it (a fixed `_` in place
    of jQuery's random cache-buster, so a run is reproducible)."""
    params = {
        "IsAjax": "1",
        "dataType": "html",
        "_": "0.5",
        "labelName": "publicInfoList",
        "siteId": s.site_id,
        "pageSize": str(s.page_size),
        "pageIndex": str(page),
        "action": "list",
        "isDate": "true",
        "dateFormat": "yyyy-MM-dd",
        "length": "50",
        "organId": s.organ_id,
        "type": s.type,
        "catId": s.cat_id,
        "cId": "",
        "result": NO_RESULT,
        "file": s.file,
    }
    return urllib.parse.urljoin(base, LABEL) + "?" + urllib.parse.urlencode(params)


@dataclass(frozen=True)
class Item:
    href: str
    title: str
    date: str


def listed(fragment: str) -> list[Item]:
    """The items of a label fragment: each link's full title (its text may be cut short) and
    date; none for the `result` text answered past the last page."""
    items = []
    for li in parsel.Selector(text=fragment or "<ul></ul>").css("li"):
        link = li.css("a[href]")
        if not link:
            continue
        a = link[0]
        title = a.attrib.get("title") or " ".join(a.css("::text").getall()).strip()
        date = (li.css(".date::text").get() or li.css("span::text").get() or "").strip()
        items.append(Item(a.attrib["href"].strip(), title, date))
    return items


class AnhuiSpider(PortalSpider):
    platform = "anhui"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        found = shell(response.text, response.url)
        if found is None:
            self.logger.warning("%s: no LonSun list parameters in the column page", response.url)
            return
        for n in range(1, found.page_count + 1):
            yield self.request(label_url(response.url, found, n), "list", self.parse_list)

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        for item in listed(response.text):
            url = response.urljoin(item.href)
            # Columns link reports on other sites too (the province's, a city's): not ours.
            if self.same_site(url) and ARTICLE.search(urllib.parse.urlsplit(url).path):
                yield self.request(url, "page", self.parse_article, meta={"referrer": response.url})

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.attachments(response)
        for link in response.css("body a[href]"):
            url = response.urljoin(link.attrib["href"].strip())
            if DOWNLOAD.search(urllib.parse.urlsplit(url).path) and self.same_site(url):
                yield self.request(
                    url, "attachment", self.parse_attachment, meta={"referrer": response.url}
                )
