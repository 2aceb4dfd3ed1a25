"""Zhejiang's JCMS "jpaas" gateway, as fzggw.zj.gov.cn and the other *.zj.gov.cn department
sites serve it (pages/fzggw_*.html, pages/unitbuild_response_*.json, saved from the live site).

* The column `/col/col{N}/index.html` is a shell: its list is not in the HTML but drawn by
  `unitbuild.js`, a `<script … url="/api-gateway/jpaas-publish-server/front/page/build/unit"
  queryData="{'parseType':'bulidstatic','webId':'3185',…,'pageId':'{N}'}">` whose queryData is
  single-quoted pseudo-JSON.
* The list is a second request to that gateway with the queryData fields and the page, passed
  either as `paramJson={"pageNo":N,"pageSize":15,"search":""}` or as `pageNo=N&rows=…` (both are
  seen in public crawlers; the real request was not recorded), by GET or POST. It answers the real
  JSON envelope (`{"roles":null,…,"success":true,"message":"生成成功","code":"200",
  "data":{"html":"…"},"traceId":"…","messageType":2}`) whose `data.html` holds
  `<li class="clearfix"><a class="bt-left" title="full title" href="…">truncated…</a>
  <span class="bt-right">YYYY-MM-DD</span></li>` rows and the pager
  `<table class="pagination default_pgToolbar" … rows="…" count="…" pageNo="…">`.
* Hrefs come in two forms: `/col/col{C}/art/YYYY/art_{32 hex}.html` and the legacy
  protocol-relative `//host/art/Y/M/D/art_{C}_{id}.html` (month and day not zero-padded); here
  the host is the one the request came to, so the links resolve.
* An article (the real page as template) carries metas ColId, ArticleTitle, PubDate,
  ContentSource, Url, the `table.xxgktab` metadata and the body in `div.main-txt#zoom`; an
  attachment is an opaque gateway link
  `/api-gateway/jpaas-web-server/front/document/download?fileUrl=<base64>&fileName=<name>` with a
  `download="<name>"` attribute, the file type only in the name.

Choices the saved pages do not settle (said so, not invented silently): the page size is the
unit's own (`rows`, a template setting) whatever size the call asks for; past the last page the
gateway answers the pager with no rows; a call for another column or site answers the envelope
with `success: false`; the download answers `application/octet-stream` with a
Content-Disposition name. The anchor text is cut as the real unit cuts it (30 characters then
`...`), at `cut` characters here so that every report title loses its 年度报告 in the text.
The quirk a crawler meets from outside China is served as an option: `ignore_page_no` answers
page 1 whatever page is asked for.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass

from replicas.site import NOT_FOUND, Report, Request, Response, data, page, reports, suffix

SHELL = "fzggw_col1229565788_index.html"
ARTICLE = "fzggw_col1229123351_art_2026_art_937add6719f140bdac86d5b97c525d28.html"
UNIT_JSON = "unitbuild_response_fzggw_col1229565788_pageNo1.json"
UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DOWNLOAD = "/api-gateway/jpaas-web-server/front/document/download"
WEB_ID = "3185"
COLUMN = 1229565788  # the column the shell shows (its pageId)
ART_COLUMN = 1229123351  # the column its articles are published in, as on the real site
REAL_COLUMN_NAME = "行政规范性文件"
COLUMN_NAME = "政府信息公开年报"
REAL_HEX = "937add6719f140bdac86d5b97c525d28"
REAL_TITLE = "省发展改革委关于印发《浙江省固定资产投资项目节能审查和碳排放评价实施办法》的通知"
JSON_TYPE = "application/json;charset=UTF-8"
ROW = (
    '<li class="clearfix"><a class="bt-left" title="{title}" href="{href}" target="_blank">'
    '{text}</a><span class="bt-right">{date}</span></li>'
)
PARAGRAPH = '<p style="text-indent: 2em; text-align: justify;">{}</p>'
# Two real notices of the saved list, kept among the reports: the first is the saved article.
NOTICES = [
    (REAL_TITLE, "2026-06-05", REAL_HEX, 0),
    ("浙江省物价局浙江省教育厅关于规范和调整独立学院收费的通知", "2025-02-14", "", 2545060),
]


@dataclass(frozen=True)
class Article:
    title: str
    date: str  # YYYY-MM-DD
    hex: str  # the new URL form's id, or "" for a legacy article
    number: int  # the legacy URL form's id
    report: Report | None = None

    @property
    def path(self) -> str:
        y, m, d = (int(p) for p in self.date.split("-"))
        if self.hex:
            return f"/col/col{ART_COLUMN}/art/{y}/art_{self.hex}.html"
        return f"/art/{y}/{m}/{d}/art_{ART_COLUMN}_{self.number}.html"

    def href(self, host: str) -> str:
        """As the list writes it: the legacy form protocol-relative, on the site's own host."""
        return self.path if self.hex else f"//{host}{self.path}"


