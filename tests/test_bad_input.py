"""Bad input on a portal: a redirect loop, an off-site redirect, a truncated body, a 500 that
stays, a dead link, a page that is not a report, a PDF that does not parse. Each is recorded
on its capture with its reason; the run goes on and files the one real report."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from replicas.site import reports

pytestmark = pytest.mark.slow

COLUMN = "/xxgk/gknb/"
LINKS = {  # article → what it does
    "202101/t20210101_1.html": "a redirect to itself",
    "202101/t20210101_2.html": "a redirect off the site",
    "202101/t20210101_3.html": "a body cut short",
    "202101/t20210101_4.html": "a 500, every time",
    "202101/t20210101_5.html": "gone (404)",
    "202101/t20210101_6.html": "a menu, not a report",
    "202101/t20210101_7.html": "the report, with a broken PDF attached",
}


class Faulty(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path
        if path == "/robots.txt":
            return self.answer(404, b"")
        if path == COLUMN:
            items = "".join(f'<li><a href="./{h}">{t}年度报告</a></li>' for h, t in LINKS.items())
            body = f'<ul>{items}</ul><script>createPageHTML(1, 0, "index", "html");</script>'
            return self.answer(200, f"<html><body>{body}</body></html>".encode())
        article = path.removeprefix(COLUMN)
        if article.endswith("_1.html"):
            return self.answer(302, b"", {"Location": path})
        if article.endswith("_2.html"):
            return self.answer(302, b"", {"Location": "http://elsewhere.invalid/report.html"})
        if article.endswith("_3.html"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + "年度报告".encode() * 50)
            self.close_connection = True
            return None
        if article.endswith("_4.html"):
            return self.answer(500, b"<html><body>Internal Server Error</body></html>")
        if article.endswith("_6.html"):
            menu = "<html><head><title>年度报告</title></head><body><p>网站首页 政务公开</p></body>"
            return self.answer(200, menu.encode())
        if article.endswith("_7.html"):
            report = reports()["shucheng-2020"]
            body = f'{report.body}<p><a href="./P0broken.pdf">附件.pdf</a></p>'
            page = f"<html><head><title>{report.title}</title></head><body>{body}</body></html>"
            return self.answer(200, page.encode())
        if article == "202101/P0broken.pdf":
            return self.answer(
                200, b"%PDF-1.4\n1 0 obj <<>>\nthis is not a PDF", {}, "application/pdf"
            )
        return self.answer(404, b"<html><body>404</body></html>")

    def answer(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


# The crawl as `nianbao crawl` runs it, for a portal on 127.0.0.1 (short backoffs, as replicas).
CRAWL = """
import json, sys
from pathlib import Path
from archive.store import Archive
from crawler import registry
from crawler.run import crawl
from nianbao import ingest
url, db = sys.argv[1], Path(sys.argv[2])
portal = registry.Portal(
    id="faulty", name="faulty", agency="", province="", city="", county="", division_code="",
    level="", platform="trs", entry_url=url, replica="faulty", delay=0, notes="")
archive = Archive(db)
run = archive.start_run("crawl", "test")
ingest.RUNS[run] = ingest.Filing(ingest.Tally(), 30)
crawl([portal], archive, run, db.parent / "run.warc.gz")
ingest.extract_run(archive, run, 30)
print(json.dumps(archive.tally_portals(run)))
"""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sqlite3.Connection, str]]:
    root = tmp_path_factory.mktemp("faulty")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CRAWL,
                f"http://127.0.0.1:{server.server_address[1]}{COLUMN}",
                str(root / "a.db"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-3000:]
    conn = sqlite3.connect(root / "a.db")
    yield conn, done.stdout
    conn.close()


def recorded(conn: sqlite3.Connection, suffix: str) -> list[tuple]:
    return conn.execute(
        "select status, error, extracted, extract_error from captures where url like ?"
        " order by fetched_at, rowid",
        [f"%{suffix}"],
    ).fetchall()


def test_a_redirect_loop_is_recorded_with_its_reason(crawled: tuple) -> None:
    conn, _ = crawled
    rows = recorded(conn, "_1.html")
    assert rows[0][0] == 302
    assert any(error and "redirect" in error.lower() for _, error, _, _ in rows), rows


def test_an_off_site_redirect_is_recorded_and_not_followed(crawled: tuple) -> None:
    conn, _ = crawled
    rows = recorded(conn, "_2.html")
    assert rows[0][0] == 302
    assert any(error and "elsewhere.invalid" in error for _, error, _, _ in rows), rows
    assert recorded(conn, "elsewhere.invalid/report.html") == []


def test_a_truncated_body_is_recorded_with_its_reason(crawled: tuple) -> None:
    conn, _ = crawled
    rows = recorded(conn, "_3.html")
    assert rows and all(status is None for status, _, _, _ in rows)
    assert "ResponseFailed" in rows[-1][1] or "DataLoss" in rows[-1][1], rows


def test_a_500_that_stays_is_recorded_after_its_retries(crawled: tuple) -> None:
    conn, _ = crawled
    assert recorded(conn, "_4.html") == [(500, "HTTP 500", None, None)]


def test_a_dead_link_is_recorded_as_404(crawled: tuple) -> None:
    conn, _ = crawled
    assert recorded(conn, "_5.html") == [(404, "HTTP 404", None, None)]


def test_a_page_that_is_not_a_report_says_why(crawled: tuple) -> None:
    conn, _ = crawled
    ((status, error, extracted, why),) = recorded(conn, "_6.html")
    assert (status, error, extracted) == (200, None, "failed")
    assert why.startswith("not_a_report")


def test_a_pdf_that_does_not_parse_says_why_and_its_page_is_the_report(crawled: tuple) -> None:
    conn, _ = crawled
    ((status, error, extracted, why),) = recorded(conn, "P0broken.pdf")
    assert (status, error, extracted) == (200, None, "failed")
    assert "unreadable" in why and "PDF" in why
    (report,) = conn.execute("select agency_name, year from reports").fetchall()
    assert report == ("舒城县人民政府", 2020)


def test_the_run_goes_on_to_the_end_and_the_portal_is_degraded(crawled: tuple) -> None:
    _, out = crawled
    (portal,) = json.loads(out.strip().splitlines()[-1])
    assert portal["health"] == "degraded" and portal["pages"] >= 7
