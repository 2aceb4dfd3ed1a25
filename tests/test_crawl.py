"""A real Scrapy crawl of the TRS replica portals, over HTTP on 127.0.0.1, end to end: the
static pagers and a list only its script pages (动静结合), rendered in a real Chromium."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, crawl_replicas, load_expected, rows

pytestmark = pytest.mark.slow
TRS = ["replica-trs", "replica-trs-records", "replica-trs-dynamic"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, Path, str]:
    root = tmp_path_factory.mktemp("crawl")
    output = crawl_replicas(root, *TRS)
    conn = sqlite3.connect(root / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn, next(root.glob("*.warc.gz")), output


def test_every_replica_report_page_is_captured_and_filed(crawled: tuple) -> None:
    conn, _, _ = crawled
    filed = rows(conn, "select agency_name, year from reports order by agency_name, year")
    assert filed == [
        ("三江乡人民政府", 2020),
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县发展和改革局", 2023),
        ("淮安市人民政府", 2024),
        ("舒城县人民政府", 2020),
        ("金寨县花石乡人民政府", 2020),
        ("靖远县石门乡人民政府", 2021),
    ]


def test_a_crawled_report_has_the_real_reports_cells(crawled: tuple) -> None:
    conn, _, _ = crawled
    expected = load_expected(FIXTURES / "seeds" / "expected" / "002_6aecb46b9b52e8b6.json")
    cells = dict(
        rows(
            conn,
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.agency_name = '舒城县人民政府'",
        )
    )
    assert cells == expected["cells"]


def test_the_gbk_page_that_says_utf8_is_read_right(crawled: tuple) -> None:
    conn, _, _ = crawled
    (row,) = rows(
        conn,
        "select r.title, c.url from reports r join captures c on c.id = r.capture"
        " where r.agency_name = '金寨县花石乡人民政府'",
    )
    assert row[0] == "金寨县花石乡2020年政府信息公开工作年度报告"


def test_dead_links_are_recorded_with_their_status_and_the_run_goes_on(crawled: tuple) -> None:
    conn, _, _ = crawled
    dead = rows(
        conn, "select role, status, error from captures where status = 404 order by role, url"
    )
    assert ("page", 404, "HTTP 404") in dead and ("attachment", 404, "HTTP 404") in dead
    assert (
        rows(conn, "select count(*) from captures where role = 'page' and status = 200")[0][0] == 10
    )


def test_robots_txt_is_fetched_and_obeyed(crawled: tuple) -> None:
    conn, _, _ = crawled
    assert rows(conn, "select count(*) from captures where role = 'robots'")[0][0] == 3
    forbidden = rows(conn, "select error from captures where url like '%/draft/%'")
    assert forbidden and all("robots.txt" in e for (e,) in forbidden)


def test_off_site_and_interpretation_links_are_not_followed(crawled: tuple) -> None:
    conn, _, _ = crawled
    assert rows(conn, "select count(*) from captures where url like '%/jd/%'")[0][0] == 0
    assert rows(conn, "select count(*) from captures where url like '%gov.cn%'")[0][0] == 0


def test_a_report_listed_twice_is_fetched_once(crawled: tuple) -> None:
    _, warc, _ = crawled
    from collections import Counter

    from warcio.archiveiterator import ArchiveIterator

    with warc.open("rb") as f:
        fetched = Counter(
            r.rec_headers["WARC-Target-URI"] for r in ArchiveIterator(f) if r.rec_type == "response"
        )
    reports = {u: n for u, n in fetched.items() if re.search(r"/t\d{8}_\d+\.html$", u)}
    assert len(reports) == 13 and max(reports.values()) == 1  # 10 report pages, 3 gone


def test_the_runs_warc_holds_a_request_and_a_response_per_fetch_and_passes_check(
    crawled: tuple,
) -> None:
    conn, warc, _ = crawled
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(warc)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    from warcio.archiveiterator import ArchiveIterator

    with warc.open("rb") as f:
        records = [
            (r.rec_type, r.rec_headers["WARC-Target-URI"], r.rec_headers["WARC-Payload-Digest"])
            for r in ArchiveIterator(f)
        ]
    responses = [(uri, digest) for kind, uri, digest in records if kind == "response"]
    assert len(responses) == sum(kind == "request" for kind, _, _ in records)
    # A capture is a run's fetch of a URL with its bytes: the browser fetching the same script
    # for each page it renders is one capture, however many WARC records.
    fetched = rows(conn, "select count(*) from captures where status is not null")[0][0]
    assert len(set(responses)) == fetched


def test_a_report_published_as_a_pdf_or_docx_attachment_is_filed_from_it(crawled: tuple) -> None:
    conn, _, _ = crawled
    found = rows(
        conn,
        "select file.format, page.extracted, r.source_url = page.url, r.document_url = file.url,"
        " r.agency from captures page join captures file on file.referrer = page.url"
        " join reports r on r.id = file.extracted"
        " where file.role = 'attachment' and file.status = 200 order by file.format",
    )
    # the page points to its file; the report to both
    assert found == [
        ("docx", "attachment", 1, 1, "620421-靖远县石门乡人民政府"),
        ("pdf", "attachment", 1, 1, "320800-淮安市人民政府"),
    ]


def test_a_script_paged_trs_list_is_rendered_for_its_pager_and_later_pages_only(
    crawled: tuple,
) -> None:
    conn, _, _ = crawled
    rendered = rows(
        conn,
        "select portal, substr(url, instr(substr(url, 8), '/') + 7) from captures"
        " where role = 'rendered' order by url",
    )
    assert rendered == [
        ("replica-trs-dynamic", "/xxgk/ndbg/"),
        ("replica-trs-dynamic", "/xxgk/ndbg/?page=2"),
        ("replica-trs-dynamic", "/xxgk/ndbg/?page=3"),
    ]
    # the browser's signed calls to the search service, recorded as they came
    calls = rows(
        conn,
        "select status from captures where url like '%/search/column?%' and role = 'list'",
    )
    assert calls == [(200,)] * 3


def test_the_reports_only_a_scripted_page_lists_are_fetched_plainly(crawled: tuple) -> None:
    conn, _, _ = crawled
    pages = rows(
        conn,
        "select count(*) from captures where portal = 'replica-trs-dynamic'"
        " and role = 'page' and status = 200",
    )
    assert pages == [(3,)]  # one on the static first page, two on the page its script draws
