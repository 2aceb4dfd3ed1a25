"""Hanweb JCMS (大汉, jpage), as the Jiangsu DRC portal serves it (pages/jiangsu_fzggw_*.html).

A column is one page, `/col/col{C}/index.html`, that renders nothing without JavaScript: its
first group of records (groupSize pages × perPage records) sits in two
`<script type="text/xml"><datastore>` islands, the PC unit's and the mobile unit's, as CDATA
`<record>`s. The jpage script beside them holds the column's real `totalRecord` (a decoy 1000
sits in `function jpage_N()`) and the form fields (`param_N`) that jpage POSTs to
`/module/web/jpage/dataproxy.jsp?startrecord=A&endrecord=B&perpage=P` for every later group; the
proxy answers XML `<datastore>` with the records and `<totalrecord>`. A GET with the fields in
the query is answered too; the older proxy paths are gone (404). Articles are static
`/art/YYYY/M/D/art_{C}_{ID}.html`, month and day not zero-padded, the body in a
`<div class="TRS_Editor">` between the ContentStart and ContentEnd metas.

The column lists real reports among real notices of the Jiangsu column (the spider must choose
by title), a group of two records a page and one page a group, so all but the first two records
come only through the proxy. Quirks: one report served in GBK with no charset anywhere (header
`text/html`, metas removed), one report linking a DOCX attachment that is gone (404).
"""

from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass

from replicas.site import NOT_FOUND, Report, Request, Response, page, reports

COLUMN = 284
UNITS = ("423656", "427101")  # the PC and the mobile datastore of the real page
WEBID = "3"
WEBNAME = "江苏省发展和改革委员会"
PROXY = "/module/web/jpage/dataproxy.jsp"
REAL_NAME = "通知公告"
COLUMN_NAME = "政府信息公开年报"
REAL_TITLE = "江苏省成品油价格调整公告（2026年第16号）"
REAL_ID = 11821965
REAL_SOURCE = "价格管理和成本监审处"
COLUMN_PAGE = "jiangsu_fzggw_col284_index.html"
ARTICLE_PAGE = "jiangsu_fzggw_art_2026_8_28_art_284_11821965.html"

RECORD = (
    "<record><![CDATA[\n"
    '    <li class="clearfix bt-list-new"><a title=\'{title}\' target="_blank"'
    ' href="{href}">            {title}</a><span class="bt-list-time">{date}</span>'
    "    </li>    ]]></record>\n"
)
# Between the datastore's template list and its end: the records of the first group.
RECORDSET = re.compile(r"(<recordset>\n<ul [^>]*>\r\n    \r\n</ul>\r\n)(.*?)(</recordset>)", re.S)
# The article body: everything the ContentStart and ContentEnd metas enclose, on one line.
CONTENT = re.compile(r'(<meta name="ContentStart">).*?(<meta name="ContentEnd">)')


@dataclass
class Article:
    id: int
    date: str  # YYYY-MM-DD
    title: str
    report: Report | None = None  # None: a notice of the real column, no report tables
    gbk: bool = False
    attachment: str = ""  # a document the page links to; none is served (404)

    @property
    def path(self) -> str:
        y, m, d = (int(p) for p in self.date.split("-"))
        return f"/art/{y}/{m}/{d}/art_{COLUMN}_{self.id}.html"


# Real records of the Jiangsu column (pages/jiangsu_fzggw_col284_index.html): notices, not
# reports, which the spider must leave alone.
NOTICES = [
    Article(REAL_ID, "2026-08-28", REAL_TITLE),
    Article(
        11703952, "2025-12-30", "江苏省战略与发展研究中心关于征集政府投资项目评审咨询专家的通知"
    ),
    Article(11699035, "2025-12-24", "2025年江苏省粮食节约和反食品浪费工作情况通报"),
    Article(
        11672928,
        "2025-11-11",
        "江苏省发展改革委关于开展2025-2026年新能源增量项目机制电价竞价工作等有关事项的通知",
    ),
]