class JpaasSite:
    """A jpaas department site whose annual-report column lists the given reports among two
    real notices, `rows` a page; `legacy` reports get the old /art/Y/M/D/ URL form and `attached`
    reports are published only as a gateway download."""

    platform = "jpaas"

    def __init__(
        self,
        id: str,
        slugs: list[str],
        legacy: tuple[str, ...] = (),
        attached: dict[str, str] | None = None,
        rows: int = 2,
        cut: int = 14,
        ignore_page_no: bool = False,
    ) -> None:
        self.id = id
        self.rows = rows
        self.cut = cut
        self.ignore_page_no = ignore_page_no
        self.attached = attached or {}
        found = [
            Article(
                r.title,
                r.published,
                "" if r.slug in legacy else hashlib.md5(r.slug.encode()).hexdigest(),
                2500000 + int(hashlib.md5(r.slug.encode()).hexdigest()[:5], 16),
                r,
            )
            for r in (reports()[s] for s in slugs)
        ]
        found += [Article(*notice) for notice in NOTICES]
        self.articles = sorted(found, key=lambda a: (a.date, a.title), reverse=True)
        self._paths = {a.path: a for a in self.articles}
        # fileUrl token → (file name, the stored file it serves)
        self._files = {
            _token(a.report.slug): (
                f"{a.title}{suffix(self.attached[a.report.slug])}",
                self.attached[a.report.slug],
            )
            for a in self.articles
            if a.report and a.report.slug in self.attached
        }

    @property
    def entry(self) -> str:
        return f"/col/col{COLUMN}/index.html"

    @property
    def count(self) -> int:
        return len(self.articles)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in (self.entry, f"/col/col{COLUMN}/"):
            return Response(page(SHELL).replace(REAL_COLUMN_NAME, COLUMN_NAME).encode("utf-8"))
        if path == UNIT:
            return self._unit(request)
        if path == DOWNLOAD:
            return self._download(request)
        article = self._paths.get(path)
        if article:
            return Response(self._article(article).encode("utf-8"))
        return NOT_FOUND

    def _unit(self, request: Request) -> Response:
        if (
            request.arg("webId") != WEB_ID
            or request.arg("pageId") != str(COLUMN)
            or request.arg("parseType") != "bulidstatic"
        ):
            return _envelope(None, success=False, message="参数错误", code="500")
        number = 1 if self.ignore_page_no else max(1, page_no(request))
        chosen = self.articles[(number - 1) * self.rows : number * self.rows]
        host = request.headers.get("host", "127.0.0.1")
        text = json.loads(page(UNIT_JSON))["data"]["html"]
        start = text.index('\n      <li class="clearfix">')
        end = text.rindex("</li>\n\n") + len("</li>\n\n")
        rows = "".join("\n      " + self._row(a, host) + "\n\n" for a in chosen)
        text = text[:start] + rows + text[end:]
        text = text.replace('rows="15"', f'rows="{self.rows}"')
        text = text.replace('count="388"', f'count="{self.count}"')
        text = text.replace('pageNo="1"', f'pageNo="{number}"')
        return _envelope(text)

    def _row(self, article: Article, host: str) -> str:
        shown = article.title
        if len(shown) > self.cut:
            shown = shown[: self.cut] + "..."
        return ROW.format(
            title=html.escape(article.title),
            href=article.href(host),
            text=html.escape(shown, quote=False),
            date=article.date,
        )

    def _article(self, article: Article) -> str:
        text = page(ARTICLE)
        if article.hex == REAL_HEX:  # the saved article itself
            return text
        report = article.report
        agency = report.agency if report else "浙江省发改委"
        text = text.replace(REAL_TITLE, html.escape(article.title))
        text = text.replace("2026-06-05 16:21", f"{article.date} 09:00")
        text = text.replace("2026-06-02", article.date)
        text = text.replace(
            f"/col/col{ART_COLUMN}/art/2026/art_{REAL_HEX}.html", article.path
        ).replace(REAL_HEX, article.hex or str(article.number))
        text = text.replace(
            '<meta name="ContentSource" content="节能处">',
            f'<meta name="ContentSource" content="{agency}">',
        ).replace("信息来源：节能处", f"信息来源：{agency}")
        text = text.replace("<td>浙江省发改委</td>", f"<td>{agency}</td>")
        text = text.replace(
            "11330000002482031M/2026-1010578183",
            f"11330000002482031M/{article.date[:4]}-{article.number or 1}",
        )
        text = text.replace("<td>浙发改能源〔2026〕116号</td>", "<td></td>")
        text = text.replace("<td>ZJSP-02-2026-0004</td>", "<td></td>")
        if report is None:
            body = PARAGRAPH.format(html.escape(article.title) + "。")
        elif report.slug in self.attached:
            name = f"{article.title}{suffix(self.attached[report.slug])}"
            token = urllib.parse.quote(_token(report.slug), safe="")
            href = f"{DOWNLOAD}?fileUrl={token}&fileName={urllib.parse.quote(name, safe='')}"
            body = PARAGRAPH.format("现将本年度报告全文发布，详见附件。") + PARAGRAPH.format(
                f'附件：<a target="_blank" download="{html.escape(name)}" '
                f'href="{href}">{html.escape(article.title)}</a>'
            )
        else:
            body = report.body
        return re.sub(
            r'(<div class="main-txt" id="zoom">\s*).*?(\s*</div>)',
            lambda m: m[1] + body + m[2],
            text,
            count=1,
            flags=re.S,
        )

    def _download(self, request: Request) -> Response:
        found = self._files.get(request.arg("fileUrl"))
        if not found:
            return NOT_FOUND
        name, stored = found
        return Response(
            data("attachments", stored),
            content_type="application/octet-stream",
            headers={
                "Content-Disposition": "attachment;filename*=UTF-8''"
                + urllib.parse.quote(name, safe="")
            },
        )


