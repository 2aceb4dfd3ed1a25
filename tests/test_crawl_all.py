"""The integration test: every replica portal served, one real crawl of them all in a
subprocess, and the archive it leaves checked report by report."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler import settings
from tests.conftest import golden_corpus, load_expected

pytestmark = pytest.mark.slow

FILED = {
    "replica-faults": {("沭阳县人民政府", 2025)},  # the one page that answers, after a 429
    "replica-anhui": {
        ("沭阳县人民政府", 2025),
        ("舒城县人民政府", 2020),
        ("金寨县花石乡人民政府", 2020),
        ("靖远县石门乡人民政府", 2021),
    },
    "replica-generic": {
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县人民政府", 2025),
        ("淮安市人民政府", 2024),
        ("靖远县石门乡人民政府", 2021),
    },
    "replica-gkmlpt": {
        ("三江乡人民政府", 2020),
        ("博爱县孝敬镇人民政府", 2020),
        ("淮安市人民政府", 2024),
        ("靖远县石门乡人民政府", 2021),
    },
    "replica-hanweb": {
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县人民政府", 2025),
        ("沭阳县发展和改革局", 2023),
        ("淮安市人民政府", 2024),
    },
    "replica-jpaas": {
        ("三江乡人民政府", 2020),
        ("沭阳县人民政府", 2025),
        ("淮安市人民政府", 2024),
        ("金寨县花石乡人民政府", 2020),
    },
    "replica-scripted": {
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县人民政府", 2025),
        ("靖远县石门乡人民政府", 2021),
    },
    "replica-trs": {
        ("博爱县孝敬镇人民政府", 2020),
        ("淮安市人民政府", 2024),
        ("舒城县人民政府", 2020),
        ("金寨县花石乡人民政府", 2020),
    },
    "replica-trs-records": {
        ("三江乡人民政府", 2020),
        ("沭阳县发展和改革局", 2023),
        ("靖远县石门乡人民政府", 2021),
    },
    "replica-trs-dynamic": {
        ("博爱县孝敬镇人民政府", 2020),
        ("沭阳县发展和改革局", 2023),
        ("金寨县花石乡人民政府", 2020),
    },
    "replica-vsb": {
        ("三江乡人民政府", 2020),
        ("博爱县孝敬镇人民政府", 2020),
        ("淮安市人民政府", 2024),
        ("靖远县石门乡人民政府", 2021),
    },
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, Path]:
    root = tmp_path_factory.mktemp("all")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao",
            "crawl",
            "--db",
            str(root / "archive.db"),
            "--warc-dir",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return sqlite3.connect(root / "archive.db"), next(root.glob("*.warc.gz"))


def test_each_portal_gives_exactly_its_reports(crawl: tuple) -> None:
    conn, _ = crawl
    found: dict[str, set] = defaultdict(set)
    for portal, agency, year in conn.execute(
        "select c.portal, r.agency_name, r.year from captures c"
        " join reports r on r.id = c.extracted where c.role in ('page', 'attachment')"
    ):
        found[portal].add((agency, year))
    assert dict(found) == FILED


def test_a_report_met_on_several_portals_is_one_report_with_the_real_cells(crawl: tuple) -> None:
    conn, _ = crawl
    expected = {}
    for _, path in golden_corpus():
        e = load_expected(path)
        expected[(e["agency"], e["year"])] = e["cells"]
    reports = conn.execute("select id, agency_name, year from reports").fetchall()
    assert len(reports) == len({(a, y) for _, a, y in reports}) == 8
    for report_id, agency, year in reports:
        cells = dict(conn.execute("select key, value from cells where report = ?", [report_id]))
        assert cells == expected[(agency, year)], (agency, year)


def test_only_the_script_drawn_lists_were_rendered_and_by_a_real_chromium(crawl: tuple) -> None:
    conn, warc = crawl
    rendered = conn.execute(
        "select distinct portal from captures where role in ('rendered', 'resource')"
        " order by portal"
    ).fetchall()
    assert rendered == [("replica-scripted",), ("replica-trs-dynamic",)]
    agents = set()
    with warc.open("rb") as f:
        for record in ArchiveIterator(f):
            if (
                record.rec_type == "request"
                and "/api/search" in record.rec_headers["WARC-Target-URI"]
            ):
                headers = record.http_headers
                agents.add((headers.get_header("Sec-Ch-Ua"), headers.get_header("User-Agent")))
    # The script's own call, made by Chromium (its client hints), under our honest user agent.
    assert agents and all('"Chromium"' in hints for hints, _ in agents)
    assert {agent for _, agent in agents} == {settings.USER_AGENT}


def test_the_warc_is_valid(crawl: tuple) -> None:
    _, warc = crawl
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(warc)], capture_output=True
    )
    assert check.returncode == 0


def test_each_portal_has_its_health_recorded(crawl: tuple) -> None:
    conn, _ = crawl
    health = dict(conn.execute("select portal, health from run_portals"))
    assert health == {
        "replica-anhui": "degraded",  # a list page's first answer is a 500
        "replica-faults": "degraded",  # every fault a server has
        "replica-generic": "ok",
        "replica-gkmlpt": "degraded",  # a 404 attachment, pages past the end
        "replica-hanweb": "degraded",  # a 404 attachment
        "replica-jpaas": "ok",
        "replica-scripted": "ok",
        "replica-trs": "degraded",  # robots.txt refuses a draft, dead links
        "replica-trs-records": "degraded",
        "replica-trs-dynamic": "degraded",  # robots.txt refuses a draft, dead links
        "replica-vsb": "degraded",  # a withdrawn report's 404
    }


def test_a_second_crawl_asks_what_it_knows_conditionally_and_files_no_new_version(
    crawl: tuple,
) -> None:
    conn, warc = crawl
    db = warc.parent / "archive.db"
    before = conn.execute("select count(*) from reports").fetchone()[0]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao",
            "crawl",
            "--portal",
            "replica-trs",
            "--db",
            str(db),
            "--warc-dir",
            str(warc.parent),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (run,) = conn.execute("select id from runs order by started_at desc limit 1").fetchone()
    fetched = conn.execute("select count(*) from captures where run = ?", [run]).fetchone()[0]
    portals = conn.execute("select portal from run_portals where run = ?", [run]).fetchall()
    not_modified = conn.execute(
        "select count(*) from captures where run = ? and status = 304", [run]
    ).fetchone()[0]
    assert fetched >= 1 and not_modified >= 1 and portals == [("replica-trs",)]
    assert conn.execute("select count(*) from reports").fetchone()[0] == before
