"""Guangdong's gkmlpt (政府信息公开目录管理平台), as the province's department and city sites
serve it (whly.gd.gov.cn, www.gd.gov.cn, www.zhaoqing.gov.cn/zqhjj …).

No raw gkmlpt page was ever saved (/work/shared/realdata/portals/README.md, "Guangdong
gkmlpt"), so the two pages here (pages/gkmlpt_index.html, pages/gkmlpt_content.html) are written
from the shapes public crawlers of these sites document, not copied:

* `/gkmlpt/index` (and `/gkmlpt/annualreport`, the same app) is a JavaScript shell: its
  `window._CONFIG = {` carries `SID: '…'` (a quoted string) and the category `TREE: [...]`
  (nodes with id, name, children, jump_url; a category is a leaf) followed by `SERVICE_AREA_ID`;
  the HTML holds no list.
* The list is JSON, `/gkmlpt/api/all/{category}?page={n}&sid={SID}` →
  `{"classify": {…, "post_count": N}, "articles": [{id, title, …, url, post_url,
  attachment: [{id, name, type, mime, size, url}], …}], "total": N}`; a page holds a fixed number
  of articles, page 0 and page 1 are the same page, and past the last page the server answers 404
  (as 肇庆's does) or, on other sites, an empty list.
* An article is `/gkmlpt/content/{id // 10**6}/{id // 1000}/post_{id}.html`: `_CONFIG` holds
  `DETAIL: {…"content":"…"…}, TREE:` with the body JSON-escaped (`\\u003Cp\\u003E`), and the
  page shows an 8-field metadata table (索引号, 分类, 发布机构, 成文日期, 名称, 文号, 发布日期,
  主题词) and the body again; attachments are `/attachment/0/{a // 1000}/{a}/{id}.{ext}` links
  of class `nfw-cms-attachment`.

JSON is written as PHP's json_encode writes it (non-ASCII as \\uXXXX, `/` as `\\/`; in a page's
script also < > & ' " as \\u003C …, which is the documented `\\u003Cp\\u003E`). The quirks served:
a list call without the site's `sid` is refused (403), an article listed in two categories (the
annual reports and the subordinate units' reports), a TREE leaf named 年报 that only jumps to
another site, an attachment the JSON and the page list that is gone (404), and the end of the
list as a 404 (or an empty page, `past_end="empty"`).
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from replicas.site import (
    NOT_FOUND,
    TYPES,
    Report,
    Request,
    Response,
    data,
    page,
    reports,
    served,
    suffix,
)

SID = "175"
SITE_NAME = "广东省文化和旅游厅"
SERVICE_AREA_ID = 440000
CHINA = timezone(timedelta(hours=8))
# The annual reports' category (whly.gd.gov.cn's real one), and the subordinate units'.
ANNUAL = 2629
UNITS = 2631
JSON = "application/json"
FORBIDDEN = Response(
    b"<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
    b"<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n",
    status=403,
)
ATTACHMENT_LINK = (
    '<p>附件：<a class="nfw-cms-attachment" href="{href}" target="_blank">{name}</a></p>'
)


def _tree() -> list[dict[str, object]]:
    """The site's categories; only leaves (no children, no jump_url) list articles."""

    def node(id: int, name: str, parent: int, **extra: object) -> dict[str, object]:
        return {"id": id, "name": name, "parent": parent, "jump_url": "", **extra}

    return [
        node(
            2620,
            "机构信息",
            0,
            children=[node(2621, "机构职能", 2620), node(2622, "领导信息", 2620)],
        ),
        node(
            2624,
            "政策文件",
            0,
            children=[node(2632, "规范性文件", 2624), node(2633, "其他文件", 2624)],
        ),
        node(
            2625,
            "政府信息公开",
            0,
            children=[
                node(2626, "政府信息公开指南", 2625),
                node(2627, "政府信息公开制度", 2625),
                node(ANNUAL, "政府信息公开年报", 2625),
            ],
        ),
        node(2635, "所属单位", 0, children=[node(UNITS, "所属单位政府信息公开年报", 2635)]),
        # A leaf that is only a link: the national 年报 column, on another site.
        node(2650, "年报专栏", 0, jump_url="http://www.gov.cn/zhengce/xxgk/gknb.htm"),
    ]


def _leaves(nodes: list[dict[str, object]]) -> dict[int, str]:
    found: dict[int, str] = {}
    for n in nodes:
        children = n.get("children")
        if isinstance(children, list) and children:
            found |= _leaves(children)
        elif not n.get("jump_url"):
            found[int(str(n["id"]))] = str(n["name"])
    return found


