"""A crawl killed with SIGKILL at any moment, then started again with the same command, ends
with the captures an uninterrupted crawl records: none lost, none twice; its WARC stays valid."""

from __future__ import annotations

import collections
import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from crawler.capture import repair, settle

PORTALS = ["replica-generic", "replica-vsb", "replica-trs"]


def command(root: Path) -> list[str]:
    where = ["--db", str(root / "archive.db"), "--warc-dir", str(root)]
    return [sys.executable, "-m", "nianbao", "crawl", *PORTALS, *where]


def captures(root: Path) -> collections.Counter:
    """The run's captures by what was asked and what came: path (the replicas' ports may
    differ between runs), status, bytes."""
    conn = sqlite3.connect(root / "archive.db")
    (run,) = [r[0] for r in conn.execute("select id from runs where kind = 'crawl'")]
    return collections.Counter(
        (urllib.parse.urlsplit(url).path, status, sha256, error)
        for url, status, sha256, error in conn.execute(
            "select url, status, sha256, error from captures where run = ?", [run]
        )
    )


def count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("select count(*) from captures").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # not there yet, or its schema being made
        return 0


def killed_after(root: Path, recorded: int) -> int:
    """Start the crawl and SIGKILL it (and its workers) once it has recorded this many
    captures; how many it had when it died."""
    crawl = subprocess.Popen(
        command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while count(root / "archive.db") < recorded and crawl.poll() is None:
        assert time.monotonic() < deadline, "the crawl recorded too little"
        time.sleep(0.005)
    os.killpg(crawl.pid, signal.SIGKILL)
    crawl.wait()
    return count(root / "archive.db")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> collections.Counter:
    root = tmp_path_factory.mktemp("whole")
    subprocess.run(command(root), check=True, capture_output=True, timeout=300)
    return captures(root)


@pytest.mark.slow
@pytest.mark.parametrize("at", [1, 8, 20])
def test_a_crawl_killed_and_started_again_loses_and_repeats_nothing(
    at: int, uninterrupted: collections.Counter, tmp_path: Path
) -> None:
    died_with = killed_after(tmp_path, at)
    again = subprocess.run(command(tmp_path), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert at <= died_with < sum(uninterrupted.values())  # killed, mid-crawl
    assert captures(tmp_path) == uninterrupted
    (warc,) = tmp_path.glob("*.warc.gz")
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(warc)], capture_output=True
    )
    assert check.returncode == 0, check.stdout
    assert responses(warc) == recorded(tmp_path), "the WARC and the archive differ"


def responses(warc: Path) -> collections.Counter:
    """The WARC's response records, by where each starts."""
    from warcio.archiveiterator import ArchiveIterator

    with warc.open("rb") as f:
        records = ArchiveIterator(f)
        return collections.Counter(
            (warc.name, records.get_record_offset())
            for record in records
            if record.rec_type == "response"
        )


def recorded(root: Path) -> collections.Counter:
    """Where the archive says each capture's response lies in the WARC."""
    conn = sqlite3.connect(root / "archive.db")
    return collections.Counter(
        conn.execute("select warc, warc_offset from captures where warc is not null").fetchall()
    )


def test_records_the_archive_never_recorded_are_cut_from_the_warc(tmp_path: Path) -> None:
    from archive.store import Archive, Capture

    archive = Archive(tmp_path / "archive.db")
    run = archive.start_run("crawl", "test")
    warc = tmp_path / f"{run}.warc.gz"
    members = [gzip.compress(f"record {i}".encode()) for i in range(6)]
    warc.write_bytes(b"".join(members))
    second = len(members[0]) + len(members[1])  # the second pair's response record
    archive.store(
        Capture(url="http://x/a", data=b"a", warc=warc.name, warc_offset=second), run, per_run=True
    )
    assert settle(archive, run, warc) == len(members[4]) + len(members[5])
    assert warc.read_bytes() == b"".join(members[:4])
    other = archive.start_run("crawl", "test")  # recorded nothing before it was killed
    size = warc.stat().st_size
    assert settle(archive, other, warc) == size and warc.read_bytes() == b""


def test_a_warc_of_a_run_recorded_before_offsets_were_kept_is_left_whole(tmp_path: Path) -> None:
    from archive.store import Archive, Capture

    archive = Archive(tmp_path / "archive.db")
    run = archive.start_run("crawl", "test")
    warc = tmp_path / f"{run}.warc.gz"
    warc.write_bytes(gzip.compress(b"one") + gzip.compress(b"two"))
    archive.store(Capture(url="http://x/a", data=b"a", status=200), run, per_run=True)
    assert settle(archive, run, warc) == 0 and warc.stat().st_size > 0


def test_a_warc_shorter_than_the_archive_says_is_never_padded(tmp_path: Path) -> None:
    from archive.store import Archive, Capture

    archive = Archive(tmp_path / "archive.db")
    run = archive.start_run("crawl", "test")
    warc = tmp_path / f"{run}.warc.gz"
    whole = gzip.compress(b"one") + gzip.compress(b"two")
    warc.write_bytes(whole)  # its last records lost with a power cut
    capture = Capture(url="http://x/a", data=b"a", status=200, warc=warc.name, warc_offset=9999)
    archive.store(capture, run, per_run=True)
    assert settle(archive, run, warc) == 0 and warc.read_bytes() == whole


def test_a_torn_last_record_is_cut_from_the_warc(tmp_path: Path) -> None:
    warc = tmp_path / "run.warc.gz"
    whole = gzip.compress(b"WARC/1.0\r\n\r\n") + gzip.compress(b"second record")
    torn = gzip.compress(b"a record the kill cut short" * 50)[:40]
    warc.write_bytes(whole + torn)
    assert repair(warc) == 40
    assert warc.read_bytes() == whole
    assert repair(warc) == 0  # whole already
