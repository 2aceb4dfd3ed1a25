"""Anhui's government information-disclosure platform (LonSun, `/public/column`), as the
province's county and city portals serve it.

No raw page of this platform was ever saved (its sites block requests from abroad), so the
pages here (pages/anhui_column.html, pages/anhui_article.html) are written from the shapes
public crawlers of these sites document (/work/shared/realdata/portals/README.md, "Anhui"): the
column page `/public/column/{organId}?type=3&action=list` (type 3 is an organ's 年报 column) is
a JS shell with no list in its HTML: it carries `<meta name="SiteId">`, `yxCatId = "…"` in a body
script, the label's parameters (the `file` template varies per site) and `pageCount:N`. The list
is `GET|POST /site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=…
&pageSize=…&pageIndex=N&organId=…&type=…&catId=…&result=暂无相关信息&file=…`, answering an HTML
fragment `<ul class="clearfix xxgk_nav_list"><li><a href title>…</a><span class="date">`, or the
`result` text past the last page; articles are `/public/{organId}/{id}.html` with a metadata
table (索引号, 发布机构, 生成日期, 公开方式) and the body in `div.wzcon.j-fontContent`;
attachments are FastDFS `/group1/M00/…` files or `/download/{id}` links.

The quirks served: a list page that answers 500 the first time a given request is made (a
retry gets it), a fragment linking a report on another site, anchor text cut short (the full
title is in `@title`), a link written absolute with the host the request named, an article in
GBK whose header says UTF-8, an attachment gone from the file server (404), and a report given
only as a `.doc` attachment that is Word's HTML in GB2312.
"""

from __future__ import annotations

import html
import math
import threading
from dataclasses import dataclass

from replicas.site import NOT_FOUND, Report, Request, Response, page, reports

COLUMN = "政府信息公开年报"
LABEL = "/site/label/8888"
NO_RESULT = "暂无相关信息"
# The template's own cut of the anchor text; the full title stays in @title.
CUT = 20

ITEM = (
    '<li class="clearfix"><a href="{href}" target="_blank" title="{title}">{text}</a>'
    '<span class="date">{date}</span></li>'
)
ATTACHMENT = (
    '<div class="gkwz_fj"><span>附件：</span><ul><li><a href="{href}" target="_blank">'
    "{name}</a></li></ul></div>"
)
WORD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>{title}</title>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
{body}
</div>
</body>
</html>
"""


@dataclass
class Article:
    """One item of the column: a report on this site, or a link to one elsewhere."""

    report: Report | None
    id: int
    date: str  # YYYY-MM-DD
    title: str
    offsite: str = ""  # the other site's URL, for an item that leaves the site
    absolute: bool = False  # the template wrote the link with the request's host
    gbk: bool = False  # the bytes are GBK; the header and the page say UTF-8
    gone: str = ""  # a FastDFS attachment the page links, gone from the file server
    word: str = ""  # a /download/ id whose .doc (Word HTML) is the report; the page says 详见附件

    @property
    def index(self) -> str:
        """索引号: the organ's credit code, the month, a serial."""
        return f"11341500003123456K/{self.date[:7].replace('-', '')}-{self.id % 100000:05d}"


