"""Guangdong's gkmlpt: the shell's `_CONFIG` and the list API's JSON read on their own, the
replica serving what the platform serves, and a real crawl of it end to end."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import Request, TextResponse

from crawler.registry import Portal
from crawler.spiders.gkmlpt import GkmlptSpider, Listed, api_url, config, leaves, listing
from replicas.gkmlpt import ANNUAL, SID, UNITS, GkmlptSite, sites
from replicas.server import Running, serving
from replicas.site import reports
from tests.conftest import FIXTURES, crawl_replicas, load_expected, rows

SHELL = """<!DOCTYPE html><html><head><script>
    window._CONFIG = {
        SID: '755041',
        APP_URL: 'http://www.szpsq.gov.cn/psjjhkjcjj',
        TREE: [{"id":1,"name":"\\u653f\\u5e9c\\u4fe1\\u606f\\u516c\\u5f00","jump_url":"",
                "children":[{"id":2,"name":"\\u653f\\u5e9c\\u4fe1\\u606f\\u516c\\u5f00\\u6307\\u5357"},
                            {"id":3,"name":"\\u653f\\u5e9c\\u4fe1\\u606f\\u516c\\u5f00\\u5e74\\u62a5"}]},
               {"id":4,"name":"\\u5e74\\u62a5\\u4e13\\u680f","jump_url":"http:\\/\\/www.gov.cn\\/"},
               {"id":5,"name":"\\u5e74\\u5ea6\\u5de5\\u4f5c\\u62a5\\u544a"},
               {"id":6,"name":"\\u6cd5\\u6cbb\\u653f\\u5e9c\\u5efa\\u8bbe\\u5e74\\u5ea6\\u62a5\\u544a",
                "children":[]}],
        SERVICE_AREA_ID: 440300
    };
