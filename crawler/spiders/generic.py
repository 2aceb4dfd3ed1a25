"""Any portal, from its home page alone: most small portals are hand-made or run on a CMS no
spider knows, and the registry holds only their home page.

The annual-report column is found by what its links say (政府信息公开年报, 年度报告, …) or what
their URLs say (`ndbg`, `gknb`, `nianbao`, …), on the home page or one or two hub pages down
(政务公开, 信息公开, 公开目录). The column's list pages give the report links (titles that name a
report and a year) and its own pager, followed inside the column's path only, up to a cap. The
scoring is pure functions of a page and its URL, so it is tested on pages without a crawl.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Self

import scrapy
from parsel import Selector
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.registry import Portal
from crawler.spiders.base import ATTACHMENT, REPORT_TITLE, PortalSpider
from crawler.spiders.trs import pages as trs_pages

# Link text that names the column itself.
STRONG_TEXT = re.compile(r"信息公开(?:工作)?(?:年度)?(?:报告|年报)|公开年报|政务公开年度报告")
WEAK_TEXT = re.compile(r"年度报告|年报")
# Folder and file names portals give the column (年度报告 ndbg, 公开年报 gknb, …).
URL_EVIDENCE = re.compile(r"ndbg|gknb|ndbb|nianbao")
# A year names one report (or one news item), not the column of them all.
YEAR = re.compile(r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}(?=年)")
# Annual reports that are not disclosure reports: budgets, audits, statistics, work reports.
OFF_TOPIC = re.compile(r"预算|决算|审计|统计|财务|工作报告|述职|国民经济|环境状况|社会责任")
# URLs of single articles, as the common CMSs and hand-made sites name them.
ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+|content_\d+|/art/\d{4}/|post_\d+|/info/\d+/\d+|/\d{4}-?\d{2}/\d{2}/|/\d{6}/"
    r"|/\d{5,}\.s?html?$|[?&](?:id|aid|articleid|contentid|newsid|infoid)=\d+",
    re.I,
)
# Hub pages that hold the disclosure catalogue, by their link text or their folder.
HUB_TEXT = re.compile(
    r"(?:政府|政务)?信息公开(?:目录|专栏|平台|网)?|政务公开(?:专栏|目录)?|公开目录"
)
HUB_FOLDER = {"zwgk", "xxgk", "zfxxgk", "gkml", "xxgkml", "zfxxgkml", "zwgkml"}
# A column's pager: the link to the next page, or a sibling page of the same list.
NEXT_TEXT = {"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "尾页", "末页", "next"}
SIBLING = re.compile(r"(?:^|/)(?:index|list|default|page)[_-]\d+\.s?html?$", re.I)
PAGE_PARAM = re.compile(r"^(?:page|pageno|pageindex|pagenum|currentpage|curpage|pn|p|cp)$", re.I)
DEFAULT_PAGE = re.compile(r"(?<=/)(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)

COLUMN_SCORE = 5  # enough evidence to walk a link as the column
STRONG_SCORE = 10  # a column this sure makes hubs on the same page needless


@dataclass(frozen=True)
class Candidate:
    """A link of a page, with what it says and how surely it is the annual-report column."""

    url: str
    text: str
    score: int


def links(html: str, base: str) -> Iterator[tuple[str, str]]:
    """The page's links to web pages of its own host: (absolute URL without fragment, text).
    The text is the anchor's, or its title or image alt when longer (lists truncate titles)."""
    host = urllib.parse.urlsplit(base).hostname
    for a in Selector(text=html).css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        url = urllib.parse.urldefrag(urllib.parse.urljoin(base, href))[0]
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname != host:
            continue
        texts = [" ".join("".join(a.css("::text").getall()).split())]
        texts += [a.attrib.get("title", "").strip(), *a.css("img::attr(alt)").getall()]
        yield url, max(texts, key=len)


def score(text: str, url: str) -> int:
    """How surely a link is the annual-report column: evidence from its text and its URL, less
    what makes it a single article (a year, an article URL) or another kind of report."""
    path = urllib.parse.urlsplit(url).path.lower()
    points = 0
    if STRONG_TEXT.search(text):
        points += 10
    elif WEAK_TEXT.search(text) and len(text) <= 12:
        points += 5
    if URL_EVIDENCE.search(path):
        points += 6
    if not points:
        return 0
    if YEAR.search(text):
        points -= 6
    if ARTICLE_URL.search(url):
        points -= 6
    if OFF_TOPIC.search(text) and "公开" not in text:
        points -= 10
    if len(text) > 30:
        points -= 4
    return points


def candidates(html: str, base: str) -> list[Candidate]:
    """Every link of the page with some evidence of being the column, best first."""
    found: dict[str, Candidate] = {}
    for url, text in links(html, base):
        if ATTACHMENT.search(url) or same_page(url, base):
            continue
        points = score(text, url)
        if points and (url not in found or points > found[url].score):
            found[url] = Candidate(url, text, points)
    return sorted(found.values(), key=lambda c: -c.score)


def columns(html: str, base: str) -> list[Candidate]:
    """The links worth walking as the annual-report column, best first."""
    return [c for c in candidates(html, base) if c.score >= COLUMN_SCORE]


def hubs(html: str, base: str) -> list[str]:
    """Links to the disclosure hub (政务公开, 信息公开, 公开目录) that may hold the column."""
    found: list[str] = []
    for url, text in links(html, base):
        folder = [s for s in DEFAULT_PAGE.sub("", urllib.parse.urlsplit(url).path).split("/") if s]
        named = HUB_TEXT.fullmatch(text.strip("》>» "))
        if not (named or (folder and folder[-1].lower() in HUB_FOLDER)):
            continue
        if not same_page(url, base) and not any(same_page(url, f) for f in found):
            found.append(url)
    return found


