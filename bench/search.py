"""Chinese search: the archive's bigram index against FTS5's trigram tokenizer, one run.

Builds N synthetic reports from the sentences of the real reports in tests/fixtures (shuffled),
indexes them both ways, and prints build time, index size, and query latency (p50/p95) for
words of 1 to 6 characters, with how many reports each finds. The trigram index finds nothing
under three characters; that is why the archive indexes bigrams.

Run: .venv/bin/python bench/search.py [--reports 20000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from archive import search  # noqa: E402
from extract import extract  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
QUERIES = ["税", "预算", "复议", "依申请", "行政复议", "政府信息公开", "蝠牌茶业"]


def sentences() -> list[str]:
    docs = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("reports/*.html"))
    out: list[str] = []
    for doc in docs:
        text = extract(doc.read_bytes()).text
        out += [s + "。" for s in text.replace("\n", "").split("。") if len(s) > 8]
    return out


def corpus(n: int, seed: int = 1) -> list[str]:
    pool, r = sentences(), random.Random(seed)
    return ["".join(r.choices(pool, k=40)) for _ in range(n)]


def build(texts: list[str], kind: str) -> tuple[sqlite3.Connection, float]:
    conn = sqlite3.connect(":memory:")
    start = time.perf_counter()
    if kind == "trigram":
        conn.execute("create virtual table t using fts5(text, tokenize='trigram')")
        conn.executemany("insert into t(rowid, text) values (?, ?)", enumerate(texts, 1))
    else:
        conn.execute("create virtual table t using fts5(bigrams, unigrams, content='')")
        conn.executemany(
            "insert into t(rowid, bigrams, unigrams) values (?, ?, ?)",
            ((i, *search.tokens(t)) for i, t in enumerate(texts, 1)),
        )
    conn.commit()
    return conn, time.perf_counter() - start


def run_query(conn: sqlite3.Connection, kind: str, words: str) -> tuple[float, float, int]:
    q = f'"{words}"' if kind == "trigram" else search.query(words)
    times, hits = [], 0
    for _ in range(15):
        start = time.perf_counter()
        hits = len(conn.execute("select rowid from t where t match ? limit 1000", [q]).fetchall())
        times.append(time.perf_counter() - start)
    return statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1], hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20000)
    args = parser.parse_args()
    texts = corpus(args.reports)
    chars = sum(map(len, texts))
    print(f"{args.reports} synthetic reports, {chars / 1e6:.1f} M characters")
    built = {kind: build(texts, kind) for kind in ("trigram", "bigram")}
    for kind, (conn, seconds) in built.items():
        pages = conn.execute("pragma page_count").fetchone()[0]
        size = pages * conn.execute("pragma page_size").fetchone()[0]
        print(f"{kind:8} index: built in {seconds:.2f} s, {size / 1e6:.1f} MB")
    ratio = built["bigram"][1] / built["trigram"][1]
    print(f"build time bigram ÷ trigram = {ratio:.2f}×")
    print(f"{'query':14} {'trigram p50/p95 ms (hits)':>28} {'bigram p50/p95 ms (hits)':>28}")
    for words in QUERIES:
        cols = []
        for kind, (conn, _) in built.items():
            p50, p95, hits = run_query(conn, kind, words)
            cols.append(f"{p50 * 1e3:7.2f} / {p95 * 1e3:7.2f} ({hits:5d})")
        print(f"{words:14} {cols[0]:>28} {cols[1]:>28}")


if __name__ == "__main__":
    main()
