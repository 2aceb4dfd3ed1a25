"""Zhejiang's jpaas gateway: the real column shell's unitbuild script and the real unit answer
read on their own, the spider's walk, the replica serving what the platform serves, and a real
crawl of it end to end."""

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
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.registry import Portal
from crawler.spiders.jpaas import (
    JpaasSpider,
    Row,
    Unit,
    is_document,
    listing,
    pseudo_json,
    unit_html,
    unit_url,
    units,
)
from replicas import site as replica_site
from replicas.jpaas import ARTICLE, DOWNLOAD, SHELL, UNIT, UNIT_JSON, JpaasSite, sites
from replicas.server import Running, serving
from replicas.site import reports
from tests.conftest import FIXTURES, crawl_replicas, load_expected

PAGES = Path(replica_site.__file__).parent / "pages"
BASE = "https://fzggw.zj.gov.cn/col/col1229565788/index.html"
QUERY = {
    "parseType": "bulidstatic",
    "webId": "3185",
    "tplSetId": "o0YcVHHq5vWtr3uiCp4SY",
    "pageType": "column",
    "tagId": "信息列表",
    "editType": "null",
    "pageId": "1229565788",
}


def real(name: str) -> str:
    return (PAGES / name).read_bytes().decode("utf-8")  # CRLF kept


# --- the real pages, read on their own ---


def test_units_reads_the_real_shells_gateway_and_single_quoted_query_data() -> None:
    assert units(real(SHELL)) == [
        Unit("/api-gateway/jpaas-publish-server/front/page/build/unit", QUERY)
    ]


def test_units_is_empty_for_a_page_drawing_no_list_from_the_gateway() -> None:
    assert units(real(ARTICLE)) == []
    assert units('<script src="/x.js" url="/other/api" queryData="{\'a\':\'b\'}"></script>') == []


def test_pseudo_json_reads_the_pagers_spaced_pairs() -> None:
    text = "{'webId':'3185','pageId':'1229565788','tagId': '信息列表', 'tplSetId': 'o0YcV'}"
    assert pseudo_json(text) == {
        "webId": "3185",
        "pageId": "1229565788",
        "tagId": "信息列表",
        "tplSetId": "o0YcV",
    }


def test_listing_reads_the_real_unit_answers_rows_full_titles_and_pager() -> None:
    html = unit_html(real(UNIT_JSON))
    assert html is not None and html.startswith('<ul>  <div id="信息列表">')
    found = listing(html, "https://fzggw.zj.gov.cn" + UNIT + "?pageNo=1")
    assert (found.count, found.per_page, found.page_no, found.pages) == (388, 15, 1, 26)
    assert len(found.rows) == 15
    assert found.rows[0] == Row(
        "省发展改革委关于印发《浙江省固定资产投资项目节能审查和碳排放评价实施办法》的通知",
        "https://fzggw.zj.gov.cn/col/col1229123351/art/2026/art_937add6719f140bdac86d5b97c525d28.html",
        "2026-06-05",
    )
    # The legacy protocol-relative form, on the page's scheme.
    assert found.rows[6] == Row(
        "省发展改革委 省能源局关于印发《浙江省新能源上网电价市场化改革实施方案》及配套细则的通知",
        "https://fzggw.zj.gov.cn/art/2025/11/4/art_1229123351_2578716.html",
        "2025-11-04",
    )
    new = [r for r in found.rows if "/col/col1229123351/art/" in r.url]
    legacy = [r for r in found.rows if re.search(r"/art/\d{4}/\d+/\d+/art_1229123351_\d+", r.url)]
    assert (len(new), len(legacy)) == (6, 9)
    assert not any(r.title.endswith("...") for r in found.rows)  # @title, not the cut text
    assert found.rows[-1].date == "2025-01-27"


def test_unit_html_refuses_what_is_no_successful_envelope() -> None:
    assert unit_html('{"success":false,"message":"参数错误","code":"500","data":null}') is None
    assert unit_html("<html><h1>404 Not Found</h1></html>") is None
    assert unit_html('{"success":true,"data":{"html":5}}') is None


