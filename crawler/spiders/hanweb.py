"""Hanweb JCMS (大汉, jpage) columns: `/col/col{C}/index.html` embeds the first group of records
in `<script type="text/xml"><datastore>` islands, and jpage POSTs the column's form fields to its
data proxy (`/module/web/jpage/dataproxy.jsp?startrecord=A&endrecord=B&perpage=P`) for every
later group. Nothing is listed without JavaScript, so the spider reads the islands and the jpage
script itself, and asks the proxy as jpage would."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import scrapy
from parsel import Selector
from scrapy.http import Response

from crawler.polite import host_slot
from crawler.spiders.base import DATE, REPORT_TITLE, PortalSpider, number

DATASTORE = re.compile(
    r"<div id=[\"'](\w+)[\"']>\s*<script type=[\"']text/xml[\"']>\s*<datastore>(.*?)</datastore>",
    re.S,
)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
# A JavaScript object literal's members, the values quoted or bare: {col:1,appid:'1',…}
MEMBER = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,{}]*))")
TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
PROXY = "/module/web/jpage/dataproxy.jsp"


@dataclass(frozen=True)
class Record:
    title: str
    url: str  # as the record writes it, usually site-absolute (/art/…)
    date: str


@dataclass
class Unit:
    """One jpage list of a column page: its embedded records and how to ask for the rest."""

    unitid: str
    records: list[Record]
    total: int | None = None  # from the init call; None when the page has none
    per_page: int = 0
    group_size: int = 0
    proxy: str = PROXY
    form: dict[str, str] = field(default_factory=dict)  # param_N, posted with every group

    @property
    def group(self) -> int:
        """Records a group holds: the embedded ones, and what each proxy request asks for."""
        return self.per_page * self.group_size or len(self.records)

    def groups(self) -> list[tuple[int, int]]:
        """The (startrecord, endrecord) of every group after the embedded one, 1-based."""
        if not self.total or not self.group:
            return []
        step = self.group
        return [(a, min(a + step - 1, self.total)) for a in range(step + 1, self.total + 1, step)]


def records(text: str) -> list[Record]:
    """The CDATA records of a datastore (a column page's island or the proxy's answer)."""
    found = []
    for fragment in RECORD.findall(text):
        item = Selector(text=fragment)
        a = item.css("a[href]")
        if not a:
            continue
        title = a.attrib.get("title") or " ".join(a.css("::text").getall())
        date = DATE.search(" ".join(item.css("::text").getall()))
        found.append(
            Record(" ".join(title.split()), a.attrib["href"].strip(), date[0] if date else "")
        )
    return found


def total(text: str) -> int | None:
    """The proxy's `<totalrecord>`: how many records the column holds now."""
    m = TOTAL.search(text)
    return int(m[1]) if m else None


def units(html: str) -> list[Unit]:
    """Every jpage list of a column page (Jiangsu pages carry a PC and a mobile one), with the
    init call's totalRecord: not the decoy in `function jpage_N()`, which jpage runs only when
    a search form is submitted."""
    found = []
    for unitid, store in DATASTORE.findall(html):
        unit = Unit(unitid, records(store))
        m = re.search(rf"var\s+param_{unitid}\s*=\s*\{{([^}}]*)\}}", html)
        if m:
            unit.form = _members(m[1])
        calls = [
            _members(c)
            for c in re.findall(rf"\$\(['\"]#{unitid}['\"]\)\.jpage\(\{{(.*?)\}}\)", html)
        ]
        init = [c for c in calls if "dataStore" in c] or calls[-1:]
        if init:
            options = init[0]
            unit.total = number(options.get("totalRecord"))
            unit.per_page = number(options.get("perPage")) or 0
            unit.group_size = number(options.get("groupSize")) or 0
            unit.proxy = options.get("proxyUrl") or PROXY
        found.append(unit)
    return found


def _members(literal: str) -> dict[str, str]:
    return {
        m[1]: next((v for v in m.groups()[1:] if v is not None), "").strip()
        for m in MEMBER.finditer(literal)
    }


class HanwebSpider(PortalSpider):
    platform = "hanweb"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        found = units(response.text)
        if not found:
            return
        unit = found[0]  # the PC list; the mobile one holds the same records
        yield from self.follow(response, unit.records)
        for start, end in unit.groups():
            query = urllib.parse.urlencode(
                {"startrecord": start, "endrecord": end, "perpage": unit.per_page}
            )
            url = response.urljoin(f"{unit.proxy}?{query}")
            yield scrapy.FormRequest(
                url,
                formdata=unit.form,
                headers={"X-Requested-With": "XMLHttpRequest", "Referer": response.url},
                callback=self.parse_group,
                errback=self.failed,
                meta={"role": "list", "referrer": response.url, "download_slot": host_slot(url)},
            )

    def parse_group(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.follow(response, records(response.text))

    def follow(self, response: Response, found: list[Record]) -> Iterator[scrapy.Request]:
        """The reports among a list's records, chosen by title: a column mixes in notices."""
        for record in found:
            if REPORT_TITLE.search(record.title):
                url = response.urljoin(record.url)
                if self.same_site(url):
                    yield self.request(
                        url, "page", self.parse_article, meta={"referrer": response.url}
                    )
