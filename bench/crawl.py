"""The crawler's own cost: the real crawl of the replica portals against a bare Scrapy spider
fetching the same URLs from the same servers, in one run.

The replicas are served by this process on 127.0.0.1; each crawl runs in its own process (one
Twisted reactor each) with the same politeness: one request at a time per host and port, and
the same delay between them. Two regimes:
- polite: the project's default delay between requests to a host (`--delay`, 1 s), as real
  portals are crawled. The question: does the crawler keep the pace its politeness allows?
- flat out: no delay, so both are bound by CPU. The question: what does a page cost the
  crawler (capture, WARC, parsing, filing) beyond what it costs Scrapy alone?
Rates are measured from the first response to the last. Printed per regime: pages/s of each,
their ratio (goal: the real crawl at ≥ 0.8× the bare spider's rate), the real crawl with and
without filing reports as it goes, the crawler's CPU per page; then the share of pages
Playwright rendered and peak RSS (the crawler, and with its browser).

Run: .venv/bin/python bench/crawl.py [--rounds 3] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import replace
from pathlib import Path

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def worker(mode: str, ports: dict[str, int], urls: list[str], out: Path, delay: float) -> None:
    """One crawl in this process; prints its timing as JSON."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from archive.store import Archive
    from crawler import registry, settings
    from crawler.run import crawl
    from nianbao import ingest

    times: list[float] = []
    cpu: list[float] = []

    def received(**_: object) -> None:
        times.append(time.perf_counter())
        cpu.append(time.process_time())

    if mode == "bare":

        class Bare(scrapy.Spider):
            name = "bare"

            async def start(self):  # type: ignore[no-untyped-def]
                for url in urls:  # one download slot per host and port, as the crawl has
                    slot = urllib.parse.urlsplit(url).netloc
                    yield scrapy.Request(url, dont_filter=True, meta={"download_slot": slot})

            def parse(self, response):  # type: ignore[no-untyped-def]
                return None

        process = CrawlerProcess(
            {
                "LOG_LEVEL": "ERROR",
                "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                "CONCURRENT_REQUESTS": settings.CONCURRENT_REQUESTS,  # the crawl's scheduling
                "SCHEDULER_PRIORITY_QUEUE": settings.SCHEDULER_PRIORITY_QUEUE,
                "DOWNLOAD_DELAY": delay,
                "HTTPERROR_ALLOW_ALL": True,
                "RETRY_ENABLED": False,
                "REDIRECT_ENABLED": False,
            }
        )
        crawler = process.create_crawler(Bare)
        crawler.signals.connect(received, signals.response_received, weak=False)
        process.crawl(crawler)
        process.start()
        pages = len(times)
    else:
        rows = {p.replica: p for p in registry.replicas()}
        portals = [
            replace(registry.at_port(rows[site.split("#")[0]], port), id=site, delay=delay)
            for site, port in ports.items()
        ]
        archive = Archive(out / "archive.db")
        run = archive.start_run("bench", "bench")
        if mode == "real":
            ingest.RUNS[run] = ingest.Filing(ingest.Tally(), 30)
        crawl(
            portals,
            archive,
            run,
            out / "bench.warc.gz",
            on_response=lambda _: received(),
            file_as_it_goes=mode == "real",
        )
        conn = sqlite3.connect(out / "archive.db")
        rendered = conn.execute("select count(*) from captures where role = 'rendered'").fetchone()[
            0
        ]
        listed = [
            u
            for (u,) in conn.execute(
                "select url from captures where status is not null and role != 'resource'"
                " and role != 'rendered' order by fetched_at"
            )
        ]
        pages = len(listed)  # what the bare spider fetches too: not a browser's own requests
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    result = {
        "pages": pages,
        "span": span,
        "cpu": cpu[-1] - cpu[0] if len(cpu) > 1 else float("nan"),
        "rss_kb": own,
        "children_rss_kb": children,
    }
    if mode != "bare":
        result |= {"rendered": rendered, "urls": listed}
    print(json.dumps(result))


def run_worker(mode: str, ports: dict[str, int], urls: list[str], delay: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                mode,
                "--ports",
                json.dumps(ports),
                "--out",
                tmp,
                "--delay",
                str(delay),
            ],
            input=json.dumps(urls),
            capture_output=True,
            text=True,
            timeout=600,
        )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="replica site ids, comma-separated (default: all)")
    parser.add_argument("--copies", type=int, default=5, help="copies of each replica served")
    parser.add_argument("--delay", type=float, default=1.0, help="the polite regime's delay (s)")
    parser.add_argument("--worker")
    parser.add_argument("--ports")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.worker:
        urls = json.loads(sys.stdin.read() or "[]")
        worker(args.worker, json.loads(args.ports), urls, args.out, args.delay)
        return

    from replicas.portals import sites
    from replicas.server import serving

    chosen = [s for s in sites() if not args.only or s.id in args.only.split(",")]
    # --copies of each replica, each on its own port: many portals crawled at once.
    copies = [s for _ in range(args.copies) for s in chosen]
    regimes = {"polite": args.delay, "flat out": 0.0}
    results: dict[str, dict[str, list[dict]]] = {r: {} for r in regimes}
    with serving(copies) as running:
        ports = {f"{r.site.id}#{i}": r.port for i, r in enumerate(running)}
        for _ in range(args.rounds):
            for regime, delay in regimes.items():
                # The bare spider fetches what the real crawl fetched (robots.txt, lists,
                # pages, attachments; not a browser's own requests), in the same order.
                real = run_worker("real", ports, [], delay)
                bare = run_worker("bare", ports, real["urls"], delay)
                capture = run_worker("capture", ports, [], delay)
                for mode, r in (("bare", bare), ("capture", capture), ("real", real)):
                    results[regime].setdefault(mode, []).append(r)
    last = {mode: runs[-1] for mode, runs in results["flat out"].items()}
    print(
        f"replica crawl: {last['real']['pages']} responses over {len(ports)} portals,"
        f" {args.rounds} rounds (medians)"
    )
    for regime, delay in regimes.items():
        runs = results[regime]
        rate = {m: statistics.median((r["pages"] - 1) / r["span"] for r in runs[m]) for m in runs}
        ms = {
            m: statistics.median(1000 * r["cpu"] / (r["pages"] - 1) for r in runs[m]) for m in runs
        }
        print(f"{regime}, {delay:g} s between requests to a host:")
        print(
            f"  {'bare Scrapy spider, same URLs':34} {rate['bare']:8.1f} pages/s   (baseline)"
            f"           {ms['bare']:5.1f} ms CPU/page"
        )
        for mode, label in (
            ("capture", "crawl, captures only"),
            ("real", "crawl, filing as it goes"),
        ):
            print(
                f"  {label:34} {rate[mode]:8.1f} pages/s   {rate[mode] / rate['bare']:5.2f}×"
                f" baseline (goal ≥ 0.80×)   {ms[mode]:5.1f} ms CPU/page"
            )
    r = last["real"]
    print(
        f"pages rendered by Playwright: {r['rendered']} of {r['pages']}"
        f" ({r['rendered'] / r['pages']:.1%})"
    )
    print(
        f"peak RSS: crawler {r['rss_kb'] / 1024:.0f} MB, its largest child (browser or"
        f" extraction worker) {r['children_rss_kb'] / 1024:.0f} MB;"
        f" bare spider {last['bare']['rss_kb'] / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