def test_a_page_with_no_dated_rows_lists_nothing() -> None:
    found = listing(real(SHELL), BASE)  # the left nav's links carry no dates
    assert (found.rows, found.count, found.pages) == ([], None, None)


def test_unit_url_passes_the_page_both_ways_beside_the_query_data() -> None:
    url = unit_url(BASE, Unit(UNIT, QUERY), 3, 2)
    parts = urllib.parse.urlsplit(url)
    assert parts.netloc == "fzggw.zj.gov.cn" and parts.path == UNIT
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert query == {
        **QUERY,
        "pageNo": "3",
        "rows": "2",
        "paramJson": '{"pageNo":3,"pageSize":2,"search":""}',
    }


def test_a_gateway_download_is_a_document_by_its_file_name_or_download_attribute() -> None:
    (link,) = re.findall(r'download="([^"]+)" href="([^"]+)"', real(ARTICLE))
    name, href = link
    assert name.endswith(".wps") and is_document(href, name)
    assert is_document(f"{DOWNLOAD}?fileName=a.pdf&fileUrl=eHl6")  # the name not last
    assert is_document(f"{DOWNLOAD}?fileUrl=eHl6", "年报.pdf")
    assert not is_document(f"{DOWNLOAD}?fileUrl=eHl6&fileName=a.html")
    assert not is_document("/col/col1229565788/index.html")


# --- the spider's walk, on responses the replica makes (no HTTP) ---


def spider() -> JpaasSpider:
    portal = Portal(
        "t", "t", "t", "", "", "", "", "", "jpaas", "http://h/col/col1/index.html", "", 0, ""
    )
    return JpaasSpider(portals=[portal])


def answer(site: JpaasSite, url: str) -> TextResponse:
    parts = urllib.parse.urlsplit(url)
    got = site.handle(
        replica_site.Request(
            "GET", parts.path, urllib.parse.parse_qs(parts.query), headers={"host": "h"}
        )
    )
    return TextResponse(url, body=got.body, encoding="utf-8", request=Request(url))


def test_spider_calls_the_unit_of_the_real_shell_for_page_one() -> None:
    url = "http://h/col/col1229565788/index.html"
    (asked,) = spider().parse(HtmlResponse(url, body=real(SHELL).encode(), encoding="utf-8"))
    assert asked.url == unit_url(url, Unit(UNIT, QUERY), 1, 15)
    assert asked.meta["role"] == "list" and asked.cb_kwargs["page_no"] == 1


def test_spider_follows_reports_by_full_title_then_the_next_page_and_stops_at_the_last() -> None:
    (site,) = sites()
    walk, unit = spider(), Unit(UNIT, QUERY)
    asked = []
    for number in (1, 2, 3):
        url = unit_url("http://h/", unit, number, 2)
        asked.append(list(walk.parse_unit(answer(site, url), unit=unit, page_no=number)))
    pages = [[(r.url, r.meta["role"]) for r in page] for page in asked]
    assert pages[0] == [  # 沭阳县人民政府 2025; the notice before it is not followed
        ("http://h/col/col1229123351/art/2026/art_e8b48c7fc6985224e08aa465927b9a31.html", "page"),
        (unit_url("http://h/", unit, 2, 2), "list"),
    ]
    assert [u for u, _ in pages[1]] == [
        "http://h/col/col1229123351/art/2025/art_14e640c70c7bee6a328322641f8fa0dd.html",
        unit_url("http://h/", unit, 3, 2),
    ]
    # The last page: both legacy reports, protocol-relative links made absolute, no page 4.
    assert pages[2] == [
        ("http://h/art/2021/1/31/art_1229123351_3135280.html", "page"),
        ("http://h/art/2021/1/31/art_1229123351_3384379.html", "page"),
    ]


