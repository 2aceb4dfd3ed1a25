"""The VSB/博达 replica serves what VSB sites serve, and the VSB spider walks it: the pager and the
rows read on their own, the replica over HTTP, and a real crawl of it end to end."""

from __future__ import annotations

import http.client
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from crawler.spiders.vsb import Row, downloads, page_count, page_urls, rows
from replicas.server import Running, serving
from replicas.site import Request
from replicas.vsb import VsbSite, sites
from tests.conftest import FIXTURES, crawl_replicas, load_expected

COLUMN = "/zfxxgk1/zfxxgknb.htm"
HUAIAN = "/info/1050/64208.htm"  # the report with a download.jsp PDF
JINGYUAN = "/info/1050/59991.htm"  # GBK under a header that says UTF-8
SANJIANG = "/info/1050/55774.htm"  # moved: 302 to /info/1051/55774.htm
WITHDRAWN = "/info/1050/48601.htm"  # listed, 404
NOTICE = "/info/1050/50912.htm"  # listed, not a report


@pytest.fixture(scope="module")
def site() -> VsbSite:
    (found,) = sites()
    return found


def served(site: VsbSite, path: str) -> str:
    """A page as the replica publishes it, read in the GBK it is written in."""
    response = site.handle(Request("GET", path))
    assert response.status == 200
    return response.body.decode("gbk")


@pytest.fixture(scope="module")
def vsb(site: VsbSite) -> Iterator[Running]:
    with serving([site]) as (running,):
        yield running


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


# The pager and the rows, read on their own.


def test_pager_gives_the_page_count_on_every_page_of_the_column(site: VsbSite) -> None:
    assert page_count(served(site, COLUMN)) == 3
    assert page_count(served(site, "/zfxxgk1/zfxxgknb/2.htm")) == 3
    assert page_count(served(site, "/zfxxgk1/zfxxgknb/1.htm")) == 3


def test_pager_count_falls_back_to_page_links_then_to_the_next_page_file() -> None:
    real = (
        '<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共52条</span> '
        '<span class="p_pages"><span class="p_first_d p_fun_d">首页</span>'
        '<span class="p_prev_d p_fun_d">上页</span><span class="p_no_d">1</span>'
        '<span class="p_no"><a href="zbgg/10.htm">2</a></span><span class="p_dot">...</span>'
        '<span class="p_no"><a href="zbgg/1.htm">11</a></span>'
        '<span class="p_next p_fun"><a href="zbgg/10.htm">下页</a></span>'
        '<span class="p_last p_fun"><a href="zbgg/1.htm">尾页</a></span></span> '
        '<span class="p_t">1/11</span></div>'
    )
    assert page_count(real) == 11
    without_position = real.replace('<span class="p_t">1/11</span>', "")
    assert page_count(without_position) == 11  # the highest page number linked
    only_next = (
        '<span class="p_pages"><span class="p_next p_fun"><a href="jwtz/139.htm">下页</a></span>'
        '<span class="p_last p_fun"><a href="jwtz/1.htm">尾页</a></span></span>'
    )
    assert page_count(only_next) == 140
    assert page_count("<ul><li>只有一页</li></ul>") is None


def test_older_pages_count_down_from_the_column_file() -> None:
    urls = page_urls("http://rsj.example.gov.cn/zfxxgk1/zfxxgknb.htm", 13)
    assert urls[0] == "http://rsj.example.gov.cn/zfxxgk1/zfxxgknb/12.htm"
    assert urls[-1] == "http://rsj.example.gov.cn/zfxxgk1/zfxxgknb/1.htm"
    assert len(urls) == 12
    assert page_urls("http://h/zfxxgk1/zfxxgknb.htm", 1) == []


