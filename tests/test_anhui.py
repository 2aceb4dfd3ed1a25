"""Anhui's LonSun disclosure platform: the column shell and the label fragments are read by pure
functions; the replica serves the list only through `/site/label/8888`, with the platform's
quirks; a real crawl of it files the reports and records the retried 500."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from crawler.spiders.anhui import Item, Shell, label_url, listed, shell
from replicas.anhui import AnhuiSite, sites
from replicas.server import Running, serving
from tests.conftest import FIXTURES, crawl_replicas, load_expected, rows

SLUGS = ["shuyang-gov-2025", "jingyuan-shimen-2021", "shucheng-2020", "jinzhai-huashi-2020"]
ENTRY = "https://www.ahhuoshan.gov.cn/public/column/6596221?type=4&action=list&nav=3&catId=7065111"

# A catalogue column (type=4) as the shapes public crawlers of the platform record it.
CATALOGUE_SHELL = """<html><head><meta charset="utf-8">
<meta name="SiteId" content="6786551"><title>政策文件</title></head><body>
<script type="text/javascript">var yxCatId = "7065111";</script>
<div id="xxgk_lmcon"></div>
<script>
  var param = {labelName: "publicInfoList", siteId: "6786551", pageSize: 15, organId: organId,
    type: publicType, file: "/c3/hs/publicInfoList_newest"};
  Ls.pagination("#page", load, {pageCount:12, current:1});
</script></body></html>"""

FRAGMENT = """<ul class="clearfix xxgk_nav_list">
<li class="clearfix"><a href="/public/6596221/36546541.html" target="_blank"
 title="霍山县人民政府2021年政府信息公开工作年度报告">霍山县人民政府2021年政府信息公开工作年…</a>
<span class="date">2022-01-29</span></li>
<li class="clearfix"><a href="https://www.ah.gov.cn/public/1681/553978921.html" target="_blank"
 title="安徽省人民政府办公厅2020年政府信息公开工作年度报告">安徽省人民政府办公厅2020年政府信息公开工…</a>
