"""Politeness: one request at a time per server, a server's Retry-After is waited out, other
failures back off."""

from __future__ import annotations

import itertools
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from scrapy import Request as ScrapyRequest

from crawler.polite import HostSlotMiddleware, retry_after
from replicas.server import serving
from replicas.site import Request, Response


def test_retry_after_is_read_in_seconds_or_as_a_date() -> None:
    assert retry_after("120", now=0) == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert retry_after("soon", now=0) is None and retry_after(None, now=0) is None


def test_every_request_waits_in_its_servers_slot_robots_txt_and_redirects_too() -> None:
    robots = ScrapyRequest("http://127.0.0.1:8001/robots.txt")  # as Scrapy makes it: no slot
    # a redirect to another server: Scrapy copies the first request's meta, its slot too
    moved = ScrapyRequest("http://127.0.0.1:8002/a.html", meta={"download_slot": "127.0.0.1:8001"})
    for request in (robots, moved):
        HostSlotMiddleware().process_request(request)
    assert robots.meta["download_slot"] == "127.0.0.1:8001"
    assert moved.meta["download_slot"] == "127.0.0.1:8002"


class Busy:
    """A portal that answers its first visitor 503 with Retry-After: 4."""

    id = platform = "busy"
    entry = "/"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen = 0

    def handle(self, request: Request) -> Response:
        if request.path != "/":
            return Response(b"", status=404)
        with self.lock:
            self.seen += 1
            first = self.seen == 1
        if first:
            return Response(b"busy", status=503, headers={"Retry-After": "4"})
        return Response("<html><body><p>首页</p></body></html>".encode())


@pytest.mark.slow
def test_a_503_with_retry_after_is_retried_only_after_the_wait(tmp_path: Path) -> None:
    with serving([Busy()]) as (running,):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "nianbao",
                "crawl",
                "--url",
                running.url + "/",
                "--platform",
                "generic",
                "--db",
                str(tmp_path / "a.db"),
                "--warc-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    rows = (
        sqlite3.connect(tmp_path / "a.db")
        .execute(
            "select status, fetched_at from captures where url like '%:' || ? || '/'"
            " order by fetched_at, status desc",
            [str(running.port)],
        )
        .fetchall()
    )
    assert [s for s, _ in rows] == [503, 200]
    waited = datetime.fromisoformat(rows[1][1]) - datetime.fromisoformat(rows[0][1])
    # Whole seconds: 4 s asked, ≥ 3 s seen; the backoff alone (2 s) or AutoThrottle's start
    # delay (2 s) would not make it.
    assert waited.total_seconds() >= 3


class HangsUp(socketserver.BaseRequestHandler):
    """Hangs up on its first three visitors without a word; answers the rest."""

    seen: list[float]

    def handle(self) -> None:
        self.seen.append(time.monotonic())
        if len(self.seen) <= 3:
            return  # the connection closes unanswered
        self.request.recv(65536)
        page = "<html><body><p>首页</p></body></html>".encode()
        self.request.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
            + f"Content-Length: {len(page)}\r\n\r\n".encode()
            + page
        )


@pytest.mark.slow
def test_a_connection_hung_up_on_is_retried_after_a_growing_backoff(tmp_path: Path) -> None:
    HangsUp.seen = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), HangsUp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "nianbao", "crawl", "--url", url, "--platform", "generic"),
                *("--db", str(tmp_path / "a.db"), "--warc-dir", str(tmp_path)),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    gaps = [b - a for a, b in itertools.pairwise(HangsUp.seen[:4])]
    # robots.txt, hung up on three times: retried after 2 s, then 4 s (the politeness delay
    # alone, 2 s, would not make the second gap)
    assert len(gaps) == 3 and gaps[1] >= 1.8 and gaps[2] >= 3.6
