"""The generic spider finds a portal's annual-report column from its home page alone; the
hand-made replica portal serves the layout and the traps of such sites."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler import registry
from crawler.spiders.generic import (
    COLUMN_SCORE,
    GenericSpider,
    candidates,
    canonical,
    columns,
    hubs,
    in_column,
    pager_links,
    report_links,
)
from replicas.generic import DECOY, DECOY_TITLE, GenericSite, sites
from replicas.server import Running, serving
from tests.conftest import FIXTURES, crawl_replicas, load_expected, rows

BASE = "http://www.sfx.gov.cn/"


def page(*anchors: str) -> str:
    return "<html><body>" + "".join(anchors) + "</body></html>"


# Column discovery, a pure function of a page and its URL.


def test_the_column_outranks_a_decoy_annual_report_link_to_a_news_article() -> None:
    html = page(
        f'<a href="{DECOY}">年度报告</a>',
        '<a href="/zwgk/xxgknb/">政府信息公开年报</a>',
        '<a href="/zwgk/fgwj/">法规文件</a>',
    )
    ranked = candidates(html, BASE)
    assert [(c.url, c.text) for c in ranked] == [
        ("http://www.sfx.gov.cn/zwgk/xxgknb/", "政府信息公开年报"),
        ("http://www.sfx.gov.cn" + DECOY, "年度报告"),
    ]
    assert ranked[0].score > ranked[1].score and ranked[1].score < COLUMN_SCORE
    assert [c.url for c in columns(html, BASE)] == ["http://www.sfx.gov.cn/zwgk/xxgknb/"]


@pytest.mark.parametrize(
    "href",
    ["/zwgk/ndbg/", "/xxgk/gknb/index.html", "/zfxxgk1/zfxxgknb.htm", "/nianbao/", "/zw/ndbb/"],
)
def test_a_url_alone_names_the_column(href: str) -> None:
    (found,) = columns(page(f'<a href="{href}">更多&gt;&gt;</a>'), BASE)
    assert found.url == "http://www.sfx.gov.cn" + href and found.text == "更多>>"


@pytest.mark.parametrize(
    "text", ["政府信息公开年报", "政府信息公开工作年度报告", "信息公开年报", "年度报告", "年报"]
)
def test_the_links_text_alone_names_the_column(text: str) -> None:
    (found,) = columns(page(f'<a href="/col/col31251/index.html">{text}</a>'), BASE)
    assert found.url == "http://www.sfx.gov.cn/col/col31251/index.html"


def test_other_reports_single_articles_and_other_hosts_are_not_the_column() -> None:
    html = page(
        '<a href="/zwgk/czxx/">部门决算报告</a>',  # another kind of annual report
        '<a href="/zwgk/tjxx/">统计年报</a>',
        '<a href="/zwgk/xxgknb/202501/t20250131_8804.html">2024年政府信息公开工作年度报告</a>',
        '<a href="/zwgk/xxgknb/P020250131.pdf">年报</a>',  # a document, not a list
        '<a href="http://www.gov.cn/zhengce/xxgk/gknb.htm">中国政府网政府信息公开年报</a>',
        '<a href="javascript:void(0)">政府信息公开年报</a>',
        '<a href="mailto:nb@sfx.gov.cn">年报</a>',
    )
    assert columns(html, BASE) == []


def test_hubs_are_found_by_name_or_folder_and_each_page_once() -> None:
    html = page(
        '<a href="/zwgk/">政务公开</a>',
        '<a href="/zwgk/index.html"><img src="b.jpg" alt="政府信息公开"></a>',
        '<a href="/xxgk/index.shtml">更多</a>',
        '<a href="/gkml/">政府信息公开目录</a>',
        '<a href="/zwgk/xxgkzn/">政府信息公开指南</a>',
        '<a href="/zwgk/fgwj/">法规文件</a>',
        '<a href="/xwzx/202401/t20240102_1.html">关于做好政务公开工作的通知</a>',
        '<a href="http://www.gov.cn/xxgk/">信息公开</a>',
    )
    assert hubs(html, BASE) == [
        "http://www.sfx.gov.cn/zwgk/",
        "http://www.sfx.gov.cn/xxgk/index.shtml",
        "http://www.sfx.gov.cn/gkml/",
    ]


# Report links and the column's pager.


def test_report_links_are_titles_that_name_a_report_and_a_year() -> None:
    html = page(
        '<a href="/zwgk/xxgknb/">政府信息公开年报</a>',  # the sidebar's link to the column
        '<a href="/content/2026-01/23/content_8841.html" title="示范县人民政府2025年政府信息公开'
        '工作年度报告">示范县人民政府2025年政府...</a>',
        '<a href="/uploads/2024nb.pdf">示范县2024年度政府信息公开工作年度报告</a>',
        '<a href="/content/2024-01/18/content_5521.html">2023年度部门预算报告</a>',
        '<a href="/content/2024-01/10/content_5502.html">关于开展满意度调查的通知</a>',
        '<a href="http://www.gov.cn/2024/nb.htm">国务院办公厅2023年政府信息公开工作年度报告</a>',
    )
    assert report_links(html, BASE) == [
        "http://www.sfx.gov.cn/content/2026-01/23/content_8841.html",
        "http://www.sfx.gov.cn/uploads/2024nb.pdf",
    ]


def test_the_pager_is_followed_inside_the_column_only() -> None:
    column = "http://www.sfx.gov.cn/zwgk/xxgknb/index.html"
    html = page(
        '<a href="index.html">首页</a><a href="javascript:void(0)">上一页</a>',
        '<a href="index_2.html">下一页</a><a href="index_3.html">3</a>',
        '<a href="index_9.html">尾页</a>',
        '<a href="/xwzx/index_2.html">下一页</a>',  # another list's pager, in the site's frame
        '<a href="/content/2026-01/23/content_8841.html">下一篇</a>',
    )
    assert pager_links(html, column, column) == [
        "http://www.sfx.gov.cn/zwgk/xxgknb/index_2.html",
        "http://www.sfx.gov.cn/zwgk/xxgknb/index_3.html",
        "http://www.sfx.gov.cn/zwgk/xxgknb/index_9.html",
    ]


def test_a_scripts_pager_keeps_its_column_parameters() -> None:
    column = "http://www.sfx.gov.cn/list.php?cid=5"
    html = page(
        '<a href="list.php?cid=5&amp;page=2">&gt;</a>',
        '<a href="list.php?cid=6&amp;page=2">2</a>',  # another column's page
        '<a href="show.php?cid=5&amp;id=8841">下一页</a>',
    )
    assert pager_links(html, column, column) == ["http://www.sfx.gov.cn/list.php?cid=5&page=2"]


def test_a_trs_pager_drawn_by_script_is_read_too() -> None:
    column = "http://www.sfx.gov.cn/xxgk/gknb/"
    html = '<script>createPageHTML(3, 0, "index", "html");</script>'
    assert pager_links(html, column, column) == [
        "http://www.sfx.gov.cn/xxgk/gknb/index_1.html",
        "http://www.sfx.gov.cn/xxgk/gknb/index_2.html",
    ]


def test_one_page_linked_two_ways_has_one_name() -> None:
    assert canonical("http://h/zwgk/index.html#top") == canonical("http://h/zwgk/")
    assert canonical("http://h/") == canonical("http://h/index.htm") == "http://h/"
    assert canonical("http://h/list.php?cid=5") != canonical("http://h/list.php?cid=6")
    assert canonical("http://h/zwgk/myindex.html") == "http://h/zwgk/myindex.html"
    assert in_column("http://h/zwgk/xxgknb/index_2.html", "http://h/zwgk/xxgknb/")
    assert not in_column("http://h/zwgk/index_2.html", "http://h/zwgk/xxgknb/index.html")


# The spider's decisions, on responses made here (no network).


def spider(**settings: int) -> GenericSpider:
    (portal,) = registry.find(["replica-generic"])
    crawler = get_crawler(GenericSpider, {f"NIANBAO_GENERIC_{k}": v for k, v in settings.items()})
    return GenericSpider.from_crawler(crawler, portals=[portal])


def respond(url: str, html: str, **meta: object) -> HtmlResponse:
    request = Request(url, meta=meta)
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=request)


def test_list_pages_are_capped_per_column_by_a_setting() -> None:
    s = spider(MAX_LIST_PAGES=2)
    home, column = "http://127.0.0.1:8607/", "http://127.0.0.1:8607/zwgk/xxgknb/"
    asked = [
        r.url for r in s.parse(respond(home, page(f'<a href="{column}">信息公开年报</a>'), level=0))
    ]
    for n in (1, 2):
        html = page(f'<a href="index_{n + 1}.html">下一页</a>')
        url = column if n == 1 else f"{column}index_{n}.html"
        asked += [r.url for r in s.parse_list(respond(url, html, column=column, level=1))]
    assert asked == [column, f"{column}index_2.html"]


def test_a_list_page_gives_report_pages_documents_and_its_next_page_with_their_roles() -> None:
    s = spider()
    column = "http://127.0.0.1:8607/zwgk/xxgknb/"
    html = page(
        '<a href="/content/2026-01/23/content_8841.html">2025年政府信息公开工作年度报告</a>',
        '<a href="/uploads/2024nb.pdf">2024年政府信息公开工作年度报告</a>',
        '<a href="index_2.html">下一页</a>',
    )
    asked = [
        (r.url, r.meta["role"]) for r in s.parse_list(respond(column, html, column=column, level=2))
    ]
    assert asked == [
        ("http://127.0.0.1:8607/content/2026-01/23/content_8841.html", "page"),
        ("http://127.0.0.1:8607/uploads/2024nb.pdf", "attachment"),
        ("http://127.0.0.1:8607/zwgk/xxgknb/index_2.html", "list"),
    ]


def test_a_sure_column_on_the_home_page_spares_the_hubs() -> None:
    home = "http://127.0.0.1:8607/"
    html = page('<a href="/zwgk/">政务公开</a>', '<a href="/zwgk/ndbg/">政府信息公开年度报告</a>')
    asked = [(r.url, r.callback.__name__) for r in spider().parse(respond(home, html, level=0))]
    assert asked == [("http://127.0.0.1:8607/zwgk/ndbg/", "parse_list")]


def test_hubs_are_followed_no_deeper_than_the_setting() -> None:
    hub = "http://127.0.0.1:8607/zwgk/"
    html = page('<a href="/xxgk/">信息公开</a>')
    assert [r.url for r in spider().parse(respond(hub, html, level=1))] == [
        "http://127.0.0.1:8607/xxgk/"
    ]
    assert list(spider(HUB_DEPTH=1).parse(respond(hub, html, level=1))) == []


# The replica, over HTTP.


@pytest.fixture(scope="module")
def portal() -> Iterator[Running]:
    (site,) = sites()
    with serving([site]) as (running,):
        yield running


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def text(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


def test_the_home_page_has_the_decoy_and_the_traps_but_not_the_column(portal: Running) -> None:
    home = text(portal.url + "/")
    assert f'<a href="{DECOY}">年度报告</a>' in home
    assert 'href="javascript:void(0)"' in home and 'href="mailto:' in home
    assert 'href="http://www.gov.cn/zhengce/xxgk/gknb.htm"' in home
    assert "/zwgk/xxgknb/" not in home
    assert f"<h1>{DECOY_TITLE}</h1>" in text(portal.url + DECOY)
    assert columns(home, portal.url + "/") == []
    assert hubs(home, portal.url + "/") == [portal.url + "/zwgk/"]


def test_discovery_walks_from_the_home_page_through_the_hub_to_the_reports(
    portal: Running,
) -> None:
    """What the spider does, done by hand with the pure functions over HTTP."""
    (hub,) = hubs(text(portal.url + "/"), portal.url + "/")
    best = columns(text(hub), hub)[0]
    assert (best.url, best.text) == (portal.url + "/zwgk/xxgknb/index.html", "政府信息公开年报")
    first = text(best.url)
    (after,) = pager_links(first, best.url, best.url)
    assert after == portal.url + "/zwgk/xxgknb/index_2.html"
    assert pager_links(text(after), after, best.url) == []  # 下一页 is javascript:void(0)
    found = report_links(first, best.url) + report_links(text(after), after)
    titles = [text(url).split("<h1>")[1].split("</h1>")[0] for url in found]
    assert titles == [
        "沭阳县人民政府2025年政府信息公开工作年度报告",
        "淮安市人民政府2024年政府信息公开工作年度报告",
        "石门乡2021年政府信息公开工作年度报告",
        "博爱县孝敬镇人民政府2020年政府信息公开工作年度报告",
    ]


def test_the_pdf_only_report_links_its_pdf_as_an_attachment(portal: Running) -> None:
    (site,) = sites()
    entry = next(e for e in site.entries if e.attached)
    html = text(portal.url + entry.path)
    assert f'<p>附件：<a href="{entry.file_path}">淮安市人民政府2024年' in html
    assert "<table" not in html
    status, content_type, body = fetch(portal.url + entry.file_path)
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")


def test_the_column_has_two_pages_and_no_third_and_no_robots_txt(portal: Running) -> None:
    assert fetch(portal.url + "/zwgk/xxgknb/")[0] == 200
    assert fetch(portal.url + "/zwgk/xxgknb/index_2.html")[0] == 200
    assert fetch(portal.url + "/zwgk/xxgknb/index_3.html")[0] == 404
    assert fetch(portal.url + "/robots.txt")[0] == 404


def test_the_registry_knows_only_the_home_page() -> None:
    (row,) = registry.find(["replica-generic"])
    assert (row.platform, row.entry_url, row.replica) == (
        "generic",
        "http://127.0.0.1:8607/",
        "generic",
    )
    assert GenericSite("g", ["shucheng-2020"]).entry == "/"


# A real crawl, end to end.


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    root = tmp_path_factory.mktemp("generic")
    crawl_replicas(root, "replica-generic")
    conn = sqlite3.connect(root / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


@pytest.mark.slow
def test_the_crawl_from_the_home_page_files_every_readable_report(
    crawled: sqlite3.Connection,
) -> None:
    filed = rows(crawled, "select agency_name, year from reports order by agency_name")
    html = [
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县人民政府", 2025),
        ("靖远县石门乡人民政府", 2021),
    ]
    # The PDF-only report is filed too once the extractor reads PDFs (extract/readers/pdf.py).
    assert filed in (html, sorted([*html, ("淮安市人民政府", 2024)]))
    pages = rows(crawled, "select count(*) from captures where role = 'page' and status = 200")
    assert pages == [(4,)]


@pytest.mark.slow
def test_the_pdf_only_report_is_captured_and_its_outcome_recorded(
    crawled: sqlite3.Connection,
) -> None:
    (row,) = rows(
        crawled,
        "select p.url, p.extracted, a.url, a.status, a.extracted, a.extract_error"
        " from captures a join captures p on p.url = a.referrer where a.role = 'attachment'",
    )
    page, page_extracted, pdf, status, extracted, error = row
    assert page.endswith("/content/2025-01/31/content_8804.html")
    assert pdf.endswith("/uploads/202501/P088041031.pdf") and status == 200
    if extracted == "failed":  # no PDF reader: the reason is recorded, the bytes kept
        assert error.startswith("unreadable") and page_extracted == "failed"
    else:  # the PDF is read: the report is filed, and the page points to its attachment
        assert extracted.startswith("320800-淮安市人民政府-2024-") and error is None
        assert page_extracted == "attachment"
    filed = rows(crawled, "select count(*) from reports where agency_name = '淮安市人民政府'")
    assert filed == [(0 if extracted == "failed" else 1,)]


@pytest.mark.slow
def test_a_crawled_report_has_the_real_reports_cells(crawled: sqlite3.Connection) -> None:
    expected = load_expected(FIXTURES / "seeds" / "expected" / "003_6ec675e0a26dcb8f.json")
    cells = dict(
        rows(
            crawled,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.agency_name = '靖远县石门乡人民政府'",
        )
    )
    assert cells == expected["cells"]


@pytest.mark.slow
def test_the_crawl_walks_home_hub_and_column_once_and_skips_the_decoy(
    crawled: sqlite3.Connection,
) -> None:
    lists = sorted(
        url.split("/", 3)[3]
        for (url,) in rows(crawled, "select url from captures where role = 'list'")
    )
    assert lists == ["", "zwgk/", "zwgk/xxgknb/index.html", "zwgk/xxgknb/index_2.html"]
    assert rows(crawled, "select count(*) from captures where url like '%t20240118_5521%'") == [
        (0,)
    ]


@pytest.mark.slow
def test_the_crawl_never_leaves_the_site(crawled: sqlite3.Connection) -> None:
    assert rows(crawled, "select url from captures where url not like 'http://127.0.0.1:%'") == []
    hosts = {url.split("/")[2] for (url,) in rows(crawled, "select url from captures")}
    assert len(hosts) == 1
    assert (
        rows(crawled, "select url, count(*) from captures group by url having count(*) > 1") == []
    )