def report_links(html: str, base: str) -> list[str]:
    """Links whose title names an annual report of a year: the column's reports (pages, or
    documents linked straight from the list)."""
    found: list[str] = []
    for url, text in links(html, base):
        if not (REPORT_TITLE.search(text) and YEAR.search(text)):
            continue
        if OFF_TOPIC.search(text) and "公开" not in text:
            continue
        if not same_page(url, base) and url not in found:
            found.append(url)
    return found


def pager_links(html: str, base: str, column: str) -> list[str]:
    """The column's other list pages linked from this one: 下一页 and its kin, numbered pages,
    `index_N.html` / `list_N.html` / `?page=N` siblings, and the pages a TRS `createPageHTML`
    pager draws; only inside the column."""
    found: list[str] = []
    for url, text in links(html, base):
        named = text.lower() in NEXT_TEXT or (text.isdigit() and len(text) <= 3)
        path, query = urllib.parse.urlsplit(url)[2:4]
        sibling = bool(SIBLING.search(path)) or any(
            PAGE_PARAM.match(k) for k in urllib.parse.parse_qs(query)
        )
        if not (named or sibling) or same_page(url, base) or url in found:
            continue
        if in_column(url, column):
            found.append(url)
    drawn = trs_pages(html)
    if drawn:
        count, prefix, ext = drawn
        folder = urllib.parse.urljoin(base, "./")
        for n in range(1, count):
            url = f"{folder}{prefix}_{n}.{ext}"
            if in_column(url, column) and url not in found:
                found.append(url)
    return found


def in_column(url: str, column: str) -> bool:
    """Inside the column: under its folder; or, for a script's list (`list.php?cid=5`), the same
    script with the same parameters but the page."""
    u, c = urllib.parse.urlsplit(url), urllib.parse.urlsplit(column)
    if u.netloc != c.netloc:
        return False
    if c.query:
        return u.path == c.path and _not_paging(u.query) == _not_paging(c.query)
    folder = c.path[: c.path.rindex("/") + 1] if "/" in c.path else "/"
    return u.path.startswith(folder) and not _not_paging(u.query)


def canonical(url: str) -> str:
    """One name for a page linked two ways: `/zwgk/` and `/zwgk/index.html`."""
    parts = urllib.parse.urlsplit(url)
    path = DEFAULT_PAGE.sub("", parts.path) or "/"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))


def same_page(url: str, other: str) -> bool:
    return canonical(url) == canonical(other)


def _not_paging(query: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in urllib.parse.parse_qsl(query, True) if not PAGE_PARAM.match(k))


class GenericSpider(PortalSpider):
    """From the home page to the column (through hubs if need be), then its pages and reports.

    Settings: NIANBAO_GENERIC_HUB_DEPTH (hub levels below the home page, default 2),
    NIANBAO_GENERIC_MAX_LIST_PAGES (list pages walked per column, default 50),
    NIANBAO_GENERIC_MAX_HUBS (hub links followed per page, default 5).
    """

    platform = "generic"
    hub_depth = 2
    max_list_pages = 50
    max_hubs = 5

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.hub_depth = settings.getint("NIANBAO_GENERIC_HUB_DEPTH", cls.hub_depth)
        spider.max_list_pages = settings.getint(
            "NIANBAO_GENERIC_MAX_LIST_PAGES", cls.max_list_pages
        )
        spider.max_hubs = settings.getint("NIANBAO_GENERIC_MAX_HUBS", cls.max_hubs)
        return spider

    def __init__(self, portals: list[Portal], **kwargs: Any) -> None:
        super().__init__(portals, **kwargs)
        # List and hub pages asked for, of every portal.
        self.visited: set[str] = {canonical(p.entry_url) for p in portals}
        self.list_pages: dict[str, int] = {}  # per column

    def entry(self, portal: Portal) -> scrapy.Request:
        return self.request(portal.entry_url, "list", self.parse, meta={"level": 0})

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """A home or hub page: walk the columns it links; if none is sure, look one hub deeper."""
        depth = response.meta["level"]
        found = columns(response.text, response.url)
        for column in found:
            yield from self._list(column.url, column.url, depth + 1)
        if depth < self.hub_depth and not any(c.score >= STRONG_SCORE for c in found):
            for url in hubs(response.text, response.url)[: self.max_hubs]:
                if canonical(url) not in self.visited:
                    self.visited.add(canonical(url))
                    yield self.request(url, "list", self.parse, meta={"level": depth + 1})

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        """A page of the column: its reports and its further pages. A 年报 link that leads to a
        page with no report on it may be a hub of columns; it is read as one."""
        column, depth = response.meta["column"], response.meta["level"]
        found = report_links(response.text, response.url)
        for url in found:
            if not self.same_site(url):
                continue
            if ATTACHMENT.search(url):
                yield self.request(
                    url, "attachment", self.parse_attachment, meta={"referrer": response.url}
                )
            else:
                yield self.request(url, "page", self.parse_report, meta={"referrer": response.url})
        for url in pager_links(response.text, response.url, column):
            yield from self._list(url, column, depth)
        if not found and same_page(response.url, column) and depth <= self.hub_depth:
            yield from self.parse(response)

    def parse_report(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.attachments(response)

    def _list(self, url: str, column: str, depth: int) -> Iterator[scrapy.Request]:
        """A list page of a column, once, and no more of them than the cap."""
        key = canonical(column)
        if canonical(url) in self.visited or self.list_pages.get(key, 0) >= self.max_list_pages:
            return
        self.visited.add(canonical(url))
        self.list_pages[key] = self.list_pages.get(key, 0) + 1
        yield self.request(url, "list", self.parse_list, meta={"column": column, "level": depth})