<span class="date">2021-02-05</span></li>
</ul>"""


def test_the_catalogue_shell_gives_every_parameter_of_the_label() -> None:
    assert shell(CATALOGUE_SHELL, ENTRY) == Shell(
        organ_id="6596221",
        site_id="6786551",
        type="4",
        cat_id="7065111",
        page_count=12,
        page_size=15,
        file="/c3/hs/publicInfoList_newest",
    )


def test_the_annual_report_shell_is_type_3_of_its_organ_with_its_own_template() -> None:
    html = sites()[0]._shell().body.decode("utf-8")
    found = shell(html, "http://127.0.0.1:8605/public/column/6608121?type=3&action=list")
    assert found == Shell("6608121", "6797101", "3", "", 3, 2, "/xxgk/publicInfoList_newest2022")


def test_a_page_that_is_no_lonsun_column_gives_no_shell() -> None:
    assert shell("<html><body><ul><li>首页</li></ul></body></html>", ENTRY) is None


def test_the_label_url_carries_the_shells_parameters_and_the_page() -> None:
    s = Shell("6596221", "6786551", "4", "7065111", 12, 15, "/c3/hs/publicInfoList_newest")
    assert label_url(ENTRY, s, 2) == (
        "https://www.ahhuoshan.gov.cn/site/label/8888?IsAjax=1&dataType=html&_=0.5"
        "&labelName=publicInfoList&siteId=6786551&pageSize=15&pageIndex=2&action=list"
        "&isDate=true&dateFormat=yyyy-MM-dd&length=50&organId=6596221&type=4&catId=7065111"
        "&cId=&result=%E6%9A%82%E6%97%A0%E7%9B%B8%E5%85%B3%E4%BF%A1%E6%81%AF"
        "&file=%2Fc3%2Fhs%2FpublicInfoList_newest"
    )


def test_a_fragment_gives_full_titles_and_dates_of_its_links() -> None:
    assert listed(FRAGMENT) == [
        Item(
            "/public/6596221/36546541.html",
            "霍山县人民政府2021年政府信息公开工作年度报告",
            "2022-01-29",
        ),
        Item(
            "https://www.ah.gov.cn/public/1681/553978921.html",
            "安徽省人民政府办公厅2020年政府信息公开工作年度报告",
            "2021-02-05",
        ),
    ]


def test_the_result_text_past_the_end_lists_nothing() -> None:
    assert listed("暂无相关信息") == []
    assert listed("") == []


@pytest.fixture
def anhui() -> Iterator[Running]:
    """A fresh site each test: the 500 is answered once per request the site has seen."""
    with serving([AnhuiSite("anhui", SLUGS)]) as (running,):
        yield running


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def label(running: Running, page: int) -> tuple[int, str]:
    found = shell(fetch(running.entry)[2].decode("utf-8"), running.entry)
    assert found is not None
    status, _, body = fetch(label_url(running.entry, found, page))
    return status, body.decode("utf-8")


def test_the_column_page_is_a_shell_without_the_list(anhui: Running) -> None:
    status, content_type, body = fetch(anhui.entry)
    page = body.decode("utf-8")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert '<meta name="SiteId" content="6797101">' in page
    assert 'var yxCatId = "";' in page and "pageCount:3," in page
    assert 'file: "/xxgk/publicInfoList_newest2022"' in page
    assert "年度报告" not in page and "/public/6608121/" not in page


def test_the_label_answers_a_fragment_per_page(anhui: Running) -> None:
    status, first = label(anhui, 1)
    assert status == 200 and first.startswith('<ul class="clearfix xxgk_nav_list">')
    assert [(urllib.parse.urlsplit(i.href).path, i.title, i.date) for i in listed(first)] == [
        (
            "/public/6608121/550113241.html",
            "沭阳县人民政府2025年政府信息公开工作年度报告",
            "2026-01-23",
        ),
        ("/public/6608121/550113251.html", "石门乡2021年政府信息公开工作年度报告", "2022-01-31"),
    ]
    assert f'href="{anhui.url}/public/6608121/550113241.html"' in first  # written absolute
    assert ">沭阳县人民政府2025年政府信息公开工作…</a>" in first  # the text is cut short
    status, last = label(anhui, 3)
    assert status == 200
    assert [i.title for i in listed(last)] == ["金寨县花石乡2020年政府信息公开工作年度报告"]


def test_the_label_answers_a_post_of_the_same_parameters_alike(anhui: Running) -> None:
    found = shell(fetch(anhui.entry)[2].decode("utf-8"), anhui.entry)
    assert found is not None
    url = label_url(anhui.entry, found, 3)
    base, query = url.split("?", 1)
    posted = urllib.request.Request(
        base,
        data=query.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    with urllib.request.urlopen(posted, timeout=10) as r:
        assert r.read() == fetch(url)[2]


def test_past_the_last_page_the_label_answers_its_result_text(anhui: Running) -> None:
    assert label(anhui, 4) == (200, "暂无相关信息")


def test_the_label_lists_nothing_for_another_template_or_organ(anhui: Running) -> None:
    s = Shell("6608121", "6797101", "3", "", 3, 2, "/c3/hs/publicInfoList_newest")
    assert fetch(label_url(anhui.entry, s, 1))[2].decode("utf-8") == "暂无相关信息"
    s = Shell("6608131", "6797101", "3", "", 3, 2, "/xxgk/publicInfoList_newest2022")
    assert fetch(label_url(anhui.entry, s, 1))[2].decode("utf-8") == "暂无相关信息"


def test_a_list_page_answers_500_on_its_first_try_and_its_fragment_after(anhui: Running) -> None:
    assert label(anhui, 2)[0] == 500
    status, fragment = label(anhui, 2)
    assert status == 200
    assert [(i.href, i.date) for i in listed(fragment)] == [
        ("https://www.ah.gov.cn/public/1681/553978921.html", "2021-02-05"),  # another site
        ("/public/6608121/550113261.html", "2021-01-31"),
    ]


def test_an_article_in_gbk_says_it_is_utf8(anhui: Running) -> None:
    status, content_type, body = fetch(anhui.url + "/public/6608121/550113271.html")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    page = body.decode("gbk")
    assert '<meta charset="utf-8">' in page
    assert '<meta name="ArticleTitle" content="金寨县花石乡2020年政府信息公开工作年度报告">' in page
    assert "<th>发布机构：</th><td>金寨县花石乡人民政府</td>" in page
    assert '<div class="wzcon j-fontContent clearfix">' in page
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_attachments_are_a_word_html_download_and_a_gone_fastdfs_file(anhui: Running) -> None:
    page = fetch(anhui.url + "/public/6608121/550113251.html")[2].decode("utf-8")
    assert "详见附件" in page
    href = page.split('<a href="/download/', 1)[1].split('"')[0]
    status, content_type, body = fetch(f"{anhui.url}/download/{href}")
    assert (status, content_type) == (200, "application/octet-stream")
    assert b'charset=gb2312">' in body and b"<meta name=ProgId content=Word.Document>" in body
    assert "石门乡2021年政府信息公开工作年度报告".encode("gbk") in body
    page = fetch(anhui.url + "/public/6608121/550113261.html")[2].decode("utf-8")
    gone = page.split('<a href="/group1/', 1)[1].split('"')[0]
    assert fetch(f"{anhui.url}/group1/{gone}")[0] == 404


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    root = tmp_path_factory.mktemp("crawl-anhui")
    crawl_replicas(root, "replica-anhui")
    conn = sqlite3.connect(root / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


@pytest.mark.slow
def test_the_crawl_files_every_report_the_column_lists(crawled: sqlite3.Connection) -> None:
    assert rows(crawled, "select agency_name, year from reports order by agency_name, year") == [
        ("沭阳县人民政府", 2025),
        ("舒城县人民政府", 2020),
        ("金寨县花石乡人民政府", 2020),
        ("靖远县石门乡人民政府", 2021),
    ]


@pytest.mark.slow
def test_a_report_from_the_retried_page_has_the_real_reports_cells(
    crawled: sqlite3.Connection,
) -> None:
    expected = load_expected(FIXTURES / "seeds" / "expected" / "002_6aecb46b9b52e8b6.json")
    cells = dict(
        rows(
            crawled,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.agency_name = '舒城县人民政府'",
        )
    )
    assert cells == expected["cells"]


@pytest.mark.slow
def test_the_report_given_as_a_word_download_has_its_cells(crawled: sqlite3.Connection) -> None:
    expected = load_expected(FIXTURES / "seeds" / "expected" / "003_6ec675e0a26dcb8f.json")
    ((role, url),) = rows(
        crawled,
        "select c.role, c.url from reports r join captures c on c.id = r.capture"
        " where r.agency_name = '靖远县石门乡人民政府'",
    )
    assert role == "attachment" and "/download/" in url
    cells = dict(
        rows(
            crawled,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.agency_name = '靖远县石门乡人民政府'",
        )
    )
    assert cells == expected["cells"]


@pytest.mark.slow
def test_the_retried_500_and_its_success_are_both_captured(crawled: sqlite3.Connection) -> None:
    tries = rows(
        crawled,
        "select role, status, error from captures where url like '%/site/label/8888%'"
        " and url like '%pageIndex=2&%' order by fetched_at, status desc",
    )
    assert tries == [("list", 500, "HTTP 500"), ("list", 200, None)]
    pages = rows(crawled, "select url from captures where url like '%/site/label/8888%'")
    assert sorted(u.split("pageIndex=")[1].split("&")[0] for (u,) in pages) == ["1", "2", "2", "3"]


@pytest.mark.slow
def test_the_gbk_page_is_filed_with_its_title(crawled: sqlite3.Connection) -> None:
    assert rows(
        crawled,
        "select r.agency_name, r.title from reports r join captures c on c.id = r.capture"
        " where c.url like '%/public/6608121/550113271.html'",
    ) == [("金寨县花石乡人民政府", "金寨县花石乡2020年政府信息公开工作年度报告")]


@pytest.mark.slow
def test_nothing_off_site_is_fetched_and_the_gone_attachment_is_recorded(
    crawled: sqlite3.Connection,
) -> None:
    assert rows(crawled, "select url from captures where url not like 'http://127.0.0.1:%'") == []
    assert rows(crawled, "select role, status from captures where url like '%/group1/%'") == [
        ("attachment", 404)
    ]


def test_the_registry_row_names_this_replica_and_its_column() -> None:
    from crawler import registry
    from crawler.run import spiders

    (portal,) = registry.find(["replica-anhui"])
    assert (portal.platform, portal.replica, portal.delay) == ("anhui", "anhui", 0)
    assert portal.entry_url == "http://127.0.0.1:8605" + AnhuiSite("anhui", SLUGS).entry
    assert spiders()["anhui"].__name__ == "AnhuiSpider"
