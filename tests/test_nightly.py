"""Nightly runs: only what is new or changed is fetched, an edited report becomes a version,
runs never overlap, and Datasette's copy is replaced whole."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.store import Known
from crawler.revisit import due
from nianbao import nightly
from replicas.generic import sites as generic_sites
from replicas.server import serving
from tests.conftest import rows

# The world moves on: two reports edited (one figure each), one report published.
CHANGES = {
    "edit": {
        "shuyang-gov-2025": [[">713<", ">715<"]],
        "boai-xiaojing-2020": [[">2.7<", ">3.7<"]],
    },
    "add": {"generic": ["shucheng-2020"]},
    "published": {"shucheng-2020": "2026-11-20"},
}
NOW = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


def known(
    checked: timedelta, changed: timedelta, role: str = "page", first: timedelta | None = None
) -> Known:
    """A document last asked `checked` ago, its bytes these since `changed` ago, first fetched
    `first` ago (by default two years ago: it has been seen to change)."""
    stamp = lambda ago: (NOW - ago).isoformat(timespec="seconds")  # noqa: E731
    when = stamp(first if first is not None else timedelta(days=730))
    return Known("c", "sha", 200, {}, "http://x/", role, None, stamp(checked), stamp(changed), when)


def test_a_document_changed_this_week_is_asked_again_the_next_night() -> None:
    assert due(known(timedelta(hours=23), timedelta(days=4)), NOW)  # last night, a bit later
    assert not due(known(timedelta(hours=12), timedelta(days=4)), NOW)


def test_a_document_unchanged_for_a_year_is_asked_once_a_month() -> None:
    year = timedelta(days=365)
    assert not due(known(timedelta(days=26), year), NOW)
    assert due(known(timedelta(days=30), year), NOW)


def test_a_page_never_seen_to_change_waits_a_week_not_a_night() -> None:
    fetched = timedelta(days=2)  # first fetched two nights ago, unchanged since
    assert not due(known(timedelta(days=1), fetched, first=fetched), NOW)
    assert due(known(timedelta(days=7), timedelta(days=8), first=timedelta(days=8)), NOW)


def test_a_list_is_asked_at_least_once_a_week() -> None:
    assert due(known(timedelta(days=7), timedelta(days=365), role="list"), NOW)


def test_a_replica_answers_a_request_naming_its_tag_with_304() -> None:
    with serving(generic_sites()) as (running,):
        url = running.url + "/zwgk/xxgknb/index.html"
        first = urllib.request.urlopen(url, timeout=5)
        tag = first.headers["ETag"]
        asked = urllib.request.Request(url, headers={"If-None-Match": tag})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(asked, timeout=5)
    assert tag and answer.value.code == 304


def nianbao_nightly(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    where = ["--db", str(root / "archive.db"), "--warc-dir", str(root)]
    where += ["--publish", str(root / "published.db")]
    return subprocess.run(
        [sys.executable, "-m", "nianbao", "nightly", "replica-generic", *where],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """Three nights of one portal: the first crawl, a night with nothing new, a night after
    two reports were edited and one was published."""
    root = tmp_path_factory.mktemp("nightly")
    changes = root / "changes.json"
    changes.write_text(json.dumps(CHANGES), encoding="utf-8")
    said = []
    for env in (None, None, {"NIANBAO_REPLICA_CHANGES": str(changes)}):
        done = nianbao_nightly(root, env)
        assert done.returncode == 0, done.stderr
        said.append(done.stdout)
    yield root, said


def runs(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("select id from runs order by started_at, rowid")]


@pytest.mark.slow
def test_a_night_with_nothing_new_asks_only_the_way_to_the_list(nights: tuple) -> None:
    root, said = nights
    conn = sqlite3.connect(root / "archive.db")
    first, quiet, _ = runs(conn)
    asked = rows(conn, f"select role, status from captures where run = '{quiet}' order by url")
    full = rows(conn, f"select count(*) from captures where run = '{first}'")[0][0]
    # home, the 政务公开 hub, the column's first page: each "not modified"; the rest not asked
    assert asked == [("list", 304)] * 3 and full == 10
    assert "nightly: 3 requests (3 not modified), 0 new reports, 0 new versions" in said[1]


@pytest.mark.slow
def test_only_the_edited_and_the_new_reports_are_fetched(nights: tuple) -> None:
    root, said = nights
    conn = sqlite3.connect(root / "archive.db")
    night = runs(conn)[-1]
    fetched = rows(
        conn,
        "select c.url from captures c where c.run = ? and c.role in ('page', 'attachment')"
        " and c.status = 200".replace("?", f"'{night}'"),
    )
    titles = rows(
        conn,
        "select r.agency_name, r.year, r.version from reports r join captures c"
        f" on c.extracted = r.id where c.run = '{night}' and c.status = 200"
        " and c.role = 'page' order by r.agency_name",
    )
    assert len(fetched) == 3
    assert titles == [
        ("博爱县孝敬镇人民政府", 2020, 2),
        ("沭阳县人民政府", 2025, 2),
        ("舒城县人民政府", 2020, 1),
    ]
    assert "2 new versions" in said[2] and "1 new reports" in said[2]


@pytest.mark.slow
def test_a_new_version_shows_which_cells_changed(nights: tuple) -> None:
    root, _ = nights
    conn = sqlite3.connect(root / "published.db")
    changed = rows(
        conn,
        "select agency, cell, old_value, new_value from version_changes order by agency, cell",
    )
    assert ("沭阳县人民政府", "applications.new_received.total", 713, 715) in changed
    assert ("博爱县孝敬镇人民政府", "proactive.procurement.amount", 2.7, 3.7) in changed
    old, new = rows(
        conn, "select latest from reports where agency_name = '沭阳县人民政府' order by version"
    )
    assert old == (0,) and new == (1,)


@pytest.mark.slow
def test_the_published_copy_is_whole_and_says_the_nights_summary(nights: tuple) -> None:
    root, _ = nights
    published = sqlite3.connect(root / "published.db")
    assert published.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert rows(
        published,
        "select requests > 3, new_reports, new_versions, published_at is not null from runs"
        " order by started_at desc limit 1",
    ) == [(1, 1, 2, 1)]
    assert not (root / ".published.db.partial").exists()
    (log,) = rows(published, "select log from runs order by started_at desc limit 1")[0]
    assert log.startswith("replica-generic: ok, ") and "1 new reports, 2 new versions: " in log


def test_a_second_nightly_run_stops_while_one_holds_the_lock(tmp_path: Path) -> None:
    with nightly.locked(tmp_path / nightly.LOCK):
        done = nianbao_nightly(tmp_path)
    assert done.returncode == 75
    assert "another nightly run holds" in done.stderr and f"pid {os.getpid()}" in done.stderr


def test_the_lock_is_free_again_when_its_holder_ends(tmp_path: Path) -> None:
    with nightly.locked(tmp_path / nightly.LOCK):
        pass
    with nightly.locked(tmp_path / nightly.LOCK):
        pass  # taken again: a finished (or killed) run leaves no stale lock


def test_publishing_replaces_the_copy_in_one_rename(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    with sqlite3.connect(archive) as conn:
        conn.execute("pragma journal_mode = wal")
        conn.execute("create table t (n)")
        conn.execute("insert into t values (1)")
    published = tmp_path / "published.db"
    nightly.publish(archive, published)
    reader = sqlite3.connect(published)  # a reader of the old copy, its file open
    assert reader.execute("select count(*) from t").fetchone()[0] == 1
    with sqlite3.connect(archive) as conn:
        conn.execute("insert into t values (2)")
    nightly.publish(archive, published)
    assert reader.execute("select count(*) from t").fetchone()[0] == 1  # its file, whole
    assert sqlite3.connect(published).execute("select count(*) from t").fetchone()[0] == 2


@pytest.mark.slow
def test_a_night_sends_no_more_requests_than_its_budget(tmp_path: Path) -> None:
    where = ["--db", str(tmp_path / "archive.db"), "--warc-dir", str(tmp_path)]
    where += ["--publish", str(tmp_path / "published.db"), "--budget", "3"]
    done = subprocess.run(
        [sys.executable, "-m", "nianbao", "nightly", "replica-generic", *where],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(tmp_path / "archive.db")
    sent = rows(conn, "select count(*) from captures where status is not null")[0][0]
    waiting = rows(conn, "select distinct error from captures where status is null")
    assert sent == 3
    assert waiting == [("IgnoreRequest: not asked: the run's budget of 3 requests is spent",)]


@pytest.mark.slow
def test_a_page_whose_stored_bytes_are_gone_is_asked_without_conditions(tmp_path: Path) -> None:
    assert nianbao_nightly(tmp_path).returncode == 0
    conn = sqlite3.connect(tmp_path / "archive.db")
    (url, sha256), *_ = rows(
        conn, "select url, sha256 from captures where role = 'list' order by fetched_at desc"
    )
    (tmp_path / "blobs" / sha256[:2] / sha256[2:4] / sha256).unlink()
    night = nianbao_nightly(tmp_path)
    assert night.returncode == 0, night.stderr
    (second,) = rows(conn, "select id from runs order by started_at desc limit 1")[0]
    asked = rows(conn, f"select url, status from captures where run = '{second}' order by url")
    assert (url, 200) in asked and all(status == 304 for u, status in asked if u != url)