def test_rows_climb_out_of_the_column_folder_and_keep_the_whole_title(site: VsbSite) -> None:
    base = "http://127.0.0.1:8606/zfxxgk1/zfxxgknb/1.htm"
    assert rows(served(site, "/zfxxgk1/zfxxgknb/1.htm"), base) == [
        Row(
            "http://127.0.0.1:8606/info/1050/51557.htm",
            "博爱县孝敬镇人民政府2020年政府信息公开工作年度报告",  # the text says …信息公...
            "2021-01-31",
        ),
        Row(
            "http://127.0.0.1:8606/info/1050/48601.htm",
            "（已撤回）2019年政府信息公开工作年度报告",
            "2020-01-20",
        ),
    ]
    first = rows(served(site, COLUMN), "http://127.0.0.1:8606" + COLUMN)
    assert [r.url for r in first] == [
        "http://127.0.0.1:8606" + HUAIAN,
        "http://127.0.0.1:8606" + NOTICE,
    ]


def test_download_jsp_links_named_like_documents_are_attachments(site: VsbSite) -> None:
    page = served(site, HUAIAN)
    assert downloads(page, "http://h" + HUAIAN) == [
        "http://h/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
        "&owner=1409271453&wbfileid=9120431"
    ]
    named_otherwise = '<a href="/system/_content/download.jsp?wbfileid=1">点击下载</a>'
    assert downloads(named_otherwise, "http://h/") == []


# The replica over HTTP.


def test_older_pages_count_down_and_no_page_is_numbered_past_them(vsb: Running) -> None:
    first = fetch(vsb.entry)[2].decode("gbk")
    assert '<span class="p_next p_fun"><a href="zfxxgknb/2.htm">下页</a></span>' in first
    assert '<span class="p_last p_fun"><a href="zfxxgknb/1.htm">尾页</a></span>' in first
    assert '<span class="p_t">共6条</span>' in first and '<span class="p_t">1/3</span>' in first
    second = fetch(vsb.url + "/zfxxgk1/zfxxgknb/2.htm")
    assert second[0] == 200 and '<span class="p_t">2/3</span>' in second[2].decode("gbk")
    assert '<a href="../../info/1050/59991.htm"' in second[2].decode("gbk")
    assert fetch(vsb.url + "/zfxxgk1/zfxxgknb/1.htm")[0] == 200
    assert fetch(vsb.url + "/zfxxgk1/zfxxgknb/3.htm")[0] == 404  # page 1 is the column file
    assert fetch(vsb.url + "/zfxxgk1/zfxxgknb/0.htm")[0] == 404


def test_pages_are_gbk_under_a_header_that_names_no_charset(vsb: Running) -> None:
    status, headers, body = fetch(vsb.entry)
    assert (status, headers["Content-Type"]) == (200, "text/html")
    page = body.decode("gbk")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />' in page
    assert "<!--Announced by Visual SiteBuilder 9-->" in page
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_one_article_in_gbk_has_a_header_that_says_utf8(vsb: Running) -> None:
    status, headers, body = fetch(vsb.url + JINGYUAN)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    page = body.decode("gbk")
    assert "<h1>石门乡2021年政府信息公开工作年度报告</h1>" in page
    assert '<div class="zw" id="vsb_content"><div class="v_news_content">' in page
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_a_moved_article_answers_302_to_its_new_place(vsb: Running) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", vsb.port, timeout=10)
    connection.request("GET", SANJIANG)
    moved = connection.getresponse()
    moved.read()
    connection.close()
    assert (moved.status, moved.headers["Location"]) == (
        302,
        f"{vsb.url}/info/1051/55774.htm",
    )
    status, _, body = fetch(moved.headers["Location"])
    assert status == 200 and "三江乡2020年政府信息公开工作年度报告" in body.decode("gbk")


def test_a_listed_article_that_is_gone_is_404(vsb: Running) -> None:
    assert '<a href="../../info/1050/48601.htm"' in fetch(vsb.url + "/zfxxgk1/zfxxgknb/1.htm")[
        2
    ].decode("gbk")
    status, _, body = fetch(vsb.url + WITHDRAWN)
    assert status == 404 and "404错误提示" in body.decode("gbk")


