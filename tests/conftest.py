from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.store import Archive
from nianbao import ingest

FIXTURES = Path(__file__).parent / "fixtures"


def golden_corpus() -> list[tuple[Path, Path]]:
    """Every real report we hold in a format the extractor reads, with its expected extraction."""
    pairs = [
        (doc, FIXTURES / "seeds" / "expected" / f"{doc.stem}.json")
        for doc in sorted((FIXTURES / "seeds").glob("*.txt"))
    ]
    pairs += [
        (doc, FIXTURES / "reports" / "expected" / f"{doc.stem}.json")
        for doc in sorted((FIXTURES / "reports").iterdir())
        if doc.suffix in (".html", ".txt", ".pdf")
    ]
    # The same real reports in the formats they are attached in (scripts/build_replica_reports.py).
    index = json.loads((FIXTURES / "formats" / "index.json").read_text(encoding="utf-8"))
    pairs += [(FIXTURES / "formats" / doc, FIXTURES / rel) for doc, rel in sorted(index.items())]
    return pairs


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def crawl_replicas(root: Path, *portals: str) -> str:
    """A real `nianbao crawl` of these replica portals, in a subprocess, into root/archive.db
    with its WARC in root; what it printed."""
    where = ["--db", str(root / "archive.db"), "--warc-dir", str(root)]
    done = subprocess.run(
        [sys.executable, "-m", "nianbao", "crawl", *portals, *where],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql)]


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("site") / "archive.db"
    archive = Archive(db)
    docs = [
        *sorted((FIXTURES / "seeds").glob("*.txt")),
        FIXTURES / "reports" / "shuyang-fgj-2023.html",
        FIXTURES / "reports" / "huaian-city-2024.txt",
    ]
    ingest.add(archive, docs, timeout=30)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)
