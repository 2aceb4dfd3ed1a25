"""VSB / 博达 WebSite Builder static publishing, as government and university sites serve it.

A column is a static file, `/zfxxgk1/zfxxgknb.htm`, that holds its newest page; older pages count
*down*: with N pages, page 2 is `zfxxgknb/{N-1}.htm` and the oldest is `zfxxgknb/1.htm` (there is
no `zfxxgknb/N.htm`). The pager is `<span class="p_pages">` of `p_first`/`p_prev`/`p_no`/`p_next`/
`p_last` spans between `<span class="p_t">共R条</span>` and `<span class="p_t">i/N</span>`; list
rows are `<li id="line_u8_i">` whose links climb out of the column's folder (`../info/1050/…` on the
column page, `../../info/1050/…` on the older pages) with the whole title in `@title` and the text
cut short. Articles are `/info/{column id}/{id}.htm`, the body a `<div class="v_news_content">`
inside `<form name="_newscontent_fromname">`, attachments listed as
`附件【<a href="/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=…&wbfileid=…">
名称.pdf</a>】`: the file type is only in the link's text, and the download answers
`application/octet-stream` with a `Content-Disposition: attachment` name.

Where the markup comes from: no raw VSB page of a government portal was found to save, so the
templates (pages/vsb_list.html, pages/vsb_article.html) are written from real VSB markup quoted in
public code, found with find_string: the pager and list rows of a saved VSB 9 list page (辽宁铁道
职业技术学院 招标公告, find_string id 67592798815); the count-down page files and the article and
attachment structure of a probe report on jwc.sylu.edu.cn (id 54782320057), and an article
parser quoting its `附件【…】已下载` list (id 10165597131); the ArticleTitle, PubDate and
ContentSource metas and `div.wzlist`/`div.local` of a public spider for rsj.gnzrmzf.gov.cn, the
VSB government portal the registry names (id 52011077542); and the `Announced by Visual
SiteBuilder 9` head with `_sitegray` and the `_jsq_` counter of saved VSB pages (ids 25309487771,
16029465051).

Quirks served: every page is GBK (declared gb2312 in a meta, a Content-Type header without charset),
one article's header says UTF-8 all the same; a list row whose article is gone (404); an article
moved to another column, whose old `/info/1050/{id}.htm` answers 302 to its new place; a row that is
no annual report (a spider that follows every row fetches it); a `download.jsp` attachment that
serves a real PDF.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass

from replicas.site import Report, Request, Response, data, page, reports, suffix

SITE = "甘南州人力资源和社会保障局（仿真）"
OWNER = 1409271453  # the VSB site number every dynamic link carries
COLUMN_ID = 1050
MOVED_TO = 1051  # the column an article was moved to
FOLDER = "/zfxxgk1/"
NAME = "zfxxgknb"
GBK_HEADER = "text/html"  # VSB's servers name no charset: the page's meta says gb2312
TITLE_CHARS = 20  # list rows cut titles to this many characters

NOT_FOUND_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>404错误提示</title></head>
<body><div style="margin:100px auto;width:500px;text-align:center">
<p>您访问的页面不存在或已被删除！</p><p><a href="/index.htm">返回首页</a></p></div></body></html>
"""
ROW = (
    '<li id="line_u8_{i}"><a href="{href}" target="_blank" title="{title}">{text}</a>'
    "<span>{date}</span></li>\n"
)
ATTACHMENTS = '<ul style="list-style-type:none;">\n{items}</ul>'
ATTACHMENT = (
    '<li>附件【<a href="{href}" target="_blank">{name}</a>】已下载<span id="nattach{file}">'
    '<script language="javascript">getClickTimes({file},{owner},"wbnewsfile","attach")</script>'
    "</span>次</li>\n"
)


