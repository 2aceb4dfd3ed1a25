"""A hand-made county portal: plain static HTML in UTF-8, no known CMS behind it.

Most small portals look like this. The registry knows only the home page, and the annual-report
column sits two levels down: home → 政务公开 hub → 政府信息公开年报 (`/zwgk/xxgknb/`), two list
pages joined by 下一页. The reports' own pages sit outside the column, under
`/content/YYYY-MM/DD/content_ID.html`. No real page of such a site was saved (see
/work/shared/realdata/portals/README.md), so the pages are written by hand after the common
layout: a big nav, a news block, catalogue sidebars, a footer of links. The quirks served:

* a 年度报告 nav link that is a decoy: it leads to a news article, 2023年度财政预算报告;
* a column-looking link to another host (中国政府网's 年报 column), and 中国政府网 in the nav;
* `javascript:void(0)` links (the 互动交流 menu, the pager's dead ends) and a `mailto:`;
* the hub and the column each linked two ways (`/zwgk/` and `/zwgk/index.html`; a title link
  and a 更多>> link whose only evidence is the URL);
* one report published only as a PDF attachment, linked as `附件：….pdf`;
* no robots.txt (404), as on many small sites.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from replicas.site import (
    NOT_FOUND,
    Report,
    Request,
    Response,
    added,
    reports,
    served,
    suffix,
)

SITE_NAME = "示范县人民政府"
COLUMN = "/zwgk/xxgknb/"
COLUMN_NAME = "政府信息公开年报"
HUB = "/zwgk/"
DECOY = "/xwzx/tzgg/202401/t20240118_5521.html"
DECOY_TITLE = "2023年度财政预算报告"
OFFSITE_COLUMN = "http://www.gov.cn/zhengce/xxgk/gknb.htm"

# The 政务公开 hub's catalogue: (name, folder). The sidebar of every catalogue page repeats it.
CATALOGUE = [
    ("政府信息公开指南", "/zwgk/xxgkzn/"),
    ("政府信息公开制度", "/zwgk/xxgkzd/"),
    ("法规文件", "/zwgk/fgwj/"),
    ("人事信息", "/zwgk/rsxx/"),
    ("财政信息", "/zwgk/czxx/"),
    ("规划计划", "/zwgk/ghjh/"),
    (COLUMN_NAME, COLUMN),
    ("依申请公开", "/zwgk/ysqgk/"),
]
NEWS = [
    ("县政府召开第十二次常务会议", "/xwzx/jrsf/202401/t20240122_5530.html", "2024-01-22"),
    (DECOY_TITLE, DECOY, "2024-01-18"),
    ("全县安全生产工作会议召开", "/xwzx/jrsf/202401/t20240115_5518.html", "2024-01-15"),
    (
        "关于开展2024年度政务服务满意度调查的通知",
        "/xwzx/tzgg/202401/t20240110_5502.html",
        "2024-01-10",
    ),
]

LAYOUT = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}</title>
<meta name="keywords" content="{site},政务公开,信息公开">
<link rel="stylesheet" href="/css/style.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top"><div class="w1200">
  <span class="date" id="today"></span>
  <a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a> |
  <a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a> |
  <a href="/wza/">无障碍浏览</a>
</div></div>
<div class="header"><div class="w1200">
  <a href="/" class="logo"><img src="/images/logo.png" alt="{site}"></a>
  <form action="/search/" method="get" class="search"><input name="q"><button>搜索</button></form>
</div></div>
<div class="nav"><ul class="w1200">
  <li><a href="/">首页</a></li>
  <li><a href="{hub}">政务公开</a>
    <div class="sub"><a href="/zwgk/fgwj/">法规文件</a><a href="/zwgk/rsxx/">人事信息</a><a
    href="/zwgk/czxx/">财政信息</a><a href="/zwgk/ghjh/">规划计划</a></div></li>
  <li><a href="/xwzx/">新闻中心</a>
    <div class="sub"><a href="/xwzx/jrsf/">今日示范</a><a href="/xwzx/tzgg/">通知公告</a><a
    href="/xwzx/bmdt/">部门动态</a></div></li>
  <li><a href="/bsfw/">办事服务</a>
    <div class="sub"><a href="/bsfw/bszn/">办事指南</a><a
    href="http://www.jszwfw.gov.cn/">政务服务网</a></div></li>
  <li><a href="javascript:void(0)">互动交流</a>
    <div class="sub"><a href="/hdjl/xzxx/">县长信箱</a><a href="/hdjl/zxft/">在线访谈</a><a
    href="/hdjl/myzj/">民意征集</a></div></li>
  <li><a href="/zwgk/czxx/yjs/">预决算公开</a></li>
  <li><a href="{decoy}">年度报告</a></li>
  <li><a href="/zsyz/">招商引资</a></li>
  <li><a href="/zjsf/">走进示范</a></li>
  <li><a href="http://www.gov.cn/" target="_blank">中国政府网</a></li>
</ul></div>
<div class="main w1200">
{main}
</div>
<div class="footer"><div class="w1200">
  <div class="links">友情链接：
    <a href="http://www.gov.cn/" target="_blank">中国政府网</a>
    <a href="{offsite}" target="_blank">中国政府网政府信息公开年报</a>
    <a href="http://www.jiangsu.gov.cn/" target="_blank">江苏省人民政府</a>
  </div>
  <p>主办：{site}办公室　　<a href="/wzdt/">网站地图</a>　　<a href="/lxwm/">联系我们</a>
    　　电子邮箱：<a href="mailto:zwgk@sfx.example.gov.cn">zwgk@sfx.example.gov.cn</a></p>
  <p>网站标识码：0000000000　　ICP备案号：示ICP备00000000号</p>
</div></div>
</body>
</html>
"""


