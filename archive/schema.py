"""The archive's tables, created and changed only by numbered migrations (sqlite-utils 4)."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from functools import lru_cache

from sqlite_utils import Database, Migrations

from extract import schema as cells_schema

migrations = Migrations("nianbao")
SECTIONS = ("proactive", "applications", "review_litigation")


@migrations()
def m001_core(db: Database) -> None:
    db.table("portals").create(
        {
            "id": str,
            "name": str,
            "agency": str,
            "province": str,
            "city": str,
            "county": str,
            "level": str,
            "platform": str,
            "entry_url": str,
            "division_code": str,
            "replica": int,
            "notes": str,
        },
        pk="id",
    )
    db.table("runs").create(
        {
            "id": str,
            "kind": str,
            "started_at": str,
            "ended_at": str,
            "extractor": str,
            "captures": int,
            "reports": int,
            "failures": int,
            "note": str,
        },
        pk="id",
    )
    db.table("captures").create(
        {
            "id": str,
            "url": str,
            "final_url": str,
            "fetched_at": str,
            "status": int,
            "headers": str,
            "content_type": str,
            "size": int,
            "sha256": str,
            "format": str,
            "run": str,
            "portal": str,
            "error": str,
            "extracted": str,
            "extract_error": str,
        },
        pk="id",
        foreign_keys=[("run", "runs", "id"), ("portal", "portals", "id")],
    )
    db.table("captures").create_index(["sha256"])
    db.table("captures").create_index(["url"])
    db.table("regions").create(
        {"code": str, "province": str, "city": str, "county": str, "level": str},
        pk="code",
    )
    db.table("agencies").create(
        {
            "id": str,
            "name": str,
            "level": str,
            "province": str,
            "city": str,
            "county": str,
            "township": str,
            "division_code": str,
        },
        pk="id",
        foreign_keys=[("division_code", "regions", "code")],
    )
    db.table("reports").create(
        {
            "id": str,
            "agency": str,
            "agency_name": str,
            "year": int,
            "version": int,
            "latest": int,
            "level": str,
            "province": str,
            "city": str,
            "county": str,
            "township": str,
            "division_code": str,
            "template": str,
            "title": str,
            "source_url": str,
            "document_url": str,
            "capture": str,
            "published": str,
            "sha256": str,
            "format": str,
            "checks_passed": int,
            "checks_failed": int,
            "warnings": str,
            "extractor": str,
        },
        pk="id",
        foreign_keys=[("agency", "agencies", "id"), ("capture", "captures", "id")],
    )
    # A report's text lives apart: the reports table stays narrow, so facets and pages over
    # hundreds of thousands of rows scan megabytes, not gigabytes.
    db.table("report_texts").create(
        {"report": str, "text": str}, pk="report", foreign_keys=[("report", "reports", "id")]
    )
    db.table("reports").create_index(["agency", "year"])
    db.table("reports").create_index(["province", "level", "year"])
    # NUMERIC, not REAL: a count stays an integer (243, not 243.0), an amount keeps its decimals.
    # WITHOUT ROWID: 200 rows per report, stored once in key order, with no second index.
    db.execute(
        "create table cells (report text references reports(id), key text, section text,"
        " row text, column text, value numeric, raw text, unit text,"
        " capture text references captures(id), primary key (report, key)) without rowid"
    )
    db.execute(
        "create table checks (report text references reports(id), rule text, ok integer,"
        " detail text, primary key (report, rule)) without rowid"
    )
    db.table("checks").create_index(["ok"])
    db.execute(
        "create table warnings (report text references reports(id), seq integer, code text,"
        " table_name text, detail text, keys text, primary key (report, seq)) without rowid"
    )
    db.table("warnings").create_index(["code"])


@migrations()
def m002_wide_tables(db: Database) -> None:
    """One row per report per official table, the cells in the official order, labelled in
    Chinese: for people who think in the layout they read."""
    for section in SECTIONS:
        columns = ", ".join(f"[{label}] numeric" for label in wide_labels(section).values())
        db.execute(
            f"create table [{section}_wide] (report text primary key references reports(id),"
            f" {columns}) without rowid"
        )


@lru_cache(maxsize=4)
def wide_labels(section: str) -> dict[str, str]:
    """Cell key → its column label in the wide table, in the official order, both templates."""
    labels: dict[str, str] = {}
    for cell in cells_schema.all_cells():
        if cell.section != section or cell.key in labels:
            continue
        row = cell.row_label.split(" (")[0]
        labels[cell.key] = f"{row}·{cell.column_label}"
    return labels


@migrations()
def m003_search(db: Database) -> None:
    """Full-text search of report text: bigrams and single characters (archive/search.py), in a
    contentless FTS5 table whose rowid is the report's rowid."""
    db.execute(
        "create virtual table reports_search using fts5(bigrams, unigrams, content='',"
        " tokenize='unicode61 remove_diacritics 0')"
    )


@migrations()
def m004_page_indexes(db: Database) -> None:
    """An index for each column the reports page sorts or facets on: at national scale a facet
    counts a few megabytes of index instead of scanning every report row."""
    reports = db.table("reports")
    reports.create_index(["year", "id"])
    for column in ("city", "level", "template", "checks_failed", "latest"):
        reports.create_index([column])


