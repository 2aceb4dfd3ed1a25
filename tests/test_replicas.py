"""The replica portals serve what the real platforms serve, quirks included."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import scrapy

from crawler.spiders.trs import pages
from replicas.server import Running, serving
from replicas.site import Request
from replicas.trs import TrsSite


@pytest.fixture(scope="module")
def trs() -> Iterator[Running]:
    site = TrsSite(
        "trs",
        ["shucheng-2020", "jinzhai-huashi-2020", "huaian-city-2024"],
        attached={"huaian-city-2024": "huaian-city-2024.pdf"},
    )
    with serving([site]) as (running,):
        yield running


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def test_trs_pager_is_read_in_both_of_its_signatures() -> None:
    assert pages('createPageHTML(20, 0, "index", "html");') == (20, "index", "html")
    assert pages('createPageHTML(191, 13, 0, "index", "html");') == (13, "index", "html")
    assert pages("<p>no pager</p>") is None


def test_trs_column_is_the_real_page_with_reports_listed_and_its_pager(trs: Running) -> None:
    status, _, body = fetch(trs.entry)
    page = body.decode("utf-8")
    assert status == 200
    assert 'createPageHTML(2, 0, "index", "html")' in page
    assert 'title="舒城县人民政府2020年政府信息公开工作年度报告"' in page
    assert '<meta name="SiteIDCode" content="bm04000007">' in page  # the real page around them
    assert fetch(trs.url + "/xxgk/gknb/index_1.html")[0] == 200
    assert fetch(trs.url + "/xxgk/gknb/index_2.html")[0] == 404


def test_trs_article_in_gbk_says_it_is_utf8(trs: Running) -> None:
    listed = fetch(trs.entry)[2].decode("utf-8")
    href = listed.split('<li><a href="./')[3].split('"')[0]  # the second report
    status, content_type, body = fetch(trs.url + "/xxgk/gknb/" + href)
    assert status == 200 and content_type == "text/html; charset=utf-8"
    assert '<meta charset="UTF-8">' in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_trs_robots_disallows_a_folder_the_list_links_into(trs: Running) -> None:
    robots = fetch(trs.url + "/robots.txt")[2].decode()
    assert "Disallow: /xxgk/gknb/draft/" in robots
    assert "./draft/202101/" in fetch(trs.entry)[2].decode("utf-8")


def test_trs_attachment_is_served_as_stored_and_a_missing_one_is_404(trs: Running) -> None:
    listed = fetch(trs.entry)[2].decode("utf-8")
    article = trs.url + "/xxgk/gknb/" + listed.split('<li><a href="./', 2)[1].split('"')[0]
    page = fetch(article)[2].decode("utf-8")
    pdf = page.split('<a href="./', 1)[1].split('"')[0]
    status, content_type, body = fetch(article.rsplit("/", 1)[0] + "/" + pdf)
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")
    assert fetch(trs.url + "/xxgk/gknb/202101/P0202101312.ofd")[0] == 404


def test_registry_rows_are_whole_and_name_replicas_that_exist() -> None:
    from crawler import registry
    from replicas.portals import sites

    rows = registry.portals()
    assert len({p.id for p in rows}) == len(rows)
    assert all(p.entry_url.startswith(("http://", "https://")) and p.platform for p in rows)
    assert {p.replica for p in rows if p.replica} <= {s.id for s in sites()}
    assert all(p.delay >= 1 for p in rows if not p.replica)  # real portals: polite
    with pytest.raises(KeyError, match="no portal nope"):
        registry.find(["nope"])


def test_trs_spider_asks_for_every_list_page_and_the_columns_own_articles_only() -> None:
    from scrapy.http import HtmlResponse

    from crawler import registry
    from crawler.spiders.trs import TrsSpider

    site = TrsSite("trs", ["shucheng-2020", "jinzhai-huashi-2020", "huaian-city-2024"])
    (row,) = [p for p in registry.replicas() if p.replica == "trs"]
    spider = TrsSpider(portals=[registry.at_port(row, 8601)])
    url = "http://127.0.0.1:8601/xxgk/gknb/"
    response = HtmlResponse(url, body=site.handle(Request("GET", "/xxgk/gknb/")).body)
    asked = [(r.meta["role"], r.url.removeprefix(url)) for r in spider.parse(response)]
    assert asked == [
        ("list", "index_1.html"),
        ("page", "202501/t20250131_1400000.html"),
        ("page", "draft/202101/t20210101_1.html"),  # robots.txt will refuse it, recorded
        ("page", "202101/t20210131_1400017.html"),
        ("page", "202101/t20210131_1400034.html"),
        ("page", "202101/t20210130_1399999.html"),
    ]


def test_trs_spider_renders_a_list_whose_script_pages_it_then_its_later_pages_only() -> None:
    from scrapy.http import HtmlResponse

    from crawler import registry
    from crawler.spiders.trs import TrsSpider

    site = TrsSite(
        "trs-dynamic", ["shucheng-2020", "jinzhai-huashi-2020"], "/xxgk/ndbg/", 2, dynamic=True
    )
    (row,) = [p for p in registry.replicas() if p.replica == "trs-dynamic"]
    spider = TrsSpider(portals=[registry.at_port(row, 8610)])
    url = "http://127.0.0.1:8610/xxgk/ndbg/"
    body = site.handle(Request("GET", "/xxgk/ndbg/")).body
    static = HtmlResponse(url, body=body, request=scrapy.Request(url))
    asked = [(r.meta["role"], r.url.removeprefix(url), r.dont_filter) for r in spider.parse(static)]
    assert asked[0] == ("rendered", "", True)  # the same page again, in a browser
    assert [a[:2] for a in asked[1:]] == [
        ("page", "202101/t20210131_1400000.html"),
        ("page", "draft/202101/t20210101_1.html"),
    ]
    # As the browser shows it once the script has drawn the pager (links to ?page=1..3).
    drawn = static.text.replace(
        '<div class="page">',
        '<div class="page"><a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>',
    )
    rendered = HtmlResponse(
        url,
        body=drawn.encode(),
        encoding="utf-8",
        request=scrapy.Request(url, meta={"playwright": True}),
    )
    later = [(r.meta["role"], r.url.removeprefix(url)) for r in spider.parse(rendered)]
    assert [a for a in later if a[0] == "rendered"] == [
        ("rendered", "?page=2"),
        ("rendered", "?page=3"),
    ]


def test_trs_search_service_answers_only_the_pages_script() -> None:
    site = TrsSite(
        "trs-dynamic", ["shucheng-2020", "jinzhai-huashi-2020"], "/xxgk/ndbg/", 2, dynamic=True
    )
    unsigned = site.handle(Request("GET", "/search/column", {"page": ["2"]}))
    signed = site.handle(Request("GET", "/search/column", {"page": ["2"], "sign": ["dHJzLTI="]}))
    assert unsigned.status == 412 and signed.status == 200
    assert site.handle(Request("GET", "/xxgk/ndbg/index_1.html")).status == 404  # no static page 2