def test_the_download_jsp_attachment_serves_the_pdf_as_octet_stream(vsb: Running) -> None:
    page = fetch(vsb.url + HUAIAN)[2].decode("gbk")
    (url,) = downloads(page, vsb.url + HUAIAN)
    status, headers, body = fetch(url)
    assert (status, headers["Content-Type"], body[:5]) == (
        200,
        "application/octet-stream",
        b"%PDF-",
    )
    assert headers["Content-Disposition"] == (
        "attachment; filename=%E6%B7%AE%E5%AE%89%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"
        "2024%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C"
        "%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"
    )
    assert fetch(url.replace("9120431", "9120499"))[0] == 404


# A real crawl of the replica, end to end.


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, str]:
    root = tmp_path_factory.mktemp("crawl-vsb")
    output = crawl_replicas(root, "replica-vsb")
    return sqlite3.connect(root / "archive.db"), output


def query(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql)]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.slow
def test_crawl_files_every_report_of_the_column(crawled: tuple) -> None:
    conn, _ = crawled
    assert set(query(conn, "select agency_name, year from reports")) == {
        ("淮安市人民政府", 2024),
        ("靖远县石门乡人民政府", 2021),
        ("三江乡人民政府", 2020),
        ("博爱县孝敬镇人民政府", 2020),
    }


@pytest.mark.slow
def test_crawl_reads_the_gbk_report_under_a_utf8_header_to_its_real_cells(crawled: tuple) -> None:
    conn, _ = crawled
    expected = load_expected(FIXTURES / "seeds" / "expected" / "003_6ec675e0a26dcb8f.json")
    cells = dict(
        query(
            conn,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.agency_name = '靖远县石门乡人民政府'",
        )
    )
    assert cells == expected["cells"]


@pytest.mark.slow
def test_crawl_walks_the_pages_counting_down_and_only_report_rows(crawled: tuple) -> None:
    conn, _ = crawled
    lists = {path_of(u) for (u,) in query(conn, "select url from captures where role = 'list'")}
    assert lists == {COLUMN, "/zfxxgk1/zfxxgknb/2.htm", "/zfxxgk1/zfxxgknb/1.htm"}
    assert query(conn, "select count(*) from captures where url like '%/50912.htm'") == [(0,)]


@pytest.mark.slow
def test_crawl_records_the_302_and_its_target_as_captures_of_their_own(crawled: tuple) -> None:
    conn, _ = crawled
    got = {
        path_of(u): (status, role)
        for u, status, role in query(
            conn, "select url, status, role from captures where url like '%/55774.htm'"
        )
    }
    assert got == {SANJIANG: (302, "page"), "/info/1051/55774.htm": (200, "page")}


@pytest.mark.slow
def test_crawl_records_the_withdrawn_report_as_404_and_goes_on(crawled: tuple) -> None:
    conn, _ = crawled
    dead = {
        (path_of(url), role, error)
        for url, role, error in query(
            conn, "select url, role, error from captures where status = 404"
        )
    }
    # The site has no robots.txt either: recorded, and no reason to stop.
    assert dead == {(WITHDRAWN, "page", "HTTP 404"), ("/robots.txt", "robots", "HTTP 404")}
    assert query(conn, "select count(*) from captures where role = 'page' and status = 200") == [
        (4,)
    ]


@pytest.mark.slow
def test_crawl_captures_the_download_jsp_pdf_as_an_attachment_of_its_page(crawled: tuple) -> None:
    conn, _ = crawled
    (row,) = query(
        conn,
        "select url, status, content_type, referrer from captures where role = 'attachment'",
    )
    url, status, content_type, referrer = row
    assert "/system/_content/download.jsp?urltype=news.DownloadAttachUrl" in url
    assert (status, content_type, path_of(referrer)) == (200, "application/octet-stream", HUAIAN)