def page_no(request: Request) -> int:
    """The page a unit call asks for: `pageNo`, else paramJson's pageNo, else the first."""
    for value in (request.arg("pageNo"), _param_json(request.arg("paramJson")).get("pageNo")):
        try:
            return int(str(value))
        except ValueError:
            continue
    return 1


def _param_json(text: str) -> dict[str, object]:
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _token(slug: str) -> str:
    """An opaque fileUrl as the gateway hands out: base64 of bytes only the server can read."""
    return base64.b64encode(hashlib.sha512(f"jpaas/{slug}".encode()).digest()[:48]).decode()


def _envelope(
    unit_html: str | None, success: bool = True, message: str = "生成成功", code: str = "200"
) -> Response:
    body = {
        "roles": None,
        "permissions": None,
        "success": success,
        "message": message,
        "code": code,
        "data": {"html": unit_html} if unit_html is not None else None,
        "traceId": uuid.uuid4().hex,
        "messageType": 2,
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text.encode("utf-8"), content_type=JSON_TYPE)


def sites() -> list[JpaasSite]:
    """One Zhejiang department site: four reports (2019 and 2021 templates, both URL forms, one
    only as a gateway PDF) among two real notices, two rows a page."""
    return [
        JpaasSite(
            "jpaas",
            ["shuyang-gov-2025", "huaian-city-2024", "jinzhai-huashi-2020", "sanjiang-2020"],
            legacy=("jinzhai-huashi-2020", "sanjiang-2020"),
            attached={"huaian-city-2024": "huaian-city-2024.pdf"},
        )
    ]