def test_spider_stops_when_a_server_ignoring_page_no_serves_page_one_again() -> None:
    site = JpaasSite("jpaas-deaf", ["sanjiang-2020", "huaian-city-2024"], ignore_page_no=True)
    walk, unit = spider(), Unit(UNIT, QUERY)
    first = list(walk.parse_unit(answer(site, unit_url("http://h/", unit, 1, 15)), unit, 1))
    assert first[-1].cb_kwargs["page_no"] == 2
    again = answer(site, first[-1].url)
    assert listing(unit_html(again.text) or "", again.url).page_no == 1
    assert list(walk.parse_unit(again, unit=unit, page_no=2)) == []


def test_spider_fetches_the_gateway_download_of_a_real_article_as_an_attachment() -> None:
    url = "http://fzggw.zj.gov.cn/col/col1229123351/art/2026/art_937add6719f140bdac86d5b97c525d28.html"
    portal = Portal(
        "t", "t", "t", "", "", "", "", "", "jpaas", "http://fzggw.zj.gov.cn/", "", 0, ""
    )
    walk = JpaasSpider(portals=[portal])
    (asked,) = walk.parse_article(HtmlResponse(url, body=real(ARTICLE).encode(), encoding="utf-8"))
    assert asked.url.startswith(f"http://fzggw.zj.gov.cn{DOWNLOAD}?fileUrl=YW5Uzzlv")
    assert asked.url.endswith("%E6%97%A0%E7%97%95%E8%BF%B9%E7%A8%BF.wps")  # 无痕迹稿.wps
    assert (asked.meta["role"], asked.meta["referrer"]) == ("attachment", url)


# --- the replica, over HTTP ---


@pytest.fixture(scope="module")
def jpaas() -> Iterator[Running]:
    (site,) = sites()
    with serving([site]) as (running,):
        yield running


@pytest.fixture(scope="module")
def deaf() -> Iterator[Running]:
    site = JpaasSite("jpaas-deaf", ["sanjiang-2020", "huaian-city-2024"], ignore_page_no=True)
    with serving([site]) as (running,):
        yield running


