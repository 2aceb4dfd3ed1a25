"""Extraction speed, as ratios to a baseline measured in the same run.

- HTML reports: extraction time ÷ the time lxml.html takes to parse the same bytes (goal ≤ 3×).
- Text reports: seconds per 1,000 text exports.

Run: .venv/bin/python bench/extract.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# This script is named like the package it measures: keep its folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import lxml.html  # noqa: E402

from extract import extract  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def best_of(fn: Callable[[], object], rounds: int) -> float:
    """The median of `rounds` timings: robust to a busy machine."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def html_ratio(rounds: int) -> None:
    pages = sorted(FIXTURES.glob("reports/*.html")) + sorted(FIXTURES.glob("html/*.html"))
    extract(pages[0].read_bytes())  # load the gazetteer and label tables once, outside timing
    total_x = total_b = 0.0
    print(f"{'HTML report':40} {'bytes':>8} {'lxml ms':>8} {'extract ms':>10} {'ratio':>6}")
    for page in pages:
        data = page.read_bytes()
        base = best_of(lambda d=data: lxml.html.document_fromstring(d), rounds)
        ours = best_of(lambda d=data: extract(d), rounds)
        total_x, total_b = total_x + ours, total_b + base
        print(
            f"{page.name:40} {len(data):8d} {base * 1e3:8.2f} {ours * 1e3:10.2f} {ours / base:6.2f}"
        )
    print(
        f"HTML: extraction ÷ lxml parse = {total_x / total_b:.2f}× (goal ≤ 3×) "
        f"over {len(pages)} pages"
    )


def text_rate(count: int) -> None:
    docs = [p.read_bytes() for p in sorted(FIXTURES.glob("seeds/*.txt"))]
    start = time.perf_counter()
    for i in range(count):
        extract(docs[i % len(docs)])
    elapsed = time.perf_counter() - start
    print(f"text: {elapsed / count * 1000:.2f} s per 1,000 text reports ({count} extracted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timings per page (median)")
    parser.add_argument("--texts", type=int, default=1000, help="text reports to extract")
    args = parser.parse_args()
    html_ratio(args.rounds)
    text_rate(args.texts)


if __name__ == "__main__":
    main()
