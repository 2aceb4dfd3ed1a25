"""A crawl of the hostile replica (replicas/faults.py) records every fault on its capture with
its reason, finishes, and says the portal's health; a night after the portal redrew its column
says that the list leads nowhere now."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import crawl_replicas, rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, str, str]:
    root = tmp_path_factory.mktemp("faults")
    said = crawl_replicas(root, "replica-faults")
    changes = root / "changes.json"
    changes.write_text(json.dumps({"layout": {"faults": "scripted"}}), encoding="utf-8")
    where = ["--db", str(root / "archive.db"), "--warc-dir", str(root)]
    where += ["--publish", str(root / "published.db")]
    night = subprocess.run(
        [sys.executable, "-m", "nianbao", "nightly", "replica-faults", *where],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NIANBAO_REPLICA_CHANGES": str(changes)},
    )
    assert night.returncode == 0, night.stderr
    return sqlite3.connect(root / "archive.db"), said, night.stdout


def errors(conn: sqlite3.Connection, article: str) -> list[str]:
    """What the first crawl recorded for a page (by its article id or path), in order."""
    return [
        r[0] or f"HTTP {r[1]}"
        for r in rows(
            conn,
            "select error, status from captures where url like '%" + article + "%' and run ="
            " (select id from runs order by started_at limit 1) order by fetched_at, rowid",
        )
    ]


@pytest.mark.parametrize(
    ("article", "reason"),
    [
        ("content_9101", "HTTP 500"),
        ("content_9103", "HTTP 503: Retry-After 3600 s"),
        ("content_9104", "HTTP 412: a web application firewall's challenge"),
        ("content_9105", "DownloadTimeoutError: Getting"),
        ("content_9106", "Connection to the other side was lost"),
        ("content_9107", "closed before the body reached its Content-Length"),
        ("content_9109", "a decompression bomb: its gzip body inflates past the 200 MB"),
        ("report.pdf", "larger than download max size (209715200)"),
        ("loop/b.html", "redirect loop: back to"),
        ("content_9112", "off-site redirect to http://example.invalid/nb.html, not followed"),
        ("content_9113", "IgnoreRequest: Forbidden by robots.txt"),
    ],
)
def test_each_fault_is_recorded_on_its_capture_with_its_reason(
    crawled: tuple, article: str, reason: str
) -> None:
    conn, _, _ = crawled
    assert any(reason in said for said in errors(conn, article)), errors(conn, article)


def test_a_429_is_waited_out_and_the_report_is_fetched_and_filed(crawled: tuple) -> None:
    conn, _, _ = crawled
    assert errors(conn, "content_9102") == ["HTTP 429: Retry-After 1 s", "HTTP 200"]
    (filed,) = rows(
        conn, "select extracted from captures where url like '%content_9102%' and status = 200"
    )
    assert filed[0].startswith("321322-沭阳县人民政府-2025")


def test_a_page_in_gbk_said_to_be_utf8_is_read_right(crawled: tuple) -> None:
    conn, _, _ = crawled
    (filed,) = rows(conn, "select extracted from captures where url like '%content_9108%'")
    assert filed[0].startswith("321322-沭阳县人民政府-2025")


def test_the_run_finishes_and_says_the_portal_is_degraded_and_why(crawled: tuple) -> None:
    conn, said, _ = crawled
    ((health, failures),) = rows(
        conn, "select health, failures from run_portals order by run limit 1"
    )
    assert health == "degraded" and failures >= 11  # each fault above, once or more
    assert "replica-faults" in said and "degraded" in said


def test_a_column_redrawn_without_links_is_a_fault_of_the_night(crawled: tuple) -> None:
    conn, _, night = crawled
    (reason,) = rows(
        conn,
        "select error from captures where url like '%/xxgk/gknb/' and run ="
        " (select id from runs order by started_at desc limit 1)",
    )
    assert reason[0].startswith("the list leads nowhere now; it led to 13 report pages")
    assert "degraded" in night and "(its layout changed?)" in night