class HanwebSite:
    """A Hanweb JCMS column of reports and notices, `per_page` records a page, `group_size`
    pages a group: the first group in the column page, the rest from the data proxy."""

    platform = "hanweb"

    def __init__(
        self,
        id: str,
        slugs: dict[str, int],
        per_page: int = 2,
        group_size: int = 1,
        gbk: str = "",
        dead_attachment: str = "",
    ) -> None:
        self.id = id
        self.per_page = per_page
        self.group_size = group_size
        found = [
            Article(
                article_id,
                reports()[slug].published,
                reports()[slug].title,
                reports()[slug],
                gbk=slug == gbk,
            )
            for slug, article_id in slugs.items()
        ]
        for article in found:
            if article.report and article.report.slug == dead_attachment:
                # Jiangsu's attachment store, /attach/-1/{yyMMddHHmmss + 7 digits}.ext
                stamp = article.date.replace("-", "")[2:] + "0917314520386"
                article.attachment = f"/attach/-1/{stamp}.docx"
        self.articles = sorted([*found, *NOTICES], key=lambda a: a.date, reverse=True)
        self._paths = {a.path: a for a in self.articles}

    @property
    def entry(self) -> str:
        return f"/col/col{COLUMN}/index.html"

    @property
    def group(self) -> int:
        """Records a group holds: what the column page embeds, and what jpage asks the proxy."""
        return self.per_page * self.group_size

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == self.entry and request.method in ("GET", "HEAD"):
            return Response(self._column().encode("utf-8"))
        if path == PROXY:
            return self._proxy(request)
        article = self._paths.get(path)
        if article and request.method in ("GET", "HEAD"):
            return self._article(article)
        return NOT_FOUND  # the older /module/jpage/dataproxy.jsp among them

    def _records(self, start: int, end: int) -> str:
        """Records start…end (1-based, inclusive), as the datastore and the proxy write them."""
        return "".join(
            RECORD.format(href=a.path, title=html.escape(a.title), date=a.date)
            for a in self.articles[start - 1 : end]
        )

    def _column(self) -> str:
        text = page(COLUMN_PAGE).replace(REAL_NAME, COLUMN_NAME)
        first = self._records(1, self.group)
        text = RECORDSET.sub(lambda m: m[1] + first + m[3], text)
        # The init call's total is the real one; the decoy in function jpage_N() stays 1000.
        text = text.replace("totalRecord:138", f"totalRecord:{len(self.articles)}")
        text = text.replace("groupSize:3", f"groupSize:{self.group_size}")
        return text.replace("perPage:10", f"perPage:{self.per_page}")

    def _proxy(self, request: Request) -> Response:
        """jpage's data proxy: the column's records startrecord…endrecord, for the column's own
        form fields (in the POST body or the query); anything else gets an empty datastore."""
        unit = request.arg("unitid")
        known = (
            request.arg("columnid") == str(COLUMN)
            and unit in UNITS
            and request.arg("webid") == WEBID
        )
        total = len(self.articles) if known else 0
        try:
            start = max(1, int(request.arg("startrecord", "1")))
            end = min(total, int(request.arg("endrecord", str(start + self.group - 1))))
            per_page = int(request.arg("perpage", str(self.per_page))) or self.per_page
        except ValueError:
            start, end, per_page = 1, 0, self.per_page
        if not known:
            return Response(
                b'<?xml version="1.0" encoding="UTF-8"?><datastore></datastore>',
                content_type="text/xml;charset=UTF-8",
            )
        webname = urllib.parse.quote(urllib.parse.quote(WEBNAME))  # double-encoded, as served
        nextgroup = (
            f'<a href="{PROXY}?page=1&appid=1&appid=1&webid={WEBID}&path=/&columnid={COLUMN}'
            f'&unitid={unit}&webname={webname}&permissiontype=0"></a>'
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n"
            f"<recordset>\n{self._records(start, end)}</recordset>\n"
            f"<totalrecord>{total}</totalrecord>\n"
            f"<totalpage>{-(-total // per_page)}</totalpage>\n"
            "</datastore>\n"
        )
        return Response(body.encode("utf-8"), content_type="text/xml;charset=UTF-8")

    def _article(self, article: Article) -> Response:
        text = page(ARTICLE_PAGE).replace(REAL_NAME, COLUMN_NAME)
        if article.id == REAL_ID:
            return Response(text.encode("utf-8"))
        year = article.date[:4]
        title = html.escape(article.title)
        text = text.replace(REAL_TITLE, title)
        text = text.replace("2026-08-28", article.date)
        text = text.replace("art/2026/8/28/art_284_11821965", article.path[1:-5])
        text = text.replace("202611821965", f"{year}{article.id}")
        text = text.replace(f"i_articleid={REAL_ID}", f"i_articleid={article.id}")
        if article.report:
            agency = html.escape(article.report.agency)
            text = text.replace(REAL_SOURCE, agency).replace("省发改委价格处", agency)
            text = re.sub(r'(<meta name="Description" content=")[^"]*', rf"\g<1>{title}", text)
            text = re.sub(
                r'(<meta name="Keywords" content=")[^"]*', r"\g<1>政府信息公开 年度报告", text
            )
            body = " ".join(article.report.body.splitlines())  # the CMS writes it on one line
            if article.attachment:
                name = html.escape(article.title) + ".docx"
                body += f'<p>附件：<a href="{article.attachment}" target="_blank">{name}</a></p>'
            text = CONTENT.sub(
                lambda m: f'{m[1]}<div class="TRS_Editor">{body}</div><p><br/></p>{m[2]}', text
            )
        if article.gbk:  # GBK bytes, and nothing anywhere says which charset they are in
            text = text.replace('    <meta charset="UTF-8">\r\n', "")
            text = text.replace(
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />', ""
            )
            return Response(text.encode("gbk"), content_type="text/html")
        return Response(text.encode("utf-8"))


def sites() -> list[HanwebSite]:
    """The Jiangsu column: three reports of the 2021 template and one of the 2019 template, the
    newest in the column page, the other three only from the proxy."""
    return [
        HanwebSite(
            "hanweb",
            {
                "shuyang-gov-2025": 11722107,
                "huaian-city-2024": 11245381,
                "shuyang-fgj-2023": 10703398,
                "boai-xiaojing-2020": 9664520,
            },
            gbk="huaian-city-2024",
            dead_attachment="shuyang-fgj-2023",
        )
    ]
