"""The archive at scale: load rate, and Datasette's pages timed over HTTP, in one run.

Builds a synthetic archive of N reports (default 300,000: the national scale, 60 million cells)
through the real loader, from the real reports in tests/fixtures: their cells varied, their
sentences shuffled into ~10 KB of text each, their agencies spread over real counties. Then
serves it with `nianbao serve` and times the reports table page, a facet page, canned query (a)
and full-text searches over HTTP, each also as a ratio to the baseline measured in the same
run: Datasette's cheapest page (/-/versions.json), the floor of any request. Goals: table and
facet pages p95 < 500 ms, search < 200 ms. A search page lists and counts its matches; its facets
come on request (archive/publish/plugin.py), so one search with a facet is timed as well.

Run: .venv/bin/python bench/archive.py [--reports 300000] [--db /tmp/nianbao-bench/archive.db]
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from archive.store import Archive, Capture  # noqa: E402
from extract import extract, regions  # noqa: E402
from extract.model import Region, Report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
BATCH = 1000


def samples() -> tuple[list[Report], list[str]]:
    docs = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("reports/*.txt"))
    reports = [extract(d.read_bytes()) for d in docs]
    sentences = [
        s + "。" for r in reports for s in r.text.replace("\n", "").split("。") if len(s) > 8
    ]
    return reports, sentences


def synthetic(
    i: int,
    r: random.Random,
    base: list[Report],
    sentences: list[str],
    counties: list[regions.Place],
) -> Report:
    report = copy.copy(r.choice(base))
    county = counties[i % len(counties)]
    g = regions.gazetteer()
    city = g.places.get(county.parent or "")
    province = g.places.get(city.parent or "") if city else None
    report.region = Region(
        province.name if province else None,
        city.name if city else None,
        county.name,
        None,
        county.code,
    )
    report.level = "county"
    report.agency = report.agency_key = f"{county.name}{r.choice(['人民政府', '财政局', '教育局'])}"
    report.year = 2019 + (i // len(counties)) % 7
    report.cells = {
        k: (None if v is None else max(0, int(v * r.uniform(0.5, 3)) + r.randint(0, 5)))
        for k, v in report.cells.items()
    }
    report.text = "".join(r.choices(sentences, k=60))
    return report


def load(db: Path, n: int) -> None:
    shutil.rmtree(db.parent, ignore_errors=True)
    archive = Archive(db)
    base, sentences = samples()
    counties = [p for p in regions.gazetteer().places.values() if p.level == "county"]
    r = random.Random(2026)
    run = archive.start_run("bench", "bench")
    start, cells = time.perf_counter(), 0
    for first in range(0, n, BATCH):
        with archive.db.atomic():
            for i in range(first, min(first + BATCH, n)):
                report = synthetic(i, r, base, sentences, counties)
                capture = archive.store(
                    Capture(url=f"https://bench.invalid/{i}", data=report.text.encode()), run
                )
                archive.load(capture, report, "bench")
                cells += len(report.cells)
        done = min(first + BATCH, n)
        if done % (BATCH * 20) == 0 or done == n:
            rate = done / (time.perf_counter() - start)
            print(f"  {done} reports loaded, {rate:.0f} reports/s", flush=True)
    seconds = time.perf_counter() - start
    size = db.stat().st_size
    print(
        f"load: {n} reports, {cells} cells in {seconds:.0f} s: {n / seconds:.0f} reports/s, "
        f"{cells / seconds:.0f} cell rows/s; database {size / 1e9:.2f} GB"
    )


def timed(base: str, path: str, params: dict[str, str], rounds: int) -> tuple[float, float]:
    url = base + urllib.parse.quote(path) + "?" + urllib.parse.urlencode(params)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def serve_and_time(db: Path, rounds: int) -> None:
    port = 8765
    server = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        floor, _ = timed(base, "/-/versions.json", {}, rounds)
        print(f"{'baseline /-/versions':22} p50 {floor * 1e3:8.1f} ms")
        pages = [
            ("table page", "/archive/reports", {}),
            ("facet page", "/archive/reports", {"province": "安徽省", "_facet": "county"}),
            (
                "canned query (a)",
                "/archive/applications_by_area",
                {"province": "安徽省", "level": "county", "year_from": "2020", "year_to": "2023"},
            ),
            ("search 蝠牌茶业", "/archive/reports", {"_search": "蝠牌茶业"}),
            ("search 复议", "/archive/reports", {"_search": "复议"}),
            ("search 政府信息公开", "/archive/reports", {"_search": "政府信息公开"}),
            ("search 复议 +facet", "/archive/reports", {"_search": "复议", "_facet": "province"}),
        ]
        for name, path, params in pages:
            p50, p95 = timed(base, path, params, rounds)
            print(
                f"{name:22} p50 {p50 * 1e3:8.1f} ms   p95 {p95 * 1e3:8.1f} ms"
                f"   ({p95 / floor:5.1f}× baseline)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/nianbao-bench/archive.db"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="time an archive already built")
    args = parser.parse_args()
    if not args.reuse:
        load(args.db, args.reports)
    Archive(args.db)  # an archive built by an older version is migrated first
    serve_and_time(args.db, args.rounds)


if __name__ == "__main__":
    main()
