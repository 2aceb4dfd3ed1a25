"""The archive: raw bytes kept, reports filed as versions, loads idempotent, failures listed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive import search
from archive.blobs import BlobError, BlobStore
from archive.publish.serve import Unsettled, settle
from archive.schema import m008_digests_of_older_reports, migrations, wide_labels
from archive.store import Archive
from nianbao import ingest
from tests.conftest import FIXTURES

SEED = FIXTURES / "seeds" / "000_4d0d487dab0ad5cb.txt"
SHUYANG = FIXTURES / "reports" / "shuyang-fgj-2023.html"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "data" / "archive.db")


def counts(archive: Archive) -> dict[str, int]:
    names = ("captures", "reports", "cells", "checks", "warnings", "applications_wide")
    return {t: archive.db.table(t).count for t in names}


def test_added_documents_keep_their_bytes_and_give_reports(archive: Archive) -> None:
    tally = ingest.add(archive, [SEED, SHUYANG], timeout=30)
    assert (tally.captures, tally.reports, tally.failures) == (2, 2, [])
    capture = next(archive.db.table("captures").rows_where("url like ?", ["%000_4d0d%"]))
    assert archive.read(capture["id"]) == SEED.read_bytes()
    report = archive.db.table("reports").get("341524-金寨县花石乡人民政府-2020-v1")
    assert (report["province"], report["year"], report["template"]) == ("安徽省", 2020, "2019")
    assert report["capture"] == capture["id"]


def test_every_cell_links_to_the_capture_it_came_from(archive: Archive) -> None:
    ingest.add(archive, [SHUYANG], timeout=30)
    rows = list(
        archive.db.query(
            "select c.value, c.raw, c.capture, k.url from cells c"
            " join captures k on k.id = c.capture"
            " where c.key = 'applications.new_received.natural_person'"
        )
    )
    assert rows[0]["value"] == 26 and rows[0]["url"].endswith("shuyang-fgj-2023.html")


def test_a_blank_cell_is_stored_null_not_zero(archive: Archive) -> None:
    ingest.add(archive, [SHUYANG], timeout=30)
    row = next(
        archive.db.query(
            "select value, raw from cells where key = 'applications.granted.commercial'"
        )
    )
    assert row == {"value": None, "raw": ""}


def test_loading_the_same_documents_twice_changes_nothing(archive: Archive) -> None:
    ingest.add(archive, [SEED, SHUYANG], timeout=30)
    before = counts(archive)
    ingest.add(archive, [SEED, SHUYANG], timeout=30)
    assert counts(archive) == before


def test_a_changed_document_is_a_new_version_and_the_old_one_stays(
    archive: Archive, tmp_path: Path
) -> None:
    doc = tmp_path / "report.txt"
    doc.write_bytes(SEED.read_bytes())
    ingest.add(archive, [doc], timeout=30)
    doc.write_text(SEED.read_text(encoding="utf-8").replace("\t243", "\t244"), encoding="utf-8")
    ingest.add(archive, [doc], timeout=30)
    versions = list(
        archive.db.query(
            "select r.id, r.latest, c.value from reports r join cells c on c.report = r.id"
            " where c.key = 'proactive.licensing.decisions' order by r.version"
        )
    )
    assert [(v["latest"], v["value"]) for v in versions] == [(0, 243), (1, 244)]
    assert versions[1]["id"].endswith("-2020-v2")


def test_the_same_report_in_other_bytes_is_the_same_version_with_its_capture_kept(
    archive: Archive, tmp_path: Path
) -> None:
    repost = tmp_path / "repost.txt"  # another portal's copy: its own page furniture
    repost.write_text("网站首页 > 政务公开\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    ingest.add(archive, [SEED, repost], timeout=30)
    (report,) = archive.db.table("reports").rows
    captures = {c["url"].rsplit("/", 1)[1]: c for c in archive.db.table("captures").rows}
    assert report["id"].endswith("-2020-v1") and report["capture"] == captures[SEED.name]["id"]
    assert captures["repost.txt"]["extracted"] == report["id"]


def test_a_report_stored_before_digests_gets_the_digest_it_would_get_now(
    archive: Archive,
) -> None:
    ingest.add(archive, [SEED, SHUYANG], timeout=30)
    now = dict(archive.db.execute("select id, digest from reports"))
    archive.db.execute("update reports set digest = null")
    m008_digests_of_older_reports(archive.db)
    assert dict(archive.db.execute("select id, digest from reports")) == now


def test_a_document_without_a_report_is_stored_with_its_reason(
    archive: Archive, tmp_path: Path
) -> None:
    junk = tmp_path / "menu.html"
    junk.write_text("<html><body><p>网站首页</p></body></html>", encoding="utf-8")
    tally = ingest.add(archive, [junk], timeout=30)
    assert tally.reports == 0 and tally.captures == 1
    (capture,) = archive.db.table("captures").rows
    assert capture["extracted"] == "failed" and capture["extract_error"].startswith("not_a_report")


def test_reprocess_re_extracts_every_capture_and_records_the_extractor(
    archive: Archive,
) -> None:
    ingest.add(archive, [SEED], timeout=30)
    archive.db.execute("update reports set extractor = 'old'")
    archive.db.execute("update cells set value = 999 where key = 'proactive.licensing.decisions'")
    before = counts(archive)
    tally = ingest.reprocess(archive, timeout=30)
    assert tally.reports == 1 and counts(archive) == before
    report = next(archive.db.table("reports").rows)
    assert report["extractor"] != "old"
    value = next(
        archive.db.query("select value from cells where key = 'proactive.licensing.decisions'")
    )["value"]
    assert value == 243


def test_reprocess_lists_a_missing_or_corrupt_blob_and_goes_on(archive: Archive) -> None:
    ingest.add(archive, [SEED, SHUYANG], timeout=30)
    seed = next(archive.db.table("captures").rows_where("url like ?", ["%000_4d0d%"]))
    shuyang = next(archive.db.table("captures").rows_where("url like ?", ["%shuyang%"]))
    archive.blobs.path(seed["sha256"]).unlink()
    archive.blobs.path(shuyang["sha256"]).write_bytes(b"tampered")
    tally = ingest.reprocess(archive, timeout=30)
    reasons = " ".join(why for _, why in tally.failures)
    assert "missing" in reasons and "corrupt" in reasons


def test_blobs_are_written_once_and_checked_when_read(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    sha = store.put(b"report")
    mtime = store.path(sha).stat().st_mtime_ns
    assert store.put(b"report") == sha and store.path(sha).stat().st_mtime_ns == mtime
    store.path(sha).write_bytes(b"changed")
    with pytest.raises(BlobError, match="corrupt"):
        store.get(sha)


def test_a_database_of_an_older_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    migrations.apply(Database(path), stop_before="m002_wide_tables")
    assert "applications_wide" not in Database(path).table_names()
    archive = Archive(path)
    assert "applications_wide" in archive.db.table_names()


def test_wide_tables_follow_the_official_layout_in_chinese(archive: Archive) -> None:
    ingest.add(archive, [SEED], timeout=30)
    labels = wide_labels("applications")
    assert next(iter(labels.values())) == "一、本年新收政府信息公开申请数量·自然人"
    row = next(archive.db.table("proactive_wide").rows)
    assert row["行政许可·处理决定数量"] == 243


def test_adding_a_folder_walks_it(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    shutil.copytree(FIXTURES / "seeds", folder)
    files = list(ingest.files_under([folder]))
    assert len(files) == 10
    tally = ingest.add(archive, files, timeout=30)
    assert tally.reports == 5 and len(tally.failures) == 5


def test_the_search_index_follows_reprocessing_without_duplicates(archive: Archive) -> None:
    ingest.add(archive, [SEED, SHUYANG], timeout=30)
    ingest.reprocess(archive, timeout=30)
    ingest.reprocess(archive, timeout=30)
    hits = archive.db.execute(
        "select rowid from reports_search where reports_search match ?",
        [search.query("蝠牌茶业")],
    ).fetchall()
    assert len(hits) == 1


def test_a_changed_text_leaves_nothing_of_the_old_one_in_the_index(archive: Archive) -> None:
    ingest.add(archive, [SEED], timeout=30)
    (row,) = archive.db.table("report_texts").rows
    archive._index(row["report"], "新的文本只谈预算", row["text"])

    def found(words: str) -> int:
        sql = "select count(*) from reports_search where reports_search match ?"
        return archive.db.execute(sql, [search.query(words)]).fetchone()[0]

    assert (found("蝠牌茶业"), found("预算")) == (0, 1)


def test_a_full_disk_leaves_nothing_half_written(archive: Archive) -> None:
    import sqlite3

    ingest.add(archive, [SEED], timeout=30)
    before = counts(archive)
    pages = archive.db.execute("pragma page_count").fetchone()[0]
    archive.db.execute(f"pragma max_page_count = {pages + 2}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        ingest.add(archive, [SHUYANG], timeout=30)
    after = counts(archive)
    assert after["reports"] == before["reports"] and after["cells"] == before["cells"]
    assert archive.db.execute("select count(*) from report_texts").fetchone()[0] == 1


def test_an_archive_being_written_is_not_served_half_settled(archive: Archive) -> None:
    ingest.add(archive, [SEED], timeout=30)
    reader = sqlite3.connect(archive.path)
    reader.execute("begin")
    reader.execute("select count(*) from reports").fetchone()  # a reader holds its snapshot
    archive.db.execute("insert into runs (id, kind) values ('later', 'crawl')")
    archive.db.conn.commit()  # a commit the file cannot take while the snapshot is held
    with pytest.raises(Unsettled, match="is being written"):
        settle(archive.path)
    reader.rollback()
    settle(archive.path)  # once the reader is done, every commit is in the file
    immutable = sqlite3.connect(f"file:{archive.path}?immutable=1", uri=True)
    assert immutable.execute("select count(*) from runs where id = 'later'").fetchone() == (1,)


def test_captures_stored_before_revisits_get_their_request_keys(tmp_path: Path) -> None:
    from archive.schema import request_key

    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m009_revisits")
    for url, role, method in (("http://x/a", "page", "GET"), ("http://x/r", "rendered", None)):
        db.table("captures").insert(
            {"id": url, "url": url, "role": role, "method": method}, alter=False
        )
    db.table("captures").insert({"id": "post", "url": "http://x/p", "method": "POST"})
    archive = Archive(tmp_path / "old.db")
    assert dict(archive.db.execute("select id, request from captures")) == {
        "http://x/a": request_key("GET", "http://x/a"),
        "http://x/r": request_key("GET", "http://x/r", rendered=True),
        "post": None,
    }
