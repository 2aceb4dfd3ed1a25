"""Which platform serves a page, from each replica's entry page as it serves it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.detect import platform_of
from replicas.portals import sites
from replicas.server import serving
from replicas.site import Request
from replicas.trs import TrsSite


@pytest.mark.parametrize(
    "site_id, platform",
    [
        ("trs", "trs"),
        ("trs-records", "trs"),
        ("hanweb", "hanweb"),
        ("jpaas", "jpaas"),
        ("gkmlpt", "gkmlpt"),
        ("anhui", "anhui"),
        ("vsb", "vsb"),
        ("generic", "generic"),
    ],
)
def test_the_platform_is_told_from_the_entry_page(site_id: str, platform: str) -> None:
    (site,) = [s for s in sites() if s.id == site_id]
    path, _, query = site.entry.partition("?")
    page = site.handle(Request("GET", path, {k: [v] for k, v in _pairs(query)})).body
    url = "http://127.0.0.1:8600" + site.entry
    assert platform_of(url, page.decode("gb18030", "replace")) == platform


def test_the_url_alone_tells_a_platform_whose_page_is_a_shell() -> None:
    assert platform_of("https://www.ah.gov.cn/public/column/1681?type=3&action=list", "") == "anhui"
    assert platform_of("http://whly.gd.gov.cn/gkmlpt/annualreport", "<html></html>") == "gkmlpt"
    assert platform_of("http://www.jiangsu.gov.cn/col/col31251/index.html", "") == "hanweb"


def _pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(p.split("=", 1)) for p in query.split("&") if "=" in p]  # type: ignore[misc]


@pytest.mark.slow
def test_crawl_by_url_detects_the_platform_and_files_the_reports(tmp_path: Path) -> None:
    site = TrsSite("trs", ["shucheng-2020", "jinzhai-huashi-2020"])
    with serving([site]) as (running,):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "nianbao",
                "crawl",
                "--url",
                running.entry,
                "--db",
                str(tmp_path / "a.db"),
                "--warc-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("select platform, replica from portals").fetchall() == [("trs", 0)]
    filed = conn.execute("select agency_name from reports order by agency_name").fetchall()
    assert filed == [("舒城县人民政府",), ("金寨县花石乡人民政府",)]


def test_crawl_by_url_asks_robots_txt_before_it_looks_at_the_page(tmp_path: Path) -> None:
    site = TrsSite("trs", ["shucheng-2020"])  # its robots.txt disallows the draft folder
    with serving([site]) as (running,):
        done = subprocess.run(
            [
                *(sys.executable, "-m", "nianbao", "crawl", "--url"),
                running.url + site.column + "draft/",
                *("--db", str(tmp_path / "a.db"), "--warc-dir", str(tmp_path)),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0
    assert "robots.txt forbids it to nianbao" in done.stderr
