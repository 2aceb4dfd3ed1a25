"""Hanweb JCMS (jpage): the column page's datastores and the data proxy read as the real pages
write them, the replica serving what the Jiangsu portal serves, and a real crawl of it."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.spiders.hanweb import Record, records, total, units
from replicas.hanweb import HanwebSite, sites
from replicas.server import Running, serving
from replicas.site import page
from tests.conftest import FIXTURES, crawl_replicas, load_expected, rows

REAL_COLUMN = "jiangsu_fzggw_col284_index.html"
PROXY = "/module/web/jpage/dataproxy.jsp"
FORM = {
    "col": "1",
    "appid": "1",
    "webid": "3",
    "path": "/",
    "columnid": "284",
    "sourceContentType": "1",
    "unitid": "423656",
    "webname": "江苏省发展和改革委员会",
    "permissiontype": "0",
}
# The replica's column, newest first: reports among real notices of the Jiangsu column.
COLUMN = [
    ("江苏省成品油价格调整公告（2026年第16号）", "/art/2026/8/28/art_284_11821965.html"),
    ("沭阳县人民政府2025年政府信息公开工作年度报告", "/art/2026/1/23/art_284_11722107.html"),
    (
        "江苏省战略与发展研究中心关于征集政府投资项目评审咨询专家的通知",
        "/art/2025/12/30/art_284_11703952.html",
    ),
    ("2025年江苏省粮食节约和反食品浪费工作情况通报", "/art/2025/12/24/art_284_11699035.html"),
    (
        "江苏省发展改革委关于开展2025-2026年新能源增量项目机制电价竞价工作等有关事项的通知",
        "/art/2025/11/11/art_284_11672928.html",
    ),
    ("淮安市人民政府2024年政府信息公开工作年度报告", "/art/2025/1/31/art_284_11245381.html"),
    ("沭阳县发展和改革局2023年政府信息公开年度报告", "/art/2024/1/17/art_284_10703398.html"),
    ("博爱县孝敬镇人民政府2020年政府信息公开工作年度报告", "/art/2021/1/31/art_284_9664520.html"),
]
NOTICE_IDS = ["11821965", "11703952", "11699035", "11672928"]


# -- the pure functions, on the real saved page ------------------------------------------------


def test_both_datastores_of_the_real_column_page_are_read_with_their_jpage_settings() -> None:
    pc, mobile = units(page(REAL_COLUMN))
    assert (pc.unitid, mobile.unitid) == ("423656", "427101")
    for unit in (pc, mobile):
        assert (unit.total, unit.per_page, unit.group_size) == (138, 10, 3)
        assert unit.proxy == PROXY
        assert len(unit.records) == 30
    assert pc.records == mobile.records
    assert pc.form == FORM
    assert mobile.form == {**FORM, "unitid": "427101"}


def test_the_init_calls_total_is_read_not_the_decoy_in_function_jpage() -> None:
    text = page(REAL_COLUMN)
    assert "totalRecord:1000" in text.split("$(function(){$('#423656')")[0]  # the decoy first
    assert units(text)[0].total == 138


def test_datastore_records_give_title_url_and_date() -> None:
    found = units(page(REAL_COLUMN))[0].records
    assert found[0] == Record(
        "江苏省成品油价格调整公告（2026年第16号）",
        "/art/2026/8/28/art_284_11821965.html",
        "2026-08-28",
    )
    assert found[6] == Record(
        "江苏省战略与发展研究中心关于公布2026年统一公开招聘专业测试成绩的公告",
        "/art/2026/6/6/art_284_11781718.html",
        "2026-06-06",
    )
    assert found[-1].url == "/art/2025/10/27/art_284_11663287.html"


def test_groups_after_the_embedded_one_are_asked_for_up_to_the_total() -> None:
    pc = units(page(REAL_COLUMN))[0]
    assert pc.groups() == [(31, 60), (61, 90), (91, 120), (121, 138)]


def test_a_proxy_answer_is_read_the_same_way_with_its_totalrecord() -> None:
    text = page(REAL_COLUMN)
    cdata = text[text.index("<record>") : text.index("</recordset>")]
    answer = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<nextgroup><![CDATA[<a href="'
        f'{PROXY}?page=1"></a>]]></nextgroup>\n<recordset>\n{cdata}</recordset>\n'
        "<totalrecord>138</totalrecord>\n<totalpage>14</totalpage>\n</datastore>\n"
    )
    assert records(answer) == units(text)[0].records
    assert total(answer) == 138
    assert total("<datastore></datastore>") is None
    assert records("<datastore></datastore>") == []


# -- the replica, over HTTP --------------------------------------------------------------------


@pytest.fixture(scope="module")
def hanweb() -> Iterator[Running]:
    (site,) = sites()
    with serving([site]) as (running,):
        yield running


def fetch(url: str, form: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(url, data, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def proxy(running: Running, start: int, end: int, **form: str) -> str:
    status, content_type, body = fetch(
        f"{running.url}{PROXY}?startrecord={start}&endrecord={end}&perpage=2", {**FORM, **form}
    )
    assert (status, content_type) == (200, "text/xml;charset=UTF-8")
    return body.decode("utf-8")


def test_column_page_is_the_real_page_with_two_datastores_of_the_first_group(
    hanweb: Running,
) -> None:
    status, _, body = fetch(hanweb.entry)
    text = body.decode("utf-8")
    assert status == 200
    assert '<meta name="SiteDomain" content="fzggw.jiangsu.gov.cn">' in text
    pc, mobile = units(text)
    assert (
        [(r.title, r.url) for r in pc.records]
        == COLUMN[:2]
        == [(r.title, r.url) for r in mobile.records]
    )
    assert (pc.total, pc.per_page, pc.group_size) == (8, 2, 1)
    assert text.count("totalRecord:1000") == 2  # the decoys stay
    assert "webname=%25E6%25B1%259F%25E8%258B%258F" in text  # double-encoded, as served


def test_later_groups_come_by_post_with_the_columns_fields(hanweb: Running) -> None:
    for start in (3, 5, 7):
        answer = proxy(hanweb, start, start + 1)
        assert [(r.title, r.url) for r in records(answer)] == COLUMN[start - 1 : start + 1]
        assert total(answer) == 8
    assert [r.title for r in records(proxy(hanweb, 7, 60))] == [t for t, _ in COLUMN[6:]]
    assert records(proxy(hanweb, 9, 10)) == []
    assert records(proxy(hanweb, 3, 4, unitid="427101")) == records(proxy(hanweb, 3, 4))


def test_the_proxy_without_the_columns_fields_answers_an_empty_datastore(
    hanweb: Running,
) -> None:
    status, _, body = fetch(f"{hanweb.url}{PROXY}?startrecord=3&endrecord=4&perpage=2", {})
    assert status == 200 and records(body.decode()) == [] and total(body.decode()) is None
    assert records(proxy(hanweb, 3, 4, columnid="285")) == []


def test_a_get_with_the_fields_in_the_query_is_answered_too(hanweb: Running) -> None:
    query = urllib.parse.urlencode({"startrecord": 5, "endrecord": 6, "perpage": 2, **FORM})
    status, _, body = fetch(f"{hanweb.url}{PROXY}?{query}")
    assert status == 200
    assert [(r.title, r.url) for r in records(body.decode("utf-8"))] == COLUMN[4:6]


def test_the_older_proxy_paths_are_gone(hanweb: Running) -> None:
    for path in ("/module/jpage/dataproxy.jsp", "/module/jslib/jquery/jpage/dataproxy.jsp"):
        assert fetch(f"{hanweb.url}{path}?startrecord=3&endrecord=4&perpage=2", FORM)[0] == 404


def test_articles_are_static_with_month_and_day_not_zero_padded(hanweb: Running) -> None:
    status, _, body = fetch(hanweb.url + "/art/2026/1/23/art_284_11722107.html")
    text = body.decode("utf-8")
    assert status == 200
    assert (
        '<meta name="ArticleTitle" content="沭阳县人民政府2025年政府信息公开工作年度报告">' in text
    )
    assert '<meta name="PubDate" content="2026-01-23 16:28">' in text
    assert '<meta name="ContentSource" content="沭阳县人民政府">' in text
    assert '<meta name="ContentStart"><div class="TRS_Editor">' in text
    assert "i_columnid=284&i_articleid=11722107" in text  # the visit counter
    assert fetch(hanweb.url + "/art/2026/01/23/art_284_11722107.html")[0] == 404


def test_one_report_is_gbk_with_no_charset_anywhere(hanweb: Running) -> None:
    status, content_type, body = fetch(hanweb.url + "/art/2025/1/31/art_284_11245381.html")
    assert (status, content_type) == (200, "text/html")
    assert b"charset" not in body.lower()
    assert "淮安市人民政府2024年政府信息公开工作年度报告" in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_one_reports_docx_attachment_is_gone(hanweb: Running) -> None:
    text = fetch(hanweb.url + "/art/2024/1/17/art_284_10703398.html")[2].decode("utf-8")
    href = text.split('<p>附件：<a href="', 1)[1].split('"')[0]
    assert href == "/attach/-1/2401170917314520386.docx"
    assert fetch(hanweb.url + href)[0] == 404


def test_per_page_and_group_size_set_what_the_page_embeds() -> None:
    site = HanwebSite("h", {"shuyang-gov-2025": 1}, per_page=2, group_size=2)
    with serving([site]) as (running,):
        (pc, _) = units(fetch(running.entry)[2].decode("utf-8"))
    assert (len(pc.records), pc.total, pc.groups()) == (4, 5, [(5, 5)])


# -- a real crawl ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, Path]:
    root = tmp_path_factory.mktemp("crawl-hanweb")
    crawl_replicas(root, "replica-hanweb")
    return sqlite3.connect(root / "archive.db"), next(root.glob("*.warc.gz"))


@pytest.mark.slow
def test_crawl_files_every_report_of_the_column_and_only_those(crawled: tuple) -> None:
    conn, _ = crawled
    assert rows(conn, "select agency_name, year from reports order by year") == [
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县发展和改革局", 2023),
        ("淮安市人民政府", 2024),
        ("沭阳县人民政府", 2025),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("沭阳县人民政府", FIXTURES / "reports" / "expected" / "shuyang-gov-2025.json"),
        ("淮安市人民政府", FIXTURES / "reports" / "expected" / "huaian-city-2024.json"),
    ],
    ids=["shuyang-gov-2025", "huaian-city-2024-gbk-without-charset"],
)
def test_crawled_reports_have_the_real_reports_cells(
    crawled: tuple, agency: str, expected: Path
) -> None:
    conn, _ = crawled
    cells = dict(
        rows(
            conn,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            f" where r.agency_name = '{agency}'",
        )
    )
    assert cells == load_expected(expected)["cells"]


@pytest.mark.slow
def test_crawl_fetches_report_pages_only_never_the_notices(crawled: tuple) -> None:
    conn, _ = crawled
    pages = rows(conn, "select url from captures where role = 'page' order by url")
    assert [urllib.parse.urlsplit(u).path for (u,) in pages] == sorted(
        url for title, url in COLUMN if "报告" in title
    )
    for notice in NOTICE_IDS:
        assert rows(conn, f"select count(*) from captures where url like '%{notice}%'") == [(0,)]


@pytest.mark.slow
def test_later_groups_are_posted_and_recorded_as_post_captures(crawled: tuple) -> None:
    conn, warc = crawled
    posted = rows(
        conn,
        "select method, status, url from captures where role = 'list' and url like '%dataproxy%'"
        " order by url",
    )
    assert [(m, s, u.split(PROXY)[1]) for m, s, u in posted] == [
        ("POST", 200, "?startrecord=3&endrecord=4&perpage=2"),
        ("POST", 200, "?startrecord=5&endrecord=6&perpage=2"),
        ("POST", 200, "?startrecord=7&endrecord=8&perpage=2"),
    ]
    with warc.open("rb") as stream:
        bodies = [
            urllib.parse.parse_qs(record.content_stream().read().decode())
            for record in ArchiveIterator(stream)
            if record.rec_type == "request" and PROXY in record.rec_headers["WARC-Target-URI"]
        ]
    assert len(bodies) == 3
    assert all({k: v[0] for k, v in body.items()} == FORM for body in bodies)


@pytest.mark.slow
def test_crawl_records_the_dead_attachment_with_its_status(crawled: tuple) -> None:
    conn, _ = crawled
    dead = rows(
        conn,
        "select status, error, url, referrer from captures where role = 'attachment'",
    )
    assert [(s, e, u.endswith("/attach/-1/2401170917314520386.docx")) for s, e, u, _ in dead] == [
        (404, "HTTP 404", True)
    ]
    assert dead[0][3].endswith("/art/2024/1/17/art_284_10703398.html")