def fetch(url: str, form: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    body = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def call(running: Running, **fields: str) -> dict:
    status, content_type, body = fetch(f"{running.url}{UNIT}?{urllib.parse.urlencode(fields)}")
    assert (status, content_type) == (200, "application/json;charset=UTF-8")
    return json.loads(body)


def rows_of(running: Running, answered: dict) -> list[tuple[str, str, str, str]]:
    html = answered["data"]["html"]
    return re.findall(
        r'<li class="clearfix"><a class="bt-left" title="([^"]*)" href="([^"]*)" '
        r'target="_blank">([^<]*)</a><span class="bt-right">([^<]*)</span></li>',
        html,
    )


def test_shell_is_the_real_page_renamed_with_no_list(jpaas: Running) -> None:
    status, _, body = fetch(jpaas.entry)
    text = body.decode("utf-8")
    assert status == 200
    assert text == real(SHELL).replace("行政规范性文件", "政府信息公开年报")
    assert "\r\n" in text and "年度报告" not in text and "/art/" not in text
    assert units(text) == [Unit(UNIT, QUERY)]


def test_unit_answers_the_real_envelope_two_rows_a_page(jpaas: Running) -> None:
    first = call(jpaas, **QUERY, paramJson='{"pageNo":1,"pageSize":15,"search":""}')
    assert list(first) == list(json.loads(real(UNIT_JSON)))
    assert (first["success"], first["message"], first["code"]) == (True, "生成成功", "200")
    assert re.fullmatch(r"[0-9a-f]{32}", first["traceId"]) and first["messageType"] == 2
    html = first["data"]["html"]
    assert 'rows="2" unitid="信息列表" count="6" pageNo="1"' in html
    assert html.endswith('<script src="/cms_files/default/script/ajax/page/pageNew.js"></script>\n')
    assert rows_of(jpaas, first) == [
        (
            "省发展改革委关于印发《浙江省固定资产投资项目节能审查和碳排放评价实施办法》的通知",
            "/col/col1229123351/art/2026/art_937add6719f140bdac86d5b97c525d28.html",
            "省发展改革委关于印发《浙江省...",
            "2026-06-05",
        ),
        (
            "沭阳县人民政府2025年政府信息公开工作年度报告",
            "/col/col1229123351/art/2026/art_e8b48c7fc6985224e08aa465927b9a31.html",
            "沭阳县人民政府2025年政府...",
            "2026-01-23",
        ),
    ]


def test_unit_takes_the_page_either_way_by_get_or_post(jpaas: Running) -> None:
    by_param = rows_of(jpaas, call(jpaas, **QUERY, paramJson='{"pageNo":3,"pageSize":15}'))
    by_fields = rows_of(jpaas, call(jpaas, **QUERY, rows="15", pageNo="3"))
    status, _, body = fetch(jpaas.url + UNIT, {**QUERY, "rows": "15", "pageNo": "3"})
    assert status == 200
    assert by_param == by_fields == rows_of(jpaas, json.loads(body))
    host = urllib.parse.urlsplit(jpaas.url).netloc
    assert by_param == [
        (
            "金寨县花石乡2020年政府信息公开工作年度报告",
            f"//{host}/art/2021/1/31/art_1229123351_3135280.html",  # legacy, protocol-relative
            "金寨县花石乡2020年政府信...",
            "2021-01-31",
        ),
        (
            "三江乡2020年政府信息公开工作年度报告",
            f"//{host}/art/2021/1/31/art_1229123351_3384379.html",
            "三江乡2020年政府信息公开...",
            "2021-01-31",
        ),
    ]


def test_unit_past_the_end_lists_nothing_and_refuses_another_column(jpaas: Running) -> None:
    past = call(jpaas, **QUERY, pageNo="4")
    assert rows_of(jpaas, past) == [] and 'count="6" pageNo="4"' in past["data"]["html"]
    refused = call(jpaas, **{**QUERY, "pageId": "1599544"}, pageNo="1")
    assert (refused["success"], refused["data"]) == (False, None)


def test_a_server_ignoring_page_no_answers_page_one_for_every_page(deaf: Running) -> None:
    first = rows_of(deaf, call(deaf, **QUERY, pageNo="1"))
    assert len(first) == 2
    assert rows_of(deaf, call(deaf, **QUERY, pageNo="2")) == first
    assert rows_of(deaf, call(deaf, **QUERY, paramJson='{"pageNo":3}')) == first


def test_article_carries_the_metas_metadata_table_and_the_reports_body(jpaas: Running) -> None:
    host = urllib.parse.urlsplit(jpaas.url).netloc
    status, _, body = fetch(f"http://{host}/art/2021/1/31/art_1229123351_3384379.html")
    text = body.decode("utf-8")
    assert status == 200
    metas = dict(re.findall(r'<meta name="(\w+)" content="([^"]*)">', text))
    assert metas["ColId"] == "1229123351"
    assert metas["ArticleTitle"] == "三江乡2020年政府信息公开工作年度报告"
    assert metas["PubDate"] == "2021-01-31 09:00"
    assert metas["ContentSource"] == "三江乡人民政府"
    assert metas["Url"] == "/art/2021/1/31/art_1229123351_3384379.html"
    assert "<td>三江乡人民政府</td>" in text and "<td>2021-01-31</td>" in text
    assert re.search(r'<table border="0" width="90%" class="xxgktab">', text)
    zoom = text.split('<div class="main-txt" id="zoom">', 1)[1].lstrip()
    assert zoom.startswith(reports()["sanjiang-2020"].body)


def test_a_notice_is_the_real_article_byte_for_byte(jpaas: Running) -> None:
    status, _, body = fetch(
        jpaas.url + "/col/col1229123351/art/2026/art_937add6719f140bdac86d5b97c525d28.html"
    )
    assert (status, body) == (200, (PAGES / ARTICLE).read_bytes())


def test_a_report_published_as_a_gateway_download_serves_the_real_pdf(jpaas: Running) -> None:
    status, _, body = fetch(
        jpaas.url + "/col/col1229123351/art/2025/art_14e640c70c7bee6a328322641f8fa0dd.html"
    )
    text = body.decode("utf-8")
    (name, href) = re.findall(r'download="([^"]+)" href="([^"]+)"', text)[0]
    assert name == "淮安市人民政府2024年政府信息公开工作年度报告.pdf"
    assert href.startswith(DOWNLOAD + "?fileUrl=") and "&fileName=" in href
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)["fileName"] == [name]
    status, content_type, pdf = fetch(jpaas.url + href)
    assert (status, content_type) == (200, "application/octet-stream")
    assert pdf == replica_site.data("attachments", "huaian-city-2024.pdf")
    assert fetch(jpaas.url + DOWNLOAD + "?fileUrl=bm9wZQ%3D%3D&fileName=x.pdf")[0] == 404


