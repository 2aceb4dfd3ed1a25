"""A column drawn by script: nothing for plain HTTP, everything for a real browser."""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from replicas.scripted import ScriptedSite
from replicas.server import Running, serving
from tests.conftest import FIXTURES, load_expected


@pytest.fixture(scope="module")
def site() -> Iterator[Running]:
    with serving([ScriptedSite("scripted", ["shuyang-gov-2025", "boai-xiaojing-2020"])]) as (s,):
        yield s


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_column_page_as_served_lists_nothing(site: Running) -> None:
    status, body = fetch(site.entry)
    assert status == 200 and "年度报告" not in body.decode("utf-8")


def test_the_search_service_wants_the_scripts_token(site: Running) -> None:
    assert fetch(site.url + "/api/search?column=xxgknb&page=1")[0] == 412
    token = base64.b64encode(b"nianbao-1").decode()
    status, body = fetch(site.url + f"/api/search?column=xxgknb&page=1&token={token}")
    found = json.loads(body)
    assert status == 200 and found["pages"] == 1
    assert [i["title"] for i in found["items"]] == [
        "沭阳县人民政府2025年政府信息公开工作年度报告",
        "博爱县孝敬镇人民政府2020年政府信息公开工作年度报告",
    ]


@pytest.mark.slow
def test_a_crawl_renders_the_list_in_chromium_and_keeps_raw_and_rendered_apart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao",
            "crawl",
            "replica-scripted",
            "--db",
            str(db),
            "--warc-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    filed = conn.execute("select agency_name, year from reports order by year").fetchall()
    assert filed == [
        ("博爱县孝敬镇人民政府", 2020),
        ("靖远县石门乡人民政府", 2021),
        ("沭阳县人民政府", 2025),
    ]
    roles = conn.execute(
        "select role, count(*) from captures where url like '%/zwgk/xxgknb/' group by role"
    ).fetchall()
    assert sorted(roles) == [("list", 1), ("rendered", 1)]  # as served, and as drawn
    (api,) = conn.execute(
        "select status, referrer from captures where url like '%/api/search%page=1%'"
    ).fetchall()
    assert api[0] == 200 and api[1].endswith("/zwgk/xxgknb/")
    cells = dict(
        conn.execute(
            "select c.key, c.value from cells c join reports r on r.id = c.report"
            " where r.year = 2025"
        ).fetchall()
    )
    assert (
        cells == load_expected(FIXTURES / "reports" / "expected" / "shuyang-gov-2025.json")["cells"]
    )