@migrations()
def m005_crawled_captures(db: Database) -> None:
    """What a crawl knows of a capture beyond its bytes: why it was fetched (robots, list, page,
    attachment), how, and from which page it was linked (an attachment's report page)."""
    captures = db.table("captures")
    captures.add_column("role", str)
    captures.add_column("method", str)
    captures.add_column("referrer", str)
    captures.create_index(["run", "role"])


@migrations()
def m006_report_digest(db: Database) -> None:
    """A digest of what a report says (title and numbers), so that the same report in other
    bytes is recognised as the version it is (archive/store.py)."""
    db.table("reports").add_column("digest", str)


def report_digest(title: str | None, template: str | None, cells: dict) -> str:
    """What a version is: the report's title and numbers (archive/store.py)."""
    what = [title, template, sorted(cells.items())]
    return hashlib.sha256(json.dumps(what, ensure_ascii=False).encode()).hexdigest()


@migrations()
def m007_run_portals(db: Database) -> None:
    """A crawl run's outcome per portal: what was fetched, what failed, what was filed, and the
    portal's health (ok, degraded, blocked) with the reason."""
    db.execute(
        "create table run_portals (run text references runs(id), portal text references"
        " portals(id), requests integer, lists integer, pages integer, attachments integer,"
        " failures integer, reports integer, health text, reason text,"
        " primary key (run, portal)) without rowid"
    )


@migrations()
def m008_digests_of_older_reports(db: Database) -> None:
    """Reports stored before m006 get their digest, so that a recrawl of the same report in
    other bytes is not a new version of them."""
    for report, title, template in db.execute(
        "select id, title, template from reports where digest is null"
    ).fetchall():
        cells = dict(db.execute("select key, value from cells where report = ?", [report]))
        digest = report_digest(title, template, cells)
        db.execute("update reports set digest = ? where id = ?", [digest, report])


# How each version of a report differs from the one before it, cell by cell; joined to the two
# versions' cells alone.
VERSION_CHANGES = """create view version_changes as
select r.agency_name as agency, r.year, r.province, r.level,
  p.id as previous, r.id as report, p.version as from_version, r.version as to_version,
  k.key as cell, old.value as old_value, new.value as new_value,
  p.document_url as old_document, r.document_url as new_document
from reports r
join reports p on p.agency = r.agency and p.year = r.year and p.version = r.version - 1
join cells k on k.report in (r.id, p.id)
left join cells old on old.report = p.id and old.key = k.key
left join cells new on new.report = r.id and new.key = k.key
where old.value is not new.value
group by r.id, k.key"""


@migrations()
def m009_revisits(db: Database) -> None:
    """What a nightly crawl asks of the archive: the last answer to the same request (its
    method, URL and body, as `request_key` writes it), and how each version of a report
    differs from the one before it, cell by cell."""
    captures = db.table("captures")
    captures.add_column("request", str)
    db.conn.create_function(
        "request_key", 2, lambda url, role: request_key("GET", url, rendered=role == "rendered")
    )
    db.execute(
        "update captures set request = request_key(url, role)"
        " where method = 'GET' or method is null"
    )
    captures.create_index(["request", "fetched_at"])
    runs = db.table("runs")
    for column in ("requests", "not_modified", "new_reports", "new_versions"):
        runs.add_column(column, int)
    runs.add_column("published_at", str)
    # A list page as last read: the requests it led to (a list whose bytes change with every
    # answer, a trace id or the time, is unchanged while its links are).
    db.execute(
        "create table list_links (request text primary key, links text, run text) without rowid"
    )
    db.execute(VERSION_CHANGES)


@migrations()
def m010_run_log(db: Database) -> None:
    """A nightly run's log as it printed it: per portal, then in all."""
    db.table("runs").add_column("log", str)


@migrations()
def m011_revisit_indexes(db: Database) -> None:
    """A portal's history read by an index (not the whole captures table at a night's start);
    version_changes joined to the two versions' cells alone (not every cell of the archive)."""
    db.table("captures").create_index(["portal", "role", "request", "fetched_at"])
    db.execute("drop view version_changes")
    db.execute(VERSION_CHANGES)


@migrations()
def m012_archive_identity(db: Database) -> None:
    """Which archive this is, kept by its copies: crawlers on other machines work on copies of
    it and their captures are merged back (archive/merge.py). And where each response lies in
    its run's WARC: evidence to cite, and how a resumed run knows which records its killed
    process wrote but never recorded."""
    db.execute("create table archive (id text primary key, created_at text)")
    db.execute(
        "insert into archive (id, created_at) values (?, ?)",
        [secrets.token_hex(8), datetime.now(UTC).isoformat(timespec="seconds")],
    )
    captures = db.table("captures")
    captures.add_column("warc", str)
    captures.add_column("warc_offset", int)


def request_key(method: str, url: str, body: bytes = b"", rendered: bool = False) -> str:
    """A request, as the archive recognises it again: a POST to a list API is its form too,
    and a page a browser rendered is not the page as served."""
    verb = f"RENDERED {method.upper()}" if rendered else method.upper()
    what = f"{verb} {url}".encode() + (b"\n" + body if body else b"")
    return hashlib.sha1(what).hexdigest()


def migrate(db: Database) -> None:
    """Bring a database of any earlier schema version up to this one."""
    migrations.apply(db)
