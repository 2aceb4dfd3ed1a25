"""Archives merged: what crawlers on other machines captured, on their own copies of the
archive, brought back whole and filed here; each capture once, however often merged."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.merge import MergeError, merge
from archive.store import Archive, Capture
from nianbao import merging
from tests.conftest import FIXTURES

SHUYANG = FIXTURES / "reports" / "shuyang-fgj-2023.html"
LIST = "http://127.0.0.1:8607/col/list.html"
PAGE = "http://127.0.0.1:8607/art/shuyang.html"


def crawled(root: Path, run: str = "", warc: bytes = b"") -> tuple[Archive, str]:
    """A crawler's archive on another machine: one run with a list page and a report page,
    their responses in the run's WARC."""
    archive = Archive(root / "archive.db")
    run = archive.start_run("crawl", "test", "replica-generic", run)
    name = f"{run}-worker-1.warc.gz"
    (root / "warc").mkdir(exist_ok=True)
    (root / "warc" / name).write_bytes(warc or gzip.compress(b"response") * 4)
    for offset, url, role, data in ((0, LIST, "list", b"<a href=x>"), (2, PAGE, "page", None)):
        archive.store(
            Capture(
                url=url,
                data=data or SHUYANG.read_bytes(),
                status=200,
                role=role,
                method="GET",
                portal="replica-generic",
                referrer=LIST if role == "page" else None,
                content_type="text/html",
                warc=name,
                warc_offset=offset,
                request=f"GET {url}",
            ),
            run,
            per_run=True,
        )
    archive.swap_links(f"GET {LIST}", f"GET {PAGE}", run)
    archive.finish_run(run, 2, 0, 0)
    archive.db.conn.commit()
    return archive, run


@pytest.fixture
def central(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "central" / "archive.db")


def test_a_merge_brings_the_runs_captures_bytes_and_warcs(central: Archive, tmp_path: Path) -> None:
    worker, run = crawled(tmp_path / "w1")
    merged = merge(central, worker.path, central.path.parent / "warc")
    assert (merged.captures, merged.blobs, merged.runs, merged.left) == (2, 2, [run], [])
    assert merged.warcs == [f"{run}-worker-1.warc.gz"]
    warc = central.path.parent / "warc" / merged.warcs[0]
    assert warc.read_bytes() == (tmp_path / "w1" / "warc" / warc.name).read_bytes()
    page = central._one("select * from captures where url = ?", [PAGE])
    assert page is not None and page["extracted"] is None  # filed here, not as filed there
    assert central.read(page["id"]) == SHUYANG.read_bytes()
    assert central.db.execute("select links from list_links").fetchall() == [(f"GET {PAGE}",)]


def test_a_merge_run_again_adds_nothing(central: Archive, tmp_path: Path) -> None:
    worker, _ = crawled(tmp_path / "w1")
    merge(central, worker.path, central.path.parent / "warc")
    again = merge(central, worker.path, central.path.parent / "warc")
    assert (again.captures, again.blobs, again.warcs, again.runs) == (0, 0, [], [])
    assert central.db.table("captures").count == 2


def test_a_capture_both_machines_made_in_one_run_is_kept_once(
    central: Archive, tmp_path: Path
) -> None:
    one, run = crawled(tmp_path / "w1")
    two, _ = crawled(tmp_path / "w2", run)  # the same run, the same answers
    for worker in (one, two):
        merge(central, worker.path, central.path.parent / "warc")
    assert central.db.table("captures").count == 2
    assert central.db.table("runs").count == 1


def test_merged_captures_are_filed_and_their_run_counted_whole(
    central: Archive, tmp_path: Path
) -> None:
    worker, run = crawled(tmp_path / "w1")
    gathered = merging.gather(central, [worker.path], central.path.parent / "warc", timeout=30)
    assert gathered.runs == {run: 1}
    assert gathered.new_reports == ["321322-沭阳县发展和改革局-2023-v1"]
    row = central.db.table("runs").get(run)
    assert (row["captures"], row["reports"], row["new_reports"]) == (2, 1, 1)
    health = central.db.execute("select health, pages from run_portals").fetchall()
    assert health == [("ok", 1)]


def test_a_capture_whose_bytes_are_missing_is_left_out_said_and_brought_later(
    central: Archive, tmp_path: Path
) -> None:
    worker, _ = crawled(tmp_path / "w1")
    sha = worker._one("select sha256 from captures where url = ?", [PAGE])["sha256"]  # type: ignore[index]
    kept = tmp_path / "kept"
    shutil.move(worker.blobs.path(sha), kept)
    merged = merge(central, worker.path, central.path.parent / "warc")
    assert merged.captures == 1
    assert merged.left == [
        f"capture {worker._one('select id from captures where url = ?', [PAGE])['id']}:"  # type: ignore[index]
        f" blob {sha} is missing from {worker.blobs.root}"
    ]
    shutil.move(kept, worker.blobs.path(sha))
    assert merge(central, worker.path, central.path.parent / "warc").captures == 1


