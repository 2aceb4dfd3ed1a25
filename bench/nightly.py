"""What a nightly run costs against a full crawl, on a replica portal large enough to tell:
a county site (the generic platform) whose 年报 column lists `--pages` articles, 10 a page,
each an article page, served by this process on 127.0.0.1.

1. A full crawl into a fresh archive (no filing: the requests are the question), with the
   crawl process's RSS when it had received 1,000 responses and when it had received all.
2. A nightly run over the unchanged archive, from a new process, as cron would start it.

The archive is written to /dev/shm where there is one: what is measured is requests and
memory, and a page's fsync (tens of milliseconds on a busy disk) would make 10,000 pages take
a quarter of an hour.

Printed: the requests of each and their ratio (goal ≤ 5%), then the memory ratio
(goal ≤ 1.2×). Each crawl runs in its own process (one Twisted reactor each).

Run: .venv/bin/python bench/nightly.py [--pages 10000]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from replicas.server import serving  # noqa: E402
from replicas.site import Request, Response  # noqa: E402

PER_PAGE = 10
COLUMN = "/xxgk/gknb/"
EARLY = 1_000  # responses after which the crawl's memory is first read


class LargeSite:
    """A plain county portal with a long 年报 column (generic platform)."""

    platform = "generic"
    id = "large"
    entry = "/"

    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.pages = -(-articles // PER_PAGE)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.html"):
            home = f'<a href="{COLUMN}">政府信息公开年报</a>'
            return Response(self._page("示范县人民政府", home))
        if path in (COLUMN, COLUMN + "index.html"):
            return Response(self._list(1))
        m = re.fullmatch(re.escape(COLUMN) + r"index_(\d+)\.html", path)
        if m and 2 <= int(m[1]) <= self.pages:
            return Response(self._list(int(m[1])))
        m = re.fullmatch(r"/content/2025-01/31/content_(\d+)\.html", path)
        if m and int(m[1]) < self.articles:
            n = int(m[1])
            body = f"<h1>{html.escape(self._title(n))}</h1><p>全文见政府信息公开平台。</p>"
            return Response(self._page(self._title(n), body))
        return Response(b"not found", status=404)

    def _title(self, n: int) -> str:
        return f"示范县第{n}号单位2024年政府信息公开工作年度报告"

    def _list(self, number: int) -> bytes:
        first = (number - 1) * PER_PAGE
        items = "".join(
            f'<li><a href="/content/2025-01/31/content_{n}.html">{html.escape(self._title(n))}'
            "</a><span>2025-01-31</span></li>"
            for n in range(first, min(first + PER_PAGE, self.articles))
        )
        pager = (
            f'<a href="{COLUMN}index_{number + 1}.html">下一页</a>' if number < self.pages else ""
        )
        return self._page("政府信息公开年报", f"<ul>{items}</ul><div class='page'>{pager}</div>")

    def _page(self, title: str, main: str) -> bytes:
        return (
            f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body>{main}</body></html>"
        ).encode()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(root: Path, entry: str, kind: str) -> None:
    """One crawl or nightly run in this process; prints requests, time and RSS as JSON."""
    from archive.store import Archive
    from crawler.registry import Portal
    from crawler.run import crawl

    portal = Portal(
        "large", "大型门户（基准）", "", "", "", "", "", "county", "generic", entry, "large", 0, ""
    )
    archive = Archive(root / "archive.db")
    run = archive.start_run(kind, "bench")
    seen = [0]
    early: list[float] = []

    def tick(_: str) -> None:
        seen[0] += 1
        if seen[0] == EARLY:
            early.append(rss_mb())

    start = time.perf_counter()
    # The generic spider walks 50 list pages of a column by default: this one has more.
    walk = {"NIANBAO_GENERIC_MAX_LIST_PAGES": 100_000}
    crawl(
        [portal],
        archive,
        run,
        root / f"{run}.warc.gz",
        tick,
        file_as_it_goes=False,
        overrides=walk,
    )
    took = time.perf_counter() - start
    requests = archive.db.execute(
        "select count(*) from captures where run = ? and status is not null", [run]
    ).fetchone()[0]
    print(json.dumps({"requests": requests, "seconds": took, "early": early, "late": rss_mb()}))


def run_worker(root: Path, entry: str, kind: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(root), entry, kind],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        root, entry, kind = args.worker
        worker(Path(root), entry, kind)
        return
    # In memory where there is /dev/shm: the archive's fsyncs are not the question here.
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with (
        tempfile.TemporaryDirectory(dir=scratch) as tmp,
        serving([LargeSite(args.pages)]) as (running,),
    ):
        root = Path(tmp)
        full = run_worker(root, running.entry, "crawl")
        night = run_worker(root, running.entry, "nightly")
        ((statuses),) = [
            sqlite3.connect(root / "archive.db")
            .execute(
                "select group_concat(status || '×' || n, ' ') from (select status, count(*) n"
                " from captures where run like 'nightly-%' group by status)"
            )
            .fetchone()
        ]
    ratio = night["requests"] / full["requests"]
    print(f"replica: {args.pages} articles, {-(-args.pages // PER_PAGE)} list pages")
    print(
        f"full crawl:  {full['requests']:6} requests in {full['seconds']:.1f} s"
        f"\nnightly run: {night['requests']:6} requests in {night['seconds']:.1f} s"
        f" ({statuses})"
    )
    print(f"nightly ÷ full requests: {ratio:.4%} (goal ≤ 5%)")
    if full["early"]:
        growth = full["late"] / full["early"][0]
        print(
            f"crawl RSS after {EARLY} responses {full['early'][0]:.0f} MB, after"
            f" {full['requests']} {full['late']:.0f} MB: {growth:.2f}× (goal ≤ 1.2×)"
        )


if __name__ == "__main__":
    main()
