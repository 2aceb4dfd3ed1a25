"""Guangdong's gkmlpt: no browser needed. The entry page is a JavaScript shell whose
`window._CONFIG` names the site (`SID: '…'`) and its categories (`TREE: [...]`); the list is JSON
from `/gkmlpt/api/all/{category}?page={n}&sid={SID}`, walked from page 1 (page 0 is the same page)
until a page is empty or answers 404; each article's page and each attachment the JSON lists are
fetched."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.spiders.base import REPORT_TITLE, PortalSpider

CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{")
SID = re.compile(r"""\bSID\s*:\s*['"]([^'"]+)['"]""")
TREE = re.compile(r"\bTREE\s*:\s*(?=\[)")


@dataclass(frozen=True)
class Config:
    """What the shell tells a crawler: the site's id and the categories holding its reports."""

    sid: str
    categories: tuple[int, ...]


@dataclass(frozen=True)
class Listed:
    """One article of an API page: where its page is, and the attachments listed with it."""

    id: str
    title: str
    url: str
    attachments: tuple[str, ...]


def config(html: str, entry_url: str = "") -> Config | None:
    """The SID and the annual-report categories of a gkmlpt shell: the one the entry URL's
    fragment names (`annualreport#2629`), else every TREE leaf named 年报 or 年度报告. None when
    the page is no gkmlpt shell."""
    start = CONFIG.search(html)
    if not start:
        return None
    sid = SID.search(html, start.end())
    if not sid:
        return None
    fragment = urllib.parse.urlsplit(entry_url).fragment
    if fragment.isdigit():
        return Config(sid[1], (int(fragment),))
    tree = TREE.search(html, start.end())
    if not tree:
        return Config(sid[1], ())
    try:
        nodes, _ = json.JSONDecoder().raw_decode(html, tree.end())
    except json.JSONDecodeError:
        return Config(sid[1], ())
    return Config(sid[1], tuple(i for i, name in leaves(nodes) if REPORT_TITLE.search(name)))


def leaves(nodes: Any) -> Iterator[tuple[int, str]]:
    """The categories of a TREE that list articles: nodes with no children and no jump_url (a
    jump_url node is only a link, often to another site)."""
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict) or node.get("jump_url"):
            continue
        if node.get("children"):
            yield from leaves(node["children"])
        elif str(node.get("id", "")).isdigit():
            yield int(node["id"]), str(node.get("name", ""))


def api_url(page_url: str, category: int, page: int, sid: str) -> str:
    """The list API of the gkmlpt app a page belongs to (sites may sit under a folder:
    /zqhjj/gkmlpt/…)."""
    parts = urllib.parse.urlsplit(page_url)
    app = parts.path.split("/gkmlpt/", 1)[0]
    query = urllib.parse.urlencode({"page": page, "sid": sid})
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, f"{app}/gkmlpt/api/all/{category}", query, "")
    )


def listing(text: str, base: str) -> list[Listed] | None:
    """The articles of one API page, links made absolute; [] for an empty page, None for an
    answer that is not the API's JSON."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("articles", []), list):
        return None
    listed = []
    for article in found.get("articles") or []:
        if not isinstance(article, dict):
            continue
        href = article.get("url") or article.get("post_url")
        if not href:
            continue
        files = tuple(
            urllib.parse.urljoin(base, a["url"])
            for a in article.get("attachment") or []
            if isinstance(a, dict) and a.get("url")
        )
        listed.append(
            Listed(
                str(article.get("id", "")),
                str(article.get("title", "")),
                urllib.parse.urljoin(base, href),
                files,
            )
        )
    return listed


class GkmlptSpider(PortalSpider):
    platform = "gkmlpt"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: dict[tuple[str, int], set[str]] = {}  # per site and category

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        portal = self.portal_of(response.url, response.meta)
        found = config(response.text, portal.entry_url if portal else response.url)
        if found is None or not found.categories:
            self.logger.warning("%s: no gkmlpt _CONFIG or no 年报 category", response.url)
            return
        for category in found.categories:
            yield self._list(response.url, category, 1, found.sid)

    def _list(self, base: str, category: int, page: int, sid: str) -> scrapy.Request:
        return self.request(
            api_url(base, category, page, sid),
            "list",
            self.parse_list,
            cb_kwargs={"category": category, "page": page, "sid": sid},
        )

    def parse_list(
        self, response: Response, category: int, page: int, sid: str
    ) -> Iterator[scrapy.Request]:
        listed = listing(response.text, response.url)
        if not listed:  # the end: an empty page (a 404 never reaches here), or not the API
            return
        seen = self._seen.setdefault((urllib.parse.urlsplit(response.url).netloc, category), set())
        new = [a for a in listed if a.id not in seen]
        if not new:  # a server that ignores `page` serves page 1 forever
            return
        for article in new:
            seen.add(article.id)
            yield self.request(article.url, "page", self.parse_article)
            for url in article.attachments:
                if self.same_site(url):
                    yield self.request(
                        url, "attachment", self.parse_attachment, meta={"referrer": article.url}
                    )
        yield self._list(response.url, category, page + 1, sid)

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        """The page's own attachment links too (the JSON's are the same files, fetched once)."""
        yield from self.attachments(response)
