"""Merging a crawler machine's archive back: the time of `archive.merge.merge` against the
baseline measured in the same run, copying the same files by hand (SQLite's backup of the
source database and a copy of its blobs and WARC), the floor of moving those bytes at all.

The source is a night's share of a crawler on another machine: N captures (default 5,000) of
report pages with their blobs and one WARC, in a run the central archive lacks; merging it
again (nothing new) is timed too, as the cost of a merge that finds nothing.

Run: .venv/bin/python bench/merge.py [--captures 5000] [--dir /tmp/nianbao-bench-merge]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from archive.merge import merge  # noqa: E402
from archive.store import Archive, Capture  # noqa: E402


def worker(root: Path, captures: int) -> Path:
    archive = Archive(root / "archive.db")
    run = archive.start_run("nightly", "bench", "bench-portal")
    name = f"{run}-worker-1.warc.gz"
    (root / "warc").mkdir(parents=True, exist_ok=True)
    page = (
        Path(__file__).parent.parent / "tests/fixtures/reports/shuyang-fgj-2023.html"
    ).read_bytes()
    with (root / "warc" / name).open("wb") as warc, archive.db.atomic():
        for i in range(captures):
            data = page + f"<!-- {i} -->".encode()
            offset = warc.tell()
            warc.write(gzip.compress(data, 1))
            archive.store(
                Capture(
                    url=f"http://portal.example/art/{i}.html",
                    data=data,
                    status=200,
                    role="page",
                    method="GET",
                    portal="bench-portal",
                    warc=name,
                    warc_offset=offset,
                    request=f"GET {i}",
                ),
                run,
                per_run=True,
            )
    archive.finish_run(run, captures, 0, 0)
    archive.db.conn.commit()
    archive.db.close()
    return root / "archive.db"


def by_hand(source: Path, into: Path) -> None:
    into.mkdir(parents=True)
    with sqlite3.connect(source) as a, sqlite3.connect(into / "archive.db") as b:
        a.backup(b)
    shutil.copytree(source.parent / "blobs", into / "blobs")
    shutil.copytree(source.parent / "warc", into / "warc")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=int, default=5_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench-merge"))
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    source = worker(args.dir / "worker", args.captures)
    size = sum(f.stat().st_size for f in (args.dir / "worker").rglob("*") if f.is_file())
    print(f"source: {args.captures} captures, {size / 2**20:.0f} MB with blobs and WARC")

    started = time.perf_counter()
    by_hand(source, args.dir / "copy")
    baseline = time.perf_counter() - started

    central = Archive(args.dir / "central" / "archive.db")
    started = time.perf_counter()
    merged = merge(central, source, central.path.parent / "warc")
    took = time.perf_counter() - started
    started = time.perf_counter()
    again = merge(central, source, central.path.parent / "warc")
    nothing = time.perf_counter() - started
    assert merged.captures == args.captures and again.captures == 0, (merged, again)

    print(f"copying the files by hand:   {baseline:7.2f} s  (baseline)")
    print(f"nianbao merge:               {took:7.2f} s  {took / baseline:5.2f}× the baseline")
    print(f"merging again (nothing new): {nothing:7.2f} s  {nothing / baseline:5.2f}× the baseline")


if __name__ == "__main__":
    main()
