"""TRS WCM static publishing, as the NDRC portal serves it (pages/ndrc_*.html).

A column is static files: `index.html`, `index_1.html` … with the pager drawn by
`createPageHTML(pages, current, "index", "html")` (or, on other TRS sites,
`createPageHTML(records, pages, current, "index", "html")`); articles are
`./YYYYMM/tYYYYMMDD_ID.html` with the body in an unquoted `<div class=TRS_Editor>` and
attachments as `./P0….pdf` or `.docx` beside the article. The quirks of the real sites are
served too: a list item whose article is gone (404), an attachment that is gone (404),
interpretation links that leave the column and the site, a report listed twice, a page in GBK
that its header and meta call UTF-8, and a robots.txt that disallows a folder the list links
into.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field

from replicas.site import NOT_FOUND, Report, Request, Response, page, reports, served, suffix

REAL_TITLE = "关于印发《物流网建设实施方案》的通知(发改经贸〔2026〕1241号)"
COLUMN_NAME = "政府信息公开年报"

ITEM = """
                    <li><a href="{href}" target="_blank" title="{title}">{title}</a>
                        <script>
                            var jdFlag=0;
                        </script>
                        {flag}
                        <script>
                            if (jdFlag ==1 )
                                {jiedu}
                        </script>
                        <div class="popbox">
                            <div class="close" title="关闭"></div>
                            <h3 title="相关解读">相关解读</h3>
                            <ul>
                                {interpretations}
                            </ul>
                        </div>
                        <span>{date}</span></li>
                """
JIEDU = (
    'document.write(\'<strong><img src="/images/jiedu.png" alt="解读" title="解读" />'
    "<em></em></strong>');"
)
INTERPRETATION = '<li><a href="{href}" target="_blank" title="{title}">{title}</a></li>'
# The newer TRS lists (动静结合): the first page is static, later pages exist only through this
# script, which signs a call to the site's search service and draws the list and the pager.
DYNAMIC_PAGER = """
var here = document.currentScript.parentNode;
var page = parseInt((location.search.match(/[?&]page=(\\d+)/) || [0, "1"])[1], 10);
var sign = btoa(["s", "r", "t"].reverse().join("") + "-" + page);
var xhr = new XMLHttpRequest();
xhr.open("GET", "{service}?channel={channel}&page=" + page + "&sign=" + sign);
xhr.onload = function () {{
    var data = JSON.parse(xhr.responseText);
    if (page > 1) {{
        document.querySelector("ul.u-list").innerHTML = data.items.map(function (it) {{
            return '<li><a href="' + it.href + '" target="_blank" title="' + it.title +
                '">' + it.title + "</a><span>" + it.date + "</span></li>";
        }}).join("");
    }}
    var pager = [];
    for (var i = 1; i <= data.pages; i++) {{
        pager.push(i === page ? "<li><span>" + i + "</span></li>"
            : '<li><a href="?page=' + i + '">' + i + "</a></li>");
    }}
    here.insertAdjacentHTML("beforeend", pager.join(""));
}};
xhr.send();
"""
SEARCH = "/search/column"


@dataclass
class Article:
    report: Report | None
    id: int
    date: str  # YYYY-MM-DD
    title: str
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (file name, label)
    gbk: bool = False

    @property
    def href(self) -> str:
        y, m, d = self.date.split("-")
        return f"./{y}{m}/t{y}{m}{d}_{self.id}.html"


class TrsSite:
    """A TRS portal whose annual-report column lists the given reports, `per_page` a page."""

    platform = "trs"

    def __init__(
        self,
        id: str,
        slugs: list[str],
        column: str = "/xxgk/gknb/",
        per_page: int = 5,
        pager_with_records: bool = False,
        attached: dict[str, str] | None = None,
        dynamic: bool = False,
    ) -> None:
        self.id = id
        self.dynamic = dynamic
        self.column = column
        self.per_page = per_page
        self.pager_with_records = pager_with_records
        self.attached = attached or {}
        found = [reports()[s] for s in slugs]
        self.articles: list[Article] = []
        for i, r in enumerate(sorted(found, key=lambda r: r.published, reverse=True)):
            article = Article(r, 1400000 + 17 * i, r.published, r.title)
            if r.slug in self.attached:  # published as an attachment, the page says so
                name = f"P0{r.published.replace('-', '')}1{suffix(self.attached[r.slug])}"
                article.attachments.append((name, r.title))
            else:  # the OFD twin many TRS sites offer, gone from the server
                article.attachments.append((f"P0{r.published.replace('-', '')}2.ofd", r.title))
            self.articles.append(article)
        if len(self.articles) > 1:
            self.articles[1].gbk = True
        # An item whose article was withdrawn: the list still links it, the server says 404.
        self.articles.append(Article(None, 1399999, "2021-01-30", "（已撤回）2020年度信息公开年报"))
        self._paths = {self._path(a): a for a in self.articles}
        # Attachment path → the stored file it serves, or None: listed, but gone (404).
        self._files: dict[str, str | None] = {
            self._path(a).rpartition("/")[0] + "/" + file: (
                None if file.endswith(".ofd") else self.attached.get(a.report.slug)
            )
            for a in self.articles
            if a.report
            for file, _ in a.attachments
        }

    @property
    def entry(self) -> str:
        return self.column

    def _path(self, article: Article) -> str:
        return self.column + article.href[2:]

    def _listed(self) -> list[Article | str]:
        """The column's entries, newest first; the newest is pinned again at the end, as sites
        that 置顶 do; a draft sits in a folder robots.txt disallows."""
        entries: list[Article | str] = [*self.articles]
        entries.insert(1, "draft")
        if self.articles:
            entries.append(self.articles[0])
        return entries

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/robots.txt":
            return Response(
                f"User-agent: *\nDisallow: {self.column}draft/\n".encode(),
                content_type="text/plain",
            )
        if path == "/":
            return Response(self._home().encode())
        if path in (self.column, self.column + "index.html"):
            return self._list(0)  # any query: a static file
        m = re.fullmatch(re.escape(self.column) + r"index_(\d+)\.html", path)
        if m and not self.dynamic:
            return self._list(int(m[1]))
        if path == SEARCH and self.dynamic:
            return self._search(request)
        article = self._paths.get(path)
        if article and article.report:
            return self._article(article)
        stored = self._files.get(path)
        if stored:
            return served(stored)
        return NOT_FOUND

    def _search(self, request: Request) -> Response:
        """The search service behind a dynamic list: a page of entries as JSON, for the page's
        script only (a call without its signature gets the WAF's 412)."""
        number = int(request.arg("page", "1") or 1)
        if request.arg("sign") != base64.b64encode(f"trs-{number}".encode()).decode():
            return Response(b"<html><body>412 Precondition Failed</body></html>", status=412)
        entries = self._listed()
        pages = max(1, -(-len(entries) // self.per_page))
        chosen = entries[(number - 1) * self.per_page : number * self.per_page]
        items = [dict(zip(("href", "title", "date"), _shown(e), strict=True)) for e in chosen]
        body = json.dumps({"page": number, "pages": pages, "items": items}, ensure_ascii=False)
        return Response(body.encode("utf-8"), content_type="application/json; charset=utf-8")

    def _home(self) -> str:
        return (
            '<!DOCTYPE html><html><head><meta charset="UTF-8"><title>首页</title></head><body>'
            f'<div class="nav"><a href="{self.column}">{COLUMN_NAME}</a>'
            ' <a href="http://www.gov.cn/">中国政府网</a></div></body></html>'
        )

    def _list(self, number: int) -> Response:
        entries = self._listed()
        pages = max(1, -(-len(entries) // self.per_page))
        if number >= pages:
            return NOT_FOUND
        items = []
        for i, entry in enumerate(entries[number * self.per_page : (number + 1) * self.per_page]):
            href, title, date = _shown(entry)
            interpretations = ""
            if isinstance(entry, Article):
                interpretations = INTERPRETATION.format(
                    href=f"../../jd/jd/{entry.href[2:]}", title=f"图解：{entry.title}"
                ) + INTERPRETATION.format(
                    href="http://www.gov.cn/zhengce/xxgk/gknb.htm", title="中国政府网年报专栏"
                )
            items.append(
                ITEM.format(
                    href=href,
                    title=html.escape(title),
                    date=date,
                    interpretations=interpretations,
                    flag="<script>\n    jdFlag=1;\n</script>" if interpretations else "",
                    jiedu=JIEDU,
                )
            )
            if i % 5 == 4:
                items.append('<li class="empty"></li>\n')
        text = page("ndrc_xxgk_zcfb_tz_index.html")
        start = text.index('<ul class="u-list">') + len('<ul class="u-list">')
        end = text.index('</ul>\n        <p class="clr"></p>', start)
        text = text[:start] + "".join(items) + text[end:]
        pager = (
            f'createPageHTML({len(entries)}, {pages}, {number}, "index", "html")'
            if self.pager_with_records
            else f'createPageHTML({pages}, {number}, "index", "html")'
        )
        if self.dynamic:
            channel = self.column.strip("/").replace("/", "_")
            script = DYNAMIC_PAGER.format(service=SEARCH, channel=channel).strip()
            text = text.replace('createPageHTML(20, 0, "index", "html");', script)
        else:
            text = text.replace('createPageHTML(20, 0, "index", "html")', pager)
        text = _rename_column(text)
        return Response(text.encode("utf-8"))

    def _article(self, article: Article) -> Response:
        assert article.report is not None
        text = page("ndrc_xxgk_zcfb_tz_202608_t20260828_1407232.html")
        text = text.replace(REAL_TITLE, html.escape(article.title))
        text = text.replace("2026-08-27 14:28:41", f"{article.date} 09:00:00")
        text = text.replace("2026/08/27", article.date.replace("-", "/"))
        text = text.replace("经贸司", article.report.agency)
        text = text.replace("t20260828_1407232_ext.html", article.href[2:].replace(".", "_ext.", 1))
        if article.report.slug in self.attached:
            body = "<p>　　现将本年度报告全文发布，详见附件。</p>"
        else:
            body = article.report.body
        text = re.sub(
            r"<div class=TRS_Editor>.*\n",
            lambda _: f"<div class=TRS_Editor>{body}</div>\n",
            text,
            count=1,
        )
        links = "<BR>".join(
            f'<a href="./{file}">{html.escape(label)}{file[file.rindex(".") :]}</a>'
            for file, label in article.attachments
        )
        text = re.sub(
            r'(<div class="attachment_r"><p>\s*).*?(\s*</p>)',
            lambda m: m[1] + links + m[2],
            text,
            count=1,
            flags=re.S,
        )
        text = _rename_column(text)
        if article.gbk:  # the bytes are GBK; the header and the page still say UTF-8
            return Response(text.encode("gbk", "replace"))
        return Response(text.encode("utf-8"))


def _shown(entry: Article | str) -> tuple[str, str, str]:
    """An entry as a list shows it: link (relative to the column), title, date."""
    if isinstance(entry, str):  # the draft robots.txt disallows
        return "./draft/202101/t20210101_1.html", "（草稿）政府信息公开工作年度报告", "2021/01/01"
    return entry.href, entry.title, entry.date.replace("-", "/")


def _rename_column(text: str) -> str:
    text = text.replace(">通知</a></div>", f">{COLUMN_NAME}</a></div>")
    text = text.replace('content="通知"', f'content="{COLUMN_NAME}"')
    text = text.replace('"ColumnName"content="通知"', f'"ColumnName"content="{COLUMN_NAME}"')
    return text.replace("<title>通知-", f"<title>{COLUMN_NAME}-")


def sites() -> list[TrsSite]:
    """Three TRS portals: the NDRC pager, the five-argument pager other TRS sites draw, and a
    list whose later pages only its script draws (动静结合)."""
    return [
        TrsSite(
            "trs",
            ["shucheng-2020", "jinzhai-huashi-2020", "boai-xiaojing-2020", "huaian-city-2024"],
            attached={"huaian-city-2024": "huaian-city-2024.pdf"},
        ),
        TrsSite(
            "trs-records",
            ["sanjiang-2020", "jingyuan-shimen-2021", "shuyang-fgj-2023"],
            column="/zwgk/ndbg/",
            per_page=2,
            pager_with_records=True,
            attached={"jingyuan-shimen-2021": "jingyuan-shimen-2021.docx"},
        ),
        TrsSite(
            "trs-dynamic",
            ["boai-xiaojing-2020", "shuyang-fgj-2023", "jinzhai-huashi-2020"],
            column="/xxgk/ndbg/",
            per_page=2,
            dynamic=True,
        ),
    ]