# --- a real crawl of the replica, end to end ---


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    root = tmp_path_factory.mktemp("jpaas")
    crawl_replicas(root, "replica-jpaas")
    return sqlite3.connect(root / "archive.db")


def local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.slow
def test_crawl_files_exactly_the_columns_reports(crawled: sqlite3.Connection) -> None:
    filed = crawled.execute(
        "select distinct r.agency_name, r.year, c.role from captures c"
        " join reports r on r.id = c.extracted"
    ).fetchall()
    assert sorted(filed) == [
        ("三江乡人民政府", 2020, "page"),
        ("沭阳县人民政府", 2025, "page"),
        ("淮安市人民政府", 2024, "attachment"),  # the gateway's PDF, read from its text layer
        ("金寨县花石乡人民政府", 2020, "page"),
    ]


@pytest.mark.slow
def test_crawled_report_has_the_real_reports_cells(crawled: sqlite3.Connection) -> None:
    cells = dict(
        crawled.execute(
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.agency_name = '三江乡人民政府'"
        ).fetchall()
    )
    expected = load_expected(FIXTURES / "seeds" / "expected" / "004_c7d460d051a2fe28.json")
    assert cells == expected["cells"]


@pytest.mark.slow
def test_crawl_fetches_report_pages_only_and_the_gateway_pdf(crawled: sqlite3.Connection) -> None:
    pages = crawled.execute("select url, status from captures where role = 'page'").fetchall()
    assert sorted((local(u), s) for u, s in pages) == [
        ("/art/2021/1/31/art_1229123351_3135280.html", 200),
        ("/art/2021/1/31/art_1229123351_3384379.html", 200),
        ("/col/col1229123351/art/2025/art_14e640c70c7bee6a328322641f8fa0dd.html", 200),
        ("/col/col1229123351/art/2026/art_e8b48c7fc6985224e08aa465927b9a31.html", 200),
    ]  # no notice: 937add… and art_1229123351_2545060 are listed, never fetched
    ((url, status, referrer),) = crawled.execute(
        "select url, status, referrer from captures where role = 'attachment'"
    ).fetchall()
    assert local(url).startswith(DOWNLOAD + "?fileUrl=") and status == 200
    assert (
        local(referrer) == "/col/col1229123351/art/2025/art_14e640c70c7bee6a328322641f8fa0dd.html"
    )


@pytest.mark.slow
def test_crawl_records_the_shell_and_each_unit_page_once(crawled: sqlite3.Connection) -> None:
    listed = crawled.execute("select url, status from captures where role = 'list'").fetchall()
    found = sorted(
        (
            urllib.parse.urlsplit(u).path,
            dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(u).query)).get("pageNo"),
            s,
        )
        for u, s in listed
    )
    assert found == [
        (UNIT, "1", 200),
        (UNIT, "2", 200),
        (UNIT, "3", 200),
        ("/col/col1229565788/index.html", None, 200),
    ]
    assert (
        crawled.execute("select url from captures group by url having count(*) > 1").fetchall()
        == []
    )