@dataclass
class Article:
    id: int
    title: str
    date: str  # YYYY-MM-DD
    report: Report | None = None  # None: a notice, not a report
    body: str = ""  # a notice's own text
    gone: bool = False  # listed, but the server answers 404
    moved: bool = False  # /info/1050/{id}.htm answers 302 to /info/1051/{id}.htm
    utf8_header: bool = False  # GBK bytes under a header that says UTF-8
    attached: str | None = None  # a stored file offered as a download.jsp attachment
    file_id: int = 0  # the attachment's wbfileid

    @property
    def path(self) -> str:
        return f"/info/{COLUMN_ID}/{self.id}.htm"

    @property
    def new_path(self) -> str:
        return f"/info/{MOVED_TO}/{self.id}.htm"

    @property
    def download(self) -> str:
        return (
            "/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
            f"&owner={OWNER}&wbfileid={self.file_id}"
        )


class VsbSite:
    """A VSB portal whose annual-report column lists the given reports, `per_page` a page."""

    platform = "vsb"

    def __init__(
        self,
        id: str,
        slugs: list[str],
        per_page: int = 2,
        moved: str = "",
        utf8_header: str = "",
        attached: dict[str, str] | None = None,
    ) -> None:
        self.id = id
        self.per_page = per_page
        found = sorted((reports()[s] for s in slugs), key=lambda r: r.published, reverse=True)
        self.articles = [
            Article(
                64208 - 4217 * i,
                r.title,
                r.published,
                r,
                moved=r.slug == moved,
                utf8_header=r.slug == utf8_header,
                attached=(attached or {}).get(r.slug),
                file_id=9120431 + i,
            )
            for i, r in enumerate(found)
        ]
        # A notice in the same column, not a report: listed between the reports by its date.
        self.articles.append(
            Article(
                50912,
                f"{SITE.removesuffix('（仿真）')}2022年政务公开工作要点",
                "2022-03-15",
                body="<p>　　为深入贯彻落实政务公开工作部署，现将本局2022年政务公开工作要点"
                "公布如下。</p>",
            )
        )
        # A report withdrawn after publication: the list still links it, the server says 404.
        self.articles.append(
            Article(48601, "（已撤回）2019年政府信息公开工作年度报告", "2020-01-20", gone=True)
        )
        self.articles.sort(key=lambda a: a.date, reverse=True)
        self._by_path = {a.path: a for a in self.articles}
        self._by_new_path = {a.new_path: a for a in self.articles if a.moved}
        self._by_download = {str(a.file_id): a for a in self.articles if a.attached}

    @property
    def entry(self) -> str:
        return f"{FOLDER}{NAME}.htm"

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.htm"):
            return _gbk(self._home())
        if path == self.entry:
            return self._list(1)
        m = re.fullmatch(re.escape(f"{FOLDER}{NAME}/") + r"(\d+)\.htm", path)
        if m and 1 <= int(m[1]) < self.pages:  # file n is page (pages - n + 1)
            return self._list(self.pages - int(m[1]) + 1)
        article = self._by_path.get(path)
        if article and article.moved:
            host = request.headers.get("host")
            target = f"http://{host}{article.new_path}" if host else article.new_path
            return Response(b"", status=302, content_type=GBK_HEADER, headers={"Location": target})
        article = self._by_new_path.get(path) or article
        if article and not article.gone:
            return self._article(article)
        if path == "/system/_content/download.jsp":
            found = self._by_download.get(request.arg("wbfileid"))
            if (
                found
                and found.attached
                and request.arg("urltype") == "news.DownloadAttachUrl"
                and request.arg("owner") == str(OWNER)
            ):
                name = urllib.parse.quote(f"{found.title}{suffix(found.attached)}")
                return Response(
                    data("attachments", found.attached),
                    content_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename={name}"},
                )
        return _gbk(NOT_FOUND_PAGE, status=404)

    def _home(self) -> str:
        return (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
            f"<title>{SITE}</title></head><body>"
            f'<div class="nav"><a href="{self.entry}">政府信息公开年报</a></div></body></html>'
        )

    def _href(self, number: int, on_column: bool) -> str:
        """A link to page `number` (1 = newest) as a page of this column writes it."""
        if number == 1:
            return f"{NAME}.htm" if on_column else f"../{NAME}.htm"
        file = f"{self.pages - number + 1}.htm"
        return f"{NAME}/{file}" if on_column else file

    def _pager(self, number: int) -> str:
        on_column = number == 1
        last = self.pages

        def fun(kind: str, label: str, to: int, live: bool) -> str:
            if not live:
                return f'<span class="p_{kind}_d p_fun_d">{label}</span>'
            href = self._href(to, on_column)
            return f'<span class="p_{kind} p_fun"><a href="{href}">{label}</a></span>'

        parts = [fun("first", "首页", 1, number > 1), fun("prev", "上页", number - 1, number > 1)]
        for n in range(1, last + 1):
            if n == number:
                parts.append(f'<span class="p_no_d">{n}</span>')
            else:
                parts.append(
                    f'<span class="p_no"><a href="{self._href(n, on_column)}">{n}</a></span>'
                )
        parts += [
            fun("next", "下页", number + 1, number < last),
            fun("last", "尾页", last, number < last),
        ]
        return "".join(parts)

    def _list(self, number: int) -> Response:
        shown = self.articles[(number - 1) * self.per_page : number * self.per_page]
        up = "../" if number == 1 else "../../"
        rows = "".join(
            ROW.format(
                i=i,
                href=f"{up}info/{COLUMN_ID}/{a.id}.htm",
                title=html.escape(a.title),
                text=html.escape(_cut(a.title)),
                date=a.date,
            )
            for i, a in enumerate(shown)
        )
        text = _fill(
            page("vsb_list.html"),
            site=SITE,
            root=up,
            rows=rows,
            records=str(len(self.articles)),
            pager=self._pager(number),
            current=str(number),
            pages=str(self.pages),
            clicks=",".join(f"'dynclicks_u8_{a.id}'" for a in shown),
            ids=",".join(str(a.id) for a in shown),
        )
        return _gbk(text)

    def _article(self, article: Article) -> Response:
        i = self.articles.index(article)
        newer = self.articles[i - 1] if i > 0 else None
        older = self.articles[i + 1] if i + 1 < len(self.articles) else None
        attachments = ""
        if article.attached:
            attachments = ATTACHMENTS.format(
                items=ATTACHMENT.format(
                    href=article.download,
                    name=html.escape(f"{article.title}{suffix(article.attached)}"),
                    file=article.file_id,
                    owner=OWNER,
                )
            )
        text = _fill(
            page("vsb_article.html"),
            site=SITE,
            title=html.escape(article.title),
            date=article.date,
            source=article.report.agency if article.report else SITE,
            column=str(COLUMN_ID),
            id=str(article.id),
            body=article.report.body if article.report else article.body,
            attachments=attachments,
            previous=_neighbour(newer, article.moved),
            next=_neighbour(older, article.moved),
        )
        if article.utf8_header:  # the bytes are GBK; the header says otherwise
            return _gbk(text, content_type="text/html; charset=utf-8")
        return _gbk(text)


def _neighbour(article: Article | None, moved: bool) -> str:
    """The previous or next article, linked from an article's own folder (a moved article's
    neighbours stayed in the old column)."""
    if article is None:
        return "没有了"
    href = f"../{COLUMN_ID}/{article.id}.htm" if moved else f"{article.id}.htm"
    return f'<a href="{href}">{html.escape(article.title)}</a>'


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS] + "..."


def _fill(template: str, **values: str) -> str:
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m[1]], template)


def _gbk(text: str, status: int = 200, content_type: str = GBK_HEADER) -> Response:
    """The page as VSB publishes it: GBK bytes; what GBK lacks (U+00A0) as a character reference."""
    return Response(text.encode("gbk", "xmlcharrefreplace"), status, content_type)


def sites() -> list[VsbSite]:
    """One VSB portal: four reports over three pages, 2019 and 2021 templates mixed."""
    return [
        VsbSite(
            "vsb",
            ["huaian-city-2024", "jingyuan-shimen-2021", "sanjiang-2020", "boai-xiaojing-2020"],
            moved="sanjiang-2020",
            utf8_header="jingyuan-shimen-2021",
            attached={"huaian-city-2024": "huaian-city-2024.pdf"},
        )
    ]