def _layout(title: str, main: str) -> str:
    return LAYOUT.format(
        title=html.escape(title),
        site=SITE_NAME,
        hub=HUB,
        decoy=DECOY,
        offsite=OFFSITE_COLUMN,
        main=main,
    )


def _crumbs(*trail: tuple[str, str]) -> str:
    links = "".join(f' &gt; <a href="{href}">{name}</a>' for name, href in trail)
    return f'<div class="crumbs">当前位置：<a href="/">首页</a>{links}</div>'


def _sidebar(current: str) -> str:
    items = "".join(
        f'<li{" class=on" if href == current else ""}><a href="{href}">{name}</a></li>'
        for name, href in CATALOGUE
    )
    return f'<div class="side"><h3>政府信息公开</h3><ul>{items}</ul></div>'


@dataclass(frozen=True)
class Entry:
    """A report as this portal lists it: its page outside the column, maybe only a PDF."""

    report: Report
    id: int
    attached: str | None = None  # the stored file its page links instead of carrying the text

    @property
    def path(self) -> str:
        y, m, d = self.report.published.split("-")
        return f"/content/{y}-{m}/{d}/content_{self.id}.html"

    @property
    def file_path(self) -> str:
        folder = self.report.published[:7].replace("-", "")
        return f"/uploads/{folder}/P0{self.id}1031{suffix(self.attached or '.pdf')}"