class AnhuiSite:
    """One organ's 年报 column (type=3) on a LonSun disclosure platform, `page_size` a page."""

    platform = "anhui"

    def __init__(
        self,
        id: str,
        slugs: list[str],
        organ: str = "六安市人民政府",
        organ_id: str = "6608121",
        site_id: str = "6797101",
        file: str = "/xxgk/publicInfoList_newest2022",
        page_size: int = 2,
        failing_page: int = 2,
    ) -> None:
        self.id = id
        self.organ = organ
        self.organ_id = organ_id
        self.site_id = site_id
        self.file = file
        self.page_size = page_size
        self.failing_page = failing_page
        # The requests already answered: the first try of the failing page gets a 500.
        self._tried: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
        self._lock = threading.Lock()
        found = sorted((reports()[s] for s in slugs), key=lambda r: r.published, reverse=True)
        self.articles = [
            Article(r, 550113241 + 10 * i, r.published, r.title) for i, r in enumerate(found)
        ]
        if self.articles:
            self.articles[0].absolute = True
            self.articles[-1].gbk = True
        for article in self.articles[1:2]:
            article.word = f"61f7a2c9e4b0{article.id:012x}"
        for article in self.articles[2:3]:
            article.gone = "/group1/M00/00/2B/wKgKZGAUcK2AUoT5AAB3xQ1vJ8s614.pdf"
        # The province's report, linked from this column on the province's own portal.
        self.articles.insert(
            min(2, len(self.articles)),
            Article(
                None,
                553978921,
                "2021-02-05",
                "安徽省人民政府办公厅2020年政府信息公开工作年度报告",
                offsite="https://www.ah.gov.cn/public/1681/553978921.html",
            ),
        )
        self._paths = {self.article_path(a): a for a in self.articles if a.report}
        self._words = {f"/download/{a.word}": a for a in self.articles if a.word}

    @property
    def entry(self) -> str:
        return f"/public/column/{self.organ_id}?type=3&action=list"

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.articles) / self.page_size))

    def article_path(self, article: Article) -> str:
        return f"/public/{self.organ_id}/{article.id}.html"

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == f"/public/column/{self.organ_id}" and request.arg("type") == "3":
            return self._shell()
        if path == LABEL:
            return self._label(request)
        article = self._paths.get(path)
        if article:
            return self._article(article)
        word = self._words.get(path)
        if word:
            assert word.report is not None
            name = f"{word.report.title}.doc".encode().decode("latin-1")
            return Response(
                WORD.format(title=html.escape(word.title), body=word.report.body).encode(
                    "gbk", "xmlcharrefreplace"
                ),
                content_type="application/octet-stream",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return NOT_FOUND

    def _fill(self, name: str, values: dict[str, str]) -> str:
        text = page(name)
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    def _shell(self) -> Response:
        """The column page: every parameter of the list, and no list."""
        text = self._fill(
            "anhui_column.html",
            {
                "column": COLUMN,
                "organ": self.organ,
                "organ_id": self.organ_id,
                "site_id": self.site_id,
                "cat_id": "",
                "type": "3",
                "page_size": str(self.page_size),
                "page_count": str(self.page_count),
                "file": self.file,
            },
        )
        return Response(text.encode("utf-8"))

    def _label(self, request: Request) -> Response:
        """The list fragment of one page, or the `result` text when the query selects nothing
        (past the last page, another organ, site, type, column or template)."""
        key = (
            request.method,
            request.path,
            tuple(sorted((k, v[0]) for k, v in {**request.query, **request.form}.items())),
        )
        with self._lock:
            first = key not in self._tried
            self._tried.add(key)
        nothing = Response(request.arg("result", NO_RESULT).encode("utf-8"))
        try:
            number = int(request.arg("pageIndex", "1"))
            size = int(request.arg("pageSize", "15"))
        except ValueError:
            return nothing
        wanted = (
            request.arg("labelName"),
            request.arg("siteId"),
            request.arg("organId"),
            request.arg("type"),
            request.arg("catId"),
            request.arg("file"),
        )
        if wanted != ("publicInfoList", self.site_id, self.organ_id, "3", "", self.file):
            return nothing
        if number == self.failing_page and first:
            return Response(
                b"<html><body><h1>500 Internal Server Error</h1></body></html>", status=500
            )
        items = self.articles[(number - 1) * size : number * size] if number >= 1 else []
        if not items:
            return nothing
        host = request.headers.get("host", "")
        lines = []
        for article in items:
            if article.offsite:
                href = article.offsite
            elif article.absolute and host:
                href = f"http://{host}{self.article_path(article)}"
            else:
                href = self.article_path(article)
            text = article.title if len(article.title) <= CUT else article.title[:CUT] + "…"
            lines.append(
                ITEM.format(
                    href=href,
                    title=html.escape(article.title),
                    text=html.escape(text),
                    date=article.date,
                )
            )
        fragment = '<ul class="clearfix xxgk_nav_list">\n' + "\n".join(lines) + "\n</ul>\n"
        return Response(fragment.encode("utf-8"))

    def _article(self, article: Article) -> Response:
        assert article.report is not None
        if article.word:
            body = "<p>　　现将本年度报告全文发布，详见附件。</p>"
            attachments = ATTACHMENT.format(
                href=f"/download/{article.word}", name=html.escape(f"{article.title}.doc")
            )
        else:
            body = article.report.body
            attachments = ""
        if article.gone:
            attachments += ATTACHMENT.format(
                href=article.gone, name=html.escape(f"{article.title}.pdf")
            )
        text = self._fill(
            "anhui_article.html",
            {
                "column": COLUMN,
                "organ": self.organ,
                "organ_id": self.organ_id,
                "site_id": self.site_id,
                "title": html.escape(article.title),
                "agency": html.escape(article.report.agency),
                "date": article.date,
                "index": article.index,
                "attachments": attachments,
                "body": body,
            },
        )
        if article.gbk:  # a CMS writing GBK cannot hold U+00A0 and its kin: entities instead
            return Response(text.encode("gbk", "xmlcharrefreplace"))
        return Response(text.encode("utf-8"))


def sites() -> list[AnhuiSite]:
    """One LonSun organ: its 年报 column over three pages of two, mixing the 2019 and 2021
    report templates."""
    return [
        AnhuiSite(
            "anhui",
            ["shuyang-gov-2025", "jingyuan-shimen-2021", "shucheng-2020", "jinzhai-huashi-2020"],
        )
    ]