@dataclass(frozen=True)
class Attachment:
    id: int
    post: int
    name: str  # as listed, with its extension
    stored: str | None  # the file of data/attachments it serves; None: listed but gone (404)

    @property
    def ext(self) -> str:
        return self.name.rsplit(".", 1)[1]

    @property
    def path(self) -> str:
        return f"/attachment/0/{self.id // 1000}/{self.id}/{self.post}.{self.ext}"


@dataclass
class Post:
    report: Report
    id: int
    categories: list[int]
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/gkmlpt/content/{self.id // 1_000_000}/{self.id // 1000}/post_{self.id}.html"

    @property
    def at(self) -> datetime:
        """Published at half past nine on the report's publication day, China time."""
        return datetime.fromisoformat(self.report.published).replace(
            hour=9, minute=30, tzinfo=CHINA
        )

    @property
    def identifier(self) -> str:
        """索引号: the agency's credit code, the year and a serial (the form 肇庆's take)."""
        return f"11440000MB2C27519W/{self.at.year}-{self.id % 100000:05d}"


class GkmlptSite:
    """A gkmlpt site whose annual-report category lists the given reports, newest first,
    `per_page` a page. A report `attached` names has that file (PDF, DOCX) beside its page;
    the second newest lists a Word original that is gone; the third is listed under the
    subordinate units' reports too."""

    platform = "gkmlpt"

    def __init__(
        self,
        id: str,
        slugs: list[str],
        per_page: int = 2,
        past_end: str = "404",
        attached: dict[str, str] | None = None,
    ) -> None:
        self.id = id
        self.per_page = per_page
        self.past_end = past_end
        self.tree = _tree()
        self.leaves = _leaves(self.tree)
        found = sorted((reports()[s] for s in slugs), key=lambda r: r.published)
        self.posts: list[Post] = []
        for k, r in enumerate(found):  # ids grow with time, as the platform's do
            self.posts.append(Post(r, 3189066 + 131071 * k, [ANNUAL]))
        self.posts.sort(key=lambda p: (p.report.published, p.id), reverse=True)
        for i, post in enumerate(self.posts):
            stored = (attached or {}).get(post.report.slug)
            if stored:  # the report's file beside its page
                name = f"{post.report.title}{suffix(stored)}"
                post.attachments.append(Attachment(88389 + i, post.id, name, stored))
            elif i == 1:  # the Word original, listed, gone from the server
                post.attachments.append(
                    Attachment(88389 + i, post.id, f"{post.report.title}.docx", None)
                )
            if i == 2:  # filed under the subordinate units' reports too
                post.categories.append(UNITS)
        self._posts = {p.path: p for p in self.posts}
        self._files = {a.path: a for p in self.posts for a in p.attachments}

    @property
    def entry(self) -> str:
        return "/gkmlpt/annualreport"

    def listed(self, category: int) -> list[Post]:
        return [p for p in self.posts if category in p.categories]

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/gkmlpt/index", "/gkmlpt/annualreport"):
            return Response(self._shell(request).encode("utf-8"))
        m = re.fullmatch(r"/gkmlpt/api/all/(\d+)", path)
        if m:
            return self._api(request, int(m[1]))
        post = self._posts.get(path)
        if post:
            return Response(self._content(request, post).encode("utf-8"))
        attachment = self._files.get(path)
        if attachment and attachment.stored:
            return served(attachment.stored)
        return NOT_FOUND

    def _fill(self, name: str, request: Request, **values: str) -> str:
        """A page template filled in; its provenance comment is the replica's, not the site's."""
        text = page(name)
        text = text[text.index("-->\n") + 4 :] if text.startswith("<!--") else text
        common = {
            "SID": SID,
            "APP_URL": _app_url(request),
            "SITE_NAME": SITE_NAME,
            "TREE": _script_json(self.tree),
            "SERVICE_AREA_ID": str(SERVICE_AREA_ID),
        }
        fill = common | values
        return re.sub(r"\{\{(\w+)\}\}", lambda m: fill[m[1]], text)

    def _shell(self, request: Request) -> str:
        return self._fill("gkmlpt_index.html", request)

    def _api(self, request: Request, category: int) -> Response:
        if request.arg("sid") != SID:
            return FORBIDDEN  # the list answers only to its own site's id
        if category not in self.leaves:
            return NOT_FOUND
        try:
            number = max(int(request.arg("page", "1")), 1)  # page 0 is page 1
        except ValueError:
            return NOT_FOUND
        posts = self.listed(category)
        pages = max(1, math.ceil(len(posts) / self.per_page))
        if number > pages and self.past_end == "404":
            return NOT_FOUND
        shown = posts[(number - 1) * self.per_page : number * self.per_page]
        body = {
            "classify": {
                "id": category,
                "name": self.leaves[category],
                "parent": _parent(self.tree, category),
                "post_count": len(posts),
                "theme_count": len(posts),
            },
            "articles": [self._article(request, p) for p in shown],
            "total": len(posts),
        }
        return Response(_php_json(body).encode("ascii"), content_type=JSON)

    def _article(self, request: Request, post: Post) -> dict[str, object]:
        stamp = int(post.at.timestamp())
        url = _app_url(request) + post.path
        r = post.report
        return {
            "id": post.id,
            "title": r.title,
            "document_number": "",
            "publisher": r.agency,
            "keywords": "年报",
            "date": stamp,
            "created_at": post.at.strftime("%Y-%m-%d %H:%M:%S"),
            "create_time": stamp,
            "display_publish_time": stamp,
            "identifier": post.identifier,
            "classify_main_name": self.leaves[post.categories[0]],
            "classify_genre_name": "其他",
            "classify_theme_name": "其他",
            "url": url,
            "post_url": url,
            "attachment": [
                {
                    "id": a.id,
                    "name": a.name,
                    "type": a.ext,
                    "mime": TYPES.get(a.ext, "application/msword"),
                    "size": len(data("attachments", a.stored)) if a.stored else 98304,
                    "url": _app_url(request) + a.path,
                }
                for a in post.attachments
            ],
            "abstract": "",
            "relation": "",
            "is_expired": 0,
            "is_abolished": 0,
        }

    def _content(self, request: Request, post: Post) -> str:
        body = post.report.body + "".join(
            ATTACHMENT_LINK.format(href=a.path, name=html.escape(a.name)) for a in post.attachments
        )
        detail = self._article(request, post) | {"content": body}
        day = post.at.strftime("%Y-%m-%d")
        category = post.categories[0]
        return self._fill(
            "gkmlpt_content.html",
            request,
            DETAIL=_script_json(detail),
            TITLE=html.escape(post.report.title),
            CATEGORY=str(category),
            CATEGORY_NAME=self.leaves[category],
            IDENTIFIER=post.identifier,
            CLASSIFY=self.leaves[category],
            PUBLISHER=html.escape(post.report.agency),
            WRITTEN=day,
            NUMBER="",
            PUBLISHED=post.at.strftime("%Y-%m-%d %H:%M"),
            KEYWORDS="年报",
            CONTENT=body,
        )


def _parent(nodes: list[dict[str, object]], category: int, parent: int = 0) -> int:
    for n in nodes:
        if n["id"] == category:
            return parent
        children = n.get("children")
        if isinstance(children, list):
            found = _parent(children, category, int(str(n["id"])))
            if found >= 0:
                return found
    return -1


def _app_url(request: Request) -> str:
    """Absolute links name the host the request named, as the platform's do."""
    return "http://" + request.headers.get("host", "127.0.0.1")


def _php_json(value: object) -> str:
    """JSON as PHP's json_encode writes it by default: non-ASCII as \\uXXXX, `/` as `\\/`."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def _script_json(value: object) -> str:
    """JSON for a page's script, as json_encode writes it with the HEX flags: markup in a
    string (< > & ' ") is \\u003C … so the body cannot end the script it sits in."""
    if isinstance(value, str):
        inner = json.dumps(value, ensure_ascii=True)[1:-1].replace('\\"', "\\u0022")
        for char, code in (
            ("<", "\\u003C"),
            (">", "\\u003E"),
            ("&", "\\u0026"),
            ("'", "\\u0027"),
            ("/", "\\/"),
        ):
            inner = inner.replace(char, code)
        return f'"{inner}"'
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{_script_json(str(k))}:{_script_json(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(_script_json(v) for v in value) + "]"
    return json.dumps(value)


def sites() -> list[GkmlptSite]:
    """One gkmlpt site: four reports, two a page, mixing the 2019 and 2021 report templates."""
    return [
        GkmlptSite(
            "gkmlpt",
            ["huaian-city-2024", "jingyuan-shimen-2021", "sanjiang-2020", "boai-xiaojing-2020"],
            attached={
                "huaian-city-2024": "huaian-city-2024.pdf",
                "sanjiang-2020": "sanjiang-2020.docx",
            },
        )
    ]