class GenericSite:
    """A hand-made county portal whose 年报 column lists the given reports, `per_page` a page."""

    platform = "generic"

    def __init__(
        self, id: str, slugs: list[str], per_page: int = 2, attached: dict[str, str] | None = None
    ) -> None:
        self.id = id
        self.per_page = per_page
        attached = attached or {}
        newest = sorted((reports()[s] for s in slugs), key=lambda r: r.published, reverse=True)
        # An article's id is given once, when it is published: a later one gets a higher id.
        ids = {r.slug: 8841 - 37 * i for i, r in enumerate(newest)}
        for i, slug in enumerate(s for s in added(id) if s not in ids):
            ids[slug] = 8841 + 37 * (i + 1)
        found = sorted((reports()[s] for s in ids), key=lambda r: r.published, reverse=True)
        self.entries = [Entry(r, ids[r.slug], attached.get(r.slug)) for r in found]
        self._pages = {e.path: e for e in self.entries}
        self._files = {e.file_path: e.attached for e in self.entries if e.attached}

    @property
    def entry(self) -> str:
        """The registry knows only the home page."""
        return "/"

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.entries) // self.per_page))

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.html"):
            return Response(self._home().encode())
        if path in (HUB, HUB + "index.html"):
            return Response(self._hub().encode())
        if path in (COLUMN, COLUMN + "index.html"):
            return Response(self._list(1).encode())
        m = re.fullmatch(re.escape(COLUMN) + r"index_(\d+)\.html", path)
        if m and 2 <= int(m[1]) <= self.pages:
            return Response(self._list(int(m[1])).encode())
        entry = self._pages.get(path)
        if entry:
            return Response(self._report(entry).encode())
        stored = self._files.get(path)
        if stored:
            return served(stored)
        if path == DECOY:
            return Response(self._decoy().encode())
        for name, folder in CATALOGUE:
            if path in (folder, folder + "index.html"):
                return Response(self._empty_column(name, folder).encode())
        return NOT_FOUND

    def _home(self) -> str:
        news = "".join(
            f'<li><a href="{href}" title="{html.escape(title)}">{html.escape(title)}</a>'
            f"<span>{date}</span></li>"
            for title, href, date in NEWS
        )
        main = f"""<div class="banner"><a href="{HUB}index.html"><img src="/images/xxgk.jpg"
  alt="政府信息公开"></a><span>政府信息公开</span></div>
<div class="block news"><h2><a href="/xwzx/">新闻中心</a></h2><ul>{news}</ul>
  <a href="/xwzx/" class="more">更多&gt;&gt;</a></div>
<div class="block service"><h2>办事服务</h2><ul>
  <li><a href="/bsfw/bszn/">个人办事</a></li><li><a href="/bsfw/frbs/">法人办事</a></li>
  <li><a href="http://www.jszwfw.gov.cn/">网上办事大厅</a></li></ul></div>
<div class="block ztzl"><h2>专题专栏</h2><ul>
  <li><a href="/ztzl/yhyshj/">优化营商环境</a></li>
  <li><a href="/ztzl/xczx/">乡村振兴</a></li></ul></div>"""
        return _layout(SITE_NAME, main)

    def _hub(self) -> str:
        sections = "".join(
            f'<div class="section"><h3><a href="{_title_href(folder)}">{name}</a></h3>'
            f'<a href="{folder}" class="more">更多&gt;&gt;</a></div>'
            for name, folder in CATALOGUE
        )
        main = (
            _crumbs(("政务公开", HUB))
            + '<div class="xxgk"><h2>政府信息公开</h2>'
            + '<div class="gkml"><h3>政府信息公开目录</h3>'
            + sections
            + "</div></div>"
        )
        return _layout(f"政务公开-{SITE_NAME}", main)

    def _list(self, number: int) -> str:
        shown = self.entries[(number - 1) * self.per_page : number * self.per_page]
        items = "".join(
            f'<li><a href="{e.path}" target="_blank" title="{html.escape(e.report.title)}">'
            f"{html.escape(e.report.title)}</a><span>{e.report.published}</span></li>"
            for e in shown
        )
        first, last = COLUMN + "index.html", f"{COLUMN}index_{self.pages}.html"
        before = "javascript:void(0)" if number == 1 else _page_href(number - 1)
        after = "javascript:void(0)" if number == self.pages else _page_href(number + 1)
        pager = (
            f'<div class="pager">共{len(self.entries)}条 {number}/{self.pages}页 '
            f'<a href="{first}">首页</a> <a href="{before}">上一页</a> '
            f'<a href="{after}">下一页</a> <a href="{last}">尾页</a></div>'
        )
        main = (
            _crumbs(("政务公开", HUB), (COLUMN_NAME, COLUMN))
            + _sidebar(COLUMN)
            + f'<div class="list"><h2>{COLUMN_NAME}</h2><ul>{items}</ul>{pager}</div>'
        )
        return _layout(f"{COLUMN_NAME}-{SITE_NAME}", main)

    def _report(self, entry: Entry) -> str:
        r = entry.report
        i = self.entries.index(entry)
        if entry.attached:
            name = f"{r.title}{suffix(entry.attached)}"
            body = (
                "<p>　　现将本年度报告全文发布，详见附件。</p>"
                f'<p>附件：<a href="{entry.file_path}">{html.escape(name)}</a></p>'
            )
        else:
            body = r.body
        turn = []
        if i > 0:
            newer = self.entries[i - 1]
            turn.append(
                f'<p>上一篇：<a href="{newer.path}">{html.escape(newer.report.title)}</a></p>'
            )
        if i + 1 < len(self.entries):
            older = self.entries[i + 1]
            turn.append(
                f'<p>下一篇：<a href="{older.path}">{html.escape(older.report.title)}</a></p>'
            )
        main = (
            _crumbs(("政务公开", HUB), (COLUMN_NAME, COLUMN))
            + f'<div class="article"><h1>{html.escape(r.title)}</h1>'
            + f'<div class="info">发布时间：{r.published}　来源：{r.agency}'
            + '　浏览次数：<span id="hits">0</span>'
            + '　<a href="javascript:void(0)" onclick="window.print()">打印本页</a></div>'
            + f'<div id="zoom" class="content">{body}</div>'
            + f'<div class="turn">{"".join(turn)}</div></div>'
        )
        return _layout(f"{r.title}-{SITE_NAME}", main)

    def _decoy(self) -> str:
        main = (
            _crumbs(("新闻中心", "/xwzx/"), ("通知公告", "/xwzx/tzgg/"))
            + f'<div class="article"><h1>{DECOY_TITLE}</h1>'
            + '<div class="info">发布时间：2024-01-18　来源：县财政局</div>'
            + '<div id="zoom" class="content"><p>　　受县人民政府委托，现将全县2023年财政预算'
            + "执行情况和2024年财政预算草案报告如下……</p></div></div>"
        )
        return _layout(f"{DECOY_TITLE}-{SITE_NAME}", main)

    def _empty_column(self, name: str, folder: str) -> str:
        main = (
            _crumbs(("政务公开", HUB), (name, folder))
            + _sidebar(folder)
            + f'<div class="list"><h2>{name}</h2><ul><li>暂无信息</li></ul></div>'
        )
        return _layout(f"{name}-{SITE_NAME}", main)


def _title_href(folder: str) -> str:
    """The hub links the 年报 column's title to its index.html, its 更多>> to the folder."""
    return folder + "index.html" if folder == COLUMN else folder


def _page_href(number: int) -> str:
    return COLUMN + ("index.html" if number == 1 else f"index_{number}.html")


def sites() -> list[GenericSite]:
    """One hand-made county portal: four reports of both templates, one only as a PDF."""
    return [
        GenericSite(
            "generic",
            ["shuyang-gov-2025", "huaian-city-2024", "jingyuan-shimen-2021", "boai-xiaojing-2020"],
            attached={"huaian-city-2024": "huaian-city-2024.pdf"},
        )
    ]
