"""Two crawler processes sharing one scrapy-redis queue and dupefilter in a real redis-server
crawl the replicas as one crawl: the same captures and reports as one process, none twice."""

from __future__ import annotations

import collections
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import free_port

pytestmark = pytest.mark.slow  # Debian's redis-server, which scripts/bootstrap.sh installs
PORTALS = ["replica-generic", "replica-vsb", "replica-trs"]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    where = tmp_path_factory.mktemp("redis")
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(where)]
    server = subprocess.Popen(
        ["redis-server", *options],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def replicas() -> Iterator[None]:
    """The replicas served by a process of their own, as for crawlers on other machines, each
    answer a little slow, as a real portal's: both crawlers are at work before it ends."""
    server = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "replicas"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NIANBAO_REPLICA_LATENCY": "0.3"},
    )
    for _ in range(200):
        try:
            urllib.request.urlopen("http://127.0.0.1:8607/", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    yield
    server.terminate()
    server.wait(timeout=10)


def crawl(root: Path, *extra: str) -> list[str]:
    where = ["--db", str(root / "archive.db"), "--warc-dir", str(root)]
    return [sys.executable, "-m", "nianbao", "crawl", *PORTALS, *where, *extra]


def captures(root: Path) -> collections.Counter:
    conn = sqlite3.connect(root / "archive.db")
    return collections.Counter(
        conn.execute("select url, status, sha256, error from captures where role != 'robots'")
    )


@pytest.fixture(scope="module")
def shared(
    redis_url: str, replicas: None, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """One process alone, then two at once over Redis."""
    alone = tmp_path_factory.mktemp("alone")
    subprocess.run(crawl(alone), check=True, capture_output=True, timeout=300)
    two = tmp_path_factory.mktemp("two")
    crawlers = [
        subprocess.Popen(
            crawl(two, "--redis", redis_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for crawler in crawlers:
        _, err = crawler.communicate(timeout=300)
        assert crawler.returncode == 0, err.decode()
    return alone, two


def test_two_processes_record_what_one_records_none_lost_none_twice(shared: tuple) -> None:
    alone, two = shared
    assert captures(two) == captures(alone)
    conn = sqlite3.connect(two / "archive.db")
    assert conn.execute("select count(*) from runs").fetchone()[0] == 1  # one crawl


def test_the_two_processes_shared_the_work_and_fetched_nothing_twice(shared: tuple) -> None:
    _, two = shared
    fetched: list[str] = []
    warcs = sorted(two.glob("*.warc.gz"))
    for warc in warcs:
        with warc.open("rb") as f:
            fetched += [
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(f)
                if r.rec_type == "response"
            ]
    pages = [u for u in fetched if urllib.parse.urlsplit(u).path != "/robots.txt"]
    assert len(warcs) == 2  # one WARC per process
    assert len(pages) == len(set(pages))  # each asked once, by one or the other
    answered = {url for url, status, *_ in captures(two) if status is not None}
    assert set(pages) == answered  # every answer in one WARC or the other


def test_the_reports_filed_are_the_same(shared: tuple) -> None:
    alone, two = shared
    query = "select id from reports order by id"
    assert (
        sqlite3.connect(two / "archive.db").execute(query).fetchall()
        == sqlite3.connect(alone / "archive.db").execute(query).fetchall()
    )


def nianbao(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def machines(
    redis_url: str, replicas: None, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Path]]:
    """Two crawlers as on two machines: each on its own copy of the central archive (given it
    by `nianbao merge --no-file`), sharing one queue; then both merged back into the centre."""
    central = tmp_path_factory.mktemp("central")
    workers = [tmp_path_factory.mktemp(f"machine{i}") for i in (1, 2)]
    from archive.store import Archive

    Archive(central / "archive.db").db.close()
    for worker in workers:
        nianbao(
            "merge", str(central / "archive.db"), "--db", str(worker / "archive.db"), "--no-file"
        )
    crawlers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nianbao",
                "crawl",
                *PORTALS,
                "--db",
                str(worker / "archive.db"),
                "--warc-dir",
                str(worker / "warc"),
                "--redis",
                redis_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for worker in workers
    ]
    for crawler in crawlers:
        _, err = crawler.communicate(timeout=300)
        assert crawler.returncode == 0, err.decode()
    where = ["--db", str(central / "archive.db"), "--warc-dir", str(central / "warc")]
    nianbao("merge", *(str(w / "archive.db") for w in workers), *where)
    return central, workers


def everything(root: Path) -> collections.Counter:
    """Every capture, robots.txt too, by what was asked and what came."""
    conn = sqlite3.connect(root / "archive.db")
    return collections.Counter(
        conn.execute("select url, status, sha256, error, role from captures")
    )


def test_crawlers_on_two_machines_merged_record_what_one_records(
    shared: tuple, machines: tuple
) -> None:
    alone, _ = shared
    central, workers = machines
    assert everything(central) == everything(alone)
    # Their shares (which one took what is the queue's to say) are the crawl, none twice.
    one, two = (captures(worker) for worker in workers)
    assert not one & two and one + two == captures(alone)
    conn = sqlite3.connect(central / "archive.db")
    assert conn.execute("select count(*) from runs").fetchone()[0] == 1  # one crawl
    query = "select id from reports order by id"
    assert (
        conn.execute(query).fetchall()
        == sqlite3.connect(alone / "archive.db").execute(query).fetchall()
    )


def test_the_merged_warcs_hold_each_answer_once_where_the_archive_says(machines: tuple) -> None:
    central, _ = machines
    warcs = sorted((central / "warc").glob("*.warc.gz"))
    conn = sqlite3.connect(central / "archive.db")
    named = conn.execute("select distinct warc from captures where warc is not null").fetchall()
    assert sorted(w.name for w in warcs) == sorted(name for (name,) in named)
    at: list[tuple[str, int, str]] = []
    for warc in warcs:
        with warc.open("rb") as f:
            records = ArchiveIterator(f)
            at += [
                (
                    warc.name,
                    records.get_record_offset(),
                    r.rec_headers.get_header("WARC-Target-URI"),
                )
                for r in records
                if r.rec_type == "response"
            ]
    recorded = conn.execute(
        "select warc, warc_offset, final_url from captures where warc is not null"
    ).fetchall()
    pages = [url for *_, url in at if urllib.parse.urlsplit(url).path != "/robots.txt"]
    assert len(pages) == len(set(pages))
    assert set(recorded) <= set(at)  # every capture's response where it says


def test_merging_the_machines_again_brings_nothing(machines: tuple) -> None:
    central, workers = machines
    where = ["--db", str(central / "archive.db"), "--warc-dir", str(central / "warc")]
    again = nianbao("merge", *(str(w / "archive.db") for w in workers), *where)
    assert again.stdout.count(": 0 captures (0 new blobs), 0 WARCs, runs none new") == 2


def test_a_process_with_nothing_to_do_waits_while_another_is_at_work(redis_url: str) -> None:
    import redis
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.exceptions import DontCloseSpider

    from crawler.together import Together

    crawler = Crawler(Spider, {"REDIS_URL": redis_url, "NIANBAO_RUN": "run-t"})
    together = Together(crawler)
    spider = Spider(name="generic")
    together.opened(spider)
    other = redis.Redis.from_url(redis_url)
    other.set("nianbao:run-t:generic:busy:elsewhere-1", 1, ex=60)  # another machine's process
    with pytest.raises(DontCloseSpider):
        together.idle(spider)
    assert not other.exists(together.key)  # idle itself: it holds nobody
    other.delete("nianbao:run-t:generic:busy:elsewhere-1")
    together.idle(spider)  # nobody at work: it may end
    together.closed(spider)