def test_corrupt_bytes_are_not_brought_over(central: Archive, tmp_path: Path) -> None:
    worker, _ = crawled(tmp_path / "w1")
    sha = worker._one("select sha256 from captures where url = ?", [PAGE])["sha256"]  # type: ignore[index]
    worker.blobs.path(sha).write_bytes(b"flipped")
    merged = merge(central, worker.path, central.path.parent / "warc")
    assert "is corrupt" in merged.left[0] and merged.captures == 1
    assert not central.blobs.path(sha).exists()


def test_a_warc_grown_since_replaces_its_copy_and_another_is_never_overwritten(
    central: Archive, tmp_path: Path
) -> None:
    record = gzip.compress(b"response")
    worker, run = crawled(tmp_path / "w1", warc=record * 2)
    warcs = central.path.parent / "warc"
    merge(central, worker.path, warcs)
    name = f"{run}-worker-1.warc.gz"
    (tmp_path / "w1" / "warc" / name).write_bytes(record * 4)  # its crawl went on
    worker.store(
        Capture(url=PAGE + "?2", data=b"more", warc=name, warc_offset=2), run, per_run=True
    )
    worker.db.conn.commit()
    assert merge(central, worker.path, warcs).warcs == [name]
    assert (warcs / name).read_bytes() == record * 4
    (tmp_path / "w1" / "warc" / name).write_bytes(b"other records")
    worker.store(Capture(url=PAGE + "?3", data=b"yet more", warc=name), run, per_run=True)
    worker.db.conn.commit()
    merged = merge(central, worker.path, warcs)
    assert merged.left == [f"WARC {name}: {warcs / name} holds other records; not replaced"]
    assert (warcs / name).read_bytes() == record * 4


def test_the_newer_reading_of_a_list_wins(central: Archive, tmp_path: Path) -> None:
    worker, _ = crawled(tmp_path / "w1")
    merge(central, worker.path, central.path.parent / "warc")
    later = central.start_run("nightly", "test", "replica-generic")
    central.swap_links(f"GET {LIST}", "tonight's", later)
    central.db.conn.commit()
    merge(central, worker.path, central.path.parent / "warc")  # its reading is older
    assert central.db.execute("select links from list_links").fetchall() == [("tonight's",)]


def test_a_new_archive_given_anothers_captures_becomes_a_copy_of_it(
    central: Archive, tmp_path: Path
) -> None:
    worker, _ = crawled(tmp_path / "w1")
    assert worker.id != central.id
    fresh = Archive(tmp_path / "fresh" / "archive.db")
    merge(fresh, worker.path, fresh.path.parent / "warc")
    assert fresh.id == worker.id
    own, _ = crawled(tmp_path / "w2")  # an archive with captures of its own stays itself
    merge(own, fresh.path, own.path.parent / "warc")
    assert own.id not in (worker.id, central.id)


def test_merging_nothing_there_or_itself_is_an_error(central: Archive, tmp_path: Path) -> None:
    with pytest.raises(MergeError, match="no archive at"):
        merge(central, tmp_path / "nowhere.db", tmp_path)
    with pytest.raises(MergeError, match="is the archive merged into"):
        merge(central, central.path, tmp_path)


def test_nianbao_merge_says_what_it_brought_and_what_it_left(tmp_path: Path) -> None:
    worker, run = crawled(tmp_path / "w1")
    sha = worker._one("select sha256 from captures where role = 'list'", [])["sha256"]  # type: ignore[index]
    worker.blobs.path(sha).unlink()
    db = tmp_path / "central" / "archive.db"
    done = subprocess.run(
        [sys.executable, "-m", "nianbao", "merge", str(worker.path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1  # something was left out
    assert f"{worker.path}: 1 captures (1 new blobs), 1 WARCs, runs {run}" in done.stdout
    assert f"filed {run}: 1 reports" in done.stdout
    assert f"left out: {worker.path}: capture" in done.stderr and "is missing" in done.stderr


def test_a_published_copy_of_this_schema_is_merged_without_being_written(
    central: Archive, tmp_path: Path
) -> None:
    from nianbao.nightly import publish

    worker, _ = crawled(tmp_path / "w1")
    published = tmp_path / "w1" / "published.db"
    publish(worker.path, published)
    before = published.read_bytes()
    assert merge(central, published, central.path.parent / "warc").captures == 2
    assert published.read_bytes() == before
    assert not (tmp_path / "w1" / ".published.db.open").exists()


def test_a_run_merged_but_never_filed_is_filed_by_the_next_merge(
    central: Archive, tmp_path: Path
) -> None:
    worker, run = crawled(tmp_path / "w1")
    merge(central, worker.path, central.path.parent / "warc")  # killed before filing
    gathered = merging.gather(
        central, [tmp_path / "typo.db", worker.path], central.path.parent / "warc", timeout=30
    )
    assert gathered.refused == [f"no archive at {tmp_path / 'typo.db'}"]
    assert gathered.runs == {run: 1}