</script></head><body><div id="app"></div></body></html>"""
# 政府信息公开 › (政府信息公开指南, 政府信息公开年报), 年报专栏 (a jump), 年度工作报告,
# 法治政府建设年度报告 (a leaf with an empty children list).

# The shape a real Yangjiang list call answered (a public crawler's test fixture).
YANGJIANG = """{
  "total": 145,
  "articles": [
    {
      "id": 963149,
      "title": "2026年5月份阳江市工程造价信息",
      "url": "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/content/0/963/post_963149.html",
      "created_at": "2026-06-18 16:25:04",
      "create_time": 1781771108
    }
  ]
}"""


# --- the shell's _CONFIG and the API's JSON, read on their own ---


def test_config_reads_the_quoted_sid_and_the_tree_leaves_named_annual_report() -> None:
    found = config(SHELL, "http://www.szpsq.gov.cn/psjjhkjcjj/gkmlpt/index")
    assert found is not None
    assert found.sid == "755041"
    # 政府信息公开年报 and 法治政府建设年度报告 are leaves named so; 年报专栏 only jumps away,
    # 年度工作报告 is no 年报, the parent 政府信息公开 lists nothing itself.
    assert found.categories == (3, 6)


def test_config_takes_the_category_the_entry_urls_fragment_names() -> None:
    found = config(SHELL, "http://whly.gd.gov.cn/gkmlpt/annualreport#2629")
    assert found is not None and (found.sid, found.categories) == ("755041", (2629,))


def test_config_is_none_for_a_page_that_is_no_gkmlpt_shell() -> None:
    assert config("<html><body><ul><li>list</li></ul></body></html>") is None
    assert config("<script>window._CONFIG = { TREE: [] };</script>") is None  # no SID


def test_config_with_a_broken_tree_finds_no_category() -> None:
    broken = "<script>window._CONFIG = { SID: '2', TREE: [{\"id\":1,, SERVICE_AREA_ID: 1 };"
    found = config(broken)
    assert found is not None and found.categories == ()


def test_tree_leaves_skip_jumps_and_descend_into_children() -> None:
    tree = [
        {"id": 10, "name": "a", "children": [{"id": 11, "name": "b"}, {"id": 12, "name": "c"}]},
        {"id": 13, "name": "d", "jump_url": "http://elsewhere/"},
        {"id": 14, "name": "e", "children": []},
    ]
    assert list(leaves(tree)) == [(11, "b"), (12, "c"), (14, "e")]


def test_api_url_keeps_the_folder_a_gkmlpt_app_sits_in() -> None:
    assert (
        api_url("http://whly.gd.gov.cn/gkmlpt/annualreport", 2629, 1, "175")
        == "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=175"
    )
    assert (
        api_url("https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/index", 21023, 2, "758019")
        == "https://www.zhaoqing.gov.cn/zqhjj/gkmlpt/api/all/21023?page=2&sid=758019"
    )


def test_listing_reads_a_real_api_pages_articles() -> None:
    base = "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/api/all/721?page=1&sid=662021"
    assert listing(YANGJIANG, base) == [
        Listed(
            "963149",
            "2026年5月份阳江市工程造价信息",
            "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/content/0/963/post_963149.html",
            (),
        )
    ]


def test_listing_takes_post_url_when_url_is_missing_and_resolves_attachments() -> None:
    page = json.dumps(
        {
            "articles": [
                {
                    "id": 5,
                    "title": "t",
                    "post_url": "/gkmlpt/content/0/0/post_5.html",
                    "attachment": [
                        {"id": 9, "name": "t.pdf", "url": "/attachment/0/0/9/5.pdf"},
                        {"id": 10, "name": "no url"},
                    ],
                },
                {"id": 6, "title": "no link at all"},
            ]
        }
    )
    assert listing(page, "http://h/gkmlpt/api/all/1?page=1&sid=2") == [
        Listed(
            "5",
            "t",
            "http://h/gkmlpt/content/0/0/post_5.html",
            ("http://h/attachment/0/0/9/5.pdf",),
        )
    ]


def test_listing_tells_an_empty_page_from_an_answer_that_is_not_the_api() -> None:
    assert listing('{"classify":{"post_count":4},"articles":[],"total":4}', "http://h/") == []
    assert listing("<html><h1>404 Not Found</h1></html>", "http://h/") is None
    assert listing('{"articles": "nope"}', "http://h/") is None


# --- the spider's walk, on responses built here ---


def spider() -> GkmlptSpider:
    portal = Portal("t", "t", "t", "", "", "", "", "", "gkmlpt", "http://h/gkmlpt/index", "", 0, "")
    return GkmlptSpider(portals=[portal])


def api_page(url: str, articles: list[dict]) -> TextResponse:
    body = json.dumps({"articles": articles, "total": 9}).encode()
    return TextResponse(url, body=body, encoding="utf-8", request=Request(url))


ARTICLE = {
    "id": 1,
    "title": "a",
    "url": "http://h/gkmlpt/content/0/0/post_1.html",
    "attachment": [{"id": 7, "name": "a.pdf", "url": "http://h/attachment/0/0/7/1.pdf"}],
}


def test_spider_fetches_articles_their_attachments_and_then_the_next_page() -> None:
    walk = spider()
    url = "http://h/gkmlpt/api/all/3?page=1&sid=9"
    asked = list(walk.parse_list(api_page(url, [ARTICLE]), category=3, page=1, sid="9"))
    assert [(r.url, r.meta["role"], r.meta.get("referrer")) for r in asked] == [
        ("http://h/gkmlpt/content/0/0/post_1.html", "page", None),
        (
            "http://h/attachment/0/0/7/1.pdf",
            "attachment",
            "http://h/gkmlpt/content/0/0/post_1.html",
        ),
        ("http://h/gkmlpt/api/all/3?page=2&sid=9", "list", None),
    ]


def test_spider_stops_at_an_empty_page_and_at_a_page_it_has_seen() -> None:
    walk = spider()
    url = "http://h/gkmlpt/api/all/3?page=2&sid=9"
    assert list(walk.parse_list(api_page(url, []), category=3, page=2, sid="9")) == []
    list(walk.parse_list(api_page(url, [ARTICLE]), category=3, page=2, sid="9"))
    again = url.replace("page=2", "page=3")  # a server that ignores `page`
    assert list(walk.parse_list(api_page(again, [ARTICLE]), category=3, page=3, sid="9")) == []


# --- the replica, over HTTP ---


@pytest.fixture(scope="module")
def gkmlpt() -> Iterator[Running]:
    (site,) = sites()
    with serving([site]) as (running,):
        yield running


@pytest.fixture(scope="module")
def ending_empty() -> Iterator[Running]:
    site = GkmlptSite("gkmlpt-empty", ["sanjiang-2020", "boai-xiaojing-2020"], past_end="empty")
    with serving([site]) as (running,):
        yield running


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def api(running: Running, category: int, page: int | None, sid: str | None = SID) -> str:
    query = {k: v for k, v in (("page", page), ("sid", sid)) if v is not None}
    return f"{running.url}/gkmlpt/api/all/{category}?{urllib.parse.urlencode(query)}"


def articles(running: Running, category: int, page: int) -> list[dict]:
    status, content_type, body = fetch(api(running, category, page))
    assert (status, content_type) == (200, "application/json")
    return json.loads(body)["articles"]


def test_shell_carries_config_and_no_list(gkmlpt: Running) -> None:
    for path in ("/gkmlpt/index", "/gkmlpt/annualreport"):
        status, _, body = fetch(gkmlpt.url + path)
        text = body.decode("utf-8")
        assert status == 200
        assert "window._CONFIG = {" in text and "SID: '175'," in text
        assert re.search(r"TREE: \[.*\],\s*SERVICE_AREA_ID: 440000", text)
        assert "post_" not in text and "年度报告" not in text  # the list is not in the HTML
        assert "<!--" not in text  # the template's provenance note is not served
    found = config(fetch(gkmlpt.entry)[2].decode("utf-8"), gkmlpt.entry)
    assert found is not None and (found.sid, found.categories) == (SID, (ANNUAL, UNITS))


def test_api_pages_hold_two_articles_newest_first(gkmlpt: Running) -> None:
    body = fetch(api(gkmlpt, ANNUAL, 1))[2]
    first = json.loads(body)
    assert first["classify"]["post_count"] == first["total"] == 4
    assert first["classify"]["name"] == "政府信息公开年报"
    titles = [a["title"] for a in first["articles"]]
    titles += [a["title"] for a in articles(gkmlpt, ANNUAL, 2)]
    assert titles == [
        "淮安市人民政府2024年政府信息公开工作年度报告",
        "石门乡2021年政府信息公开工作年度报告",
        "博爱县孝敬镇人民政府2020年政府信息公开工作年度报告",
        "三江乡2020年政府信息公开工作年度报告",
    ]
    article = first["articles"][0]
    assert (
        article["url"]
        == article["post_url"]
        == gkmlpt.url + "/gkmlpt/content/3/3582/post_3582279.html"
    )
    assert article["created_at"] == "2025-01-31 09:30:00" and article["create_time"] == 1738287000
    assert article["publisher"] == "淮安市人民政府"
    assert article["attachment"] == [
        {
            "id": 88389,
            "name": "淮安市人民政府2024年政府信息公开工作年度报告.pdf",
            "type": "pdf",
            "mime": "application/pdf",
            "size": 412842,
            "url": gkmlpt.url + "/attachment/0/88/88389/3582279.pdf",
        }
    ]
    assert b"\\u6dee\\u5b89" in body and b"http:\\/\\/" in body  # as PHP's json_encode writes


def test_page_zero_is_page_one(gkmlpt: Running) -> None:
    assert fetch(api(gkmlpt, ANNUAL, 0))[2] == fetch(api(gkmlpt, ANNUAL, 1))[2]
    assert fetch(api(gkmlpt, ANNUAL, None))[2] == fetch(api(gkmlpt, ANNUAL, 1))[2]


def test_past_the_last_page_is_404_or_on_other_sites_an_empty_list(
    gkmlpt: Running, ending_empty: Running
) -> None:
    assert fetch(api(gkmlpt, ANNUAL, 3))[0] == 404
    assert fetch(api(gkmlpt, UNITS, 2))[0] == 404
    assert len(articles(ending_empty, ANNUAL, 1)) == 2
    assert articles(ending_empty, ANNUAL, 2) == []


def test_api_refuses_a_call_without_the_sites_sid(gkmlpt: Running) -> None:
    assert fetch(api(gkmlpt, ANNUAL, 1, sid=None))[0] == 403
    assert fetch(api(gkmlpt, ANNUAL, 1, sid="2"))[0] == 403
    assert fetch(api(gkmlpt, 9999, 1))[0] == 404  # no such category


def test_one_article_is_listed_in_two_categories(gkmlpt: Running) -> None:
    (unit,) = articles(gkmlpt, UNITS, 1)
    assert unit["title"] == "博爱县孝敬镇人民政府2020年政府信息公开工作年度报告"
    assert unit["id"] in [a["id"] for a in articles(gkmlpt, ANNUAL, 2)]
    assert articles(gkmlpt, 2626, 1) == []  # a category with no reports in this replica


def test_detail_page_carries_the_metadata_table_the_body_and_the_escaped_detail(
    gkmlpt: Running,
) -> None:
    article = articles(gkmlpt, ANNUAL, 1)[1]
    status, _, body = fetch(article["url"])
    text = body.decode("utf-8")
    assert status == 200
    labels = re.findall(r'<td class="first">(\S+?)：</td>', text)
    assert labels == [
        "索引号",
        "分类",
        "发布机构",
        "成文日期",
        "名称",
        "文号",
        "发布日期",
        "主题词",
    ]
    assert '<td class="second">靖远县石门乡人民政府</td>' in text
    detail = re.search(r"DETAIL:\s*(\{.*?\})\s*,\s*TREE:", text)
    assert detail and "\\u003Cp class=MsoNormal" in detail[1] and "<" not in detail[1]
    content = json.loads(detail[1])["content"]
    visible = text.split('<div class="article-content">', 1)[1]
    assert content.startswith(reports()["jingyuan-shimen-2021"].body)  # its tables and all
    assert visible.startswith(content)
    assert '<a class="nfw-cms-attachment" href="/attachment/0/88/88390/3451208.docx"' in content


def test_attachments_one_served_and_one_gone(gkmlpt: Running) -> None:
    pdf, docx = (articles(gkmlpt, ANNUAL, 1)[i]["attachment"][0]["url"] for i in (0, 1))
    status, content_type, body = fetch(pdf)
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")
    assert fetch(docx)[0] == 404


# --- a real crawl of the replica, end to end ---


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    root = tmp_path_factory.mktemp("gkmlpt")
    crawl_replicas(root, "replica-gkmlpt")
    conn = sqlite3.connect(root / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.slow
def test_crawl_files_every_report_the_api_lists(crawled: sqlite3.Connection) -> None:
    filed = rows(crawled, "select distinct agency_name, year from reports")
    assert sorted(filed) == [
        ("三江乡人民政府", 2020),
        ("博爱县孝敬镇人民政府", 2020),
        ("淮安市人民政府", 2024),
        ("靖远县石门乡人民政府", 2021),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("博爱县孝敬镇人民政府", FIXTURES / "seeds" / "expected" / "001_72224a9d5305aabc.json"),
        ("靖远县石门乡人民政府", FIXTURES / "seeds" / "expected" / "003_6ec675e0a26dcb8f.json"),
        ("三江乡人民政府", FIXTURES / "seeds" / "expected" / "004_c7d460d051a2fe28.json"),
        ("淮安市人民政府", FIXTURES / "reports" / "expected" / "huaian-city-2024.json"),
    ],
    ids=["boai-xiaojing-2020", "jingyuan-shimen-2021", "sanjiang-2020", "huaian-city-2024"],
)
def test_crawled_report_has_the_real_reports_cells(
    crawled: sqlite3.Connection, agency: str, expected: Path
) -> None:
    cells = dict(
        rows(
            crawled,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            f" where r.agency_name = '{agency}'",
        )
    )
    assert cells == load_expected(expected)["cells"]


@pytest.mark.slow
def test_crawl_records_the_shell_and_every_api_page_it_walked(crawled: sqlite3.Connection) -> None:
    listed = {
        (local(url), status)
        for url, status in rows(crawled, "select url, status from captures where role = 'list'")
    }
    assert listed == {
        ("/gkmlpt/annualreport", 200),
        ("/gkmlpt/api/all/2629?page=1&sid=175", 200),
        ("/gkmlpt/api/all/2629?page=2&sid=175", 200),
        ("/gkmlpt/api/all/2629?page=3&sid=175", 404),  # the end
        ("/gkmlpt/api/all/2631?page=1&sid=175", 200),
        ("/gkmlpt/api/all/2631?page=2&sid=175", 404),
    }  # never page 0 (page 1 again), never a call the server refuses


@pytest.mark.slow
def test_crawl_fetches_nothing_twice(crawled: sqlite3.Connection) -> None:
    assert (
        rows(crawled, "select url, count(*) from captures group by url having count(*) > 1") == []
    )
    pages = rows(crawled, "select url from captures where role = 'page' and status = 200")
    assert sorted(local(u) for (u,) in pages) == [
        "/gkmlpt/content/3/3189/post_3189066.html",
        "/gkmlpt/content/3/3320/post_3320137.html",  # listed in both categories, fetched once
        "/gkmlpt/content/3/3451/post_3451208.html",
        "/gkmlpt/content/3/3582/post_3582279.html",
    ]


@pytest.mark.slow
def test_crawl_records_the_attachments_the_json_lists_the_gone_one_as_404(
    crawled: sqlite3.Connection,
) -> None:
    fetched = {
        (local(url), status, error, local(referrer))
        for url, status, error, referrer in rows(
            crawled, "select url, status, error, referrer from captures where role = 'attachment'"
        )
    }
    assert fetched == {
        (
            "/attachment/0/88/88389/3582279.pdf",
            200,
            None,
            "/gkmlpt/content/3/3582/post_3582279.html",
        ),
        (
            "/attachment/0/88/88390/3451208.docx",
            404,
            "HTTP 404",
            "/gkmlpt/content/3/3451/post_3451208.html",
        ),
        (
            "/attachment/0/88/88392/3189066.docx",
            200,
            None,
            "/gkmlpt/content/3/3189/post_3189066.html",
        ),
    }
