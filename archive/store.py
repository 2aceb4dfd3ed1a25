"""The archive: captures (raw bytes with provenance) and the reports extracted from them.

A report is (agency, year); a document whose bytes changed is a new version beside the old one,
never an overwrite. Loading the same bytes again changes nothing; re-extracting a capture with a
newer extractor replaces what was derived from it and says which extractor did.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from archive import search
from archive.blobs import BlobStore
from archive.schema import SECTIONS, migrate, report_digest, wide_labels
from extract.model import Report

DEFAULT_DB = Path("data") / "archive.db"
# A run killed longer ago than this is not resumed: tonight's crawl starts afresh.
RESUMABLE = timedelta(hours=20)


def _failed(alias: str = "") -> str:
    """A fetch that failed the crawl: not a missing robots.txt (all allowed), not a page's
    stylesheet, not a request the run's budget left for another night."""
    a = alias
    return (
        f"{a}error is not null and {a}role != 'resource'"
        f" and {a}error not like 'IgnoreRequest: not asked:%'"
        f" and not ({a}role = 'robots' and {a}status = 404)"
    )


# An answer that stands for what is there: a document, "not modified", a redirect followed,
# or nothing there (asked again in its turn, not every night).
_ANSWERED = (
    "(status = 304 or status in (404, 410) or (status between 200 and 399 and error is null))"
)


def _known(rows: list) -> Known | None:
    """History, newest first: (id, sha256, status, headers, fetched_at, url, role, referrer)."""
    good = [r for r in rows if r[2] != 304]
    if not good:
        return None
    latest = good[0]
    changed = latest[4]
    for row in good:
        if row[1] != latest[1]:
            break
        changed = row[4]
    first = good[-1][4]
    return Known(
        capture=latest[0],
        sha256=latest[1],
        status=latest[2],
        headers=json.loads(latest[3] or "{}"),
        url=latest[5],
        role=latest[6],
        referrer=latest[7],
        checked=rows[0][4],
        changed=changed,
        first=first,
    )


def new_run(kind: str) -> str:
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Capture:
    """What was fetched or read, as it was: where from, when, and how it answered."""

    url: str
    data: bytes
    fetched_at: str = ""
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] | None = None
    content_type: str | None = None
    portal: str | None = None
    error: str | None = None
    role: str | None = None  # robots, list, page, attachment; None for a local file
    method: str | None = None
    referrer: str | None = None  # the page that linked it
    request: str | None = None  # the request it answered (archive.schema.request_key)
    warc: str | None = None  # the WARC file of its run holding the response as received
    warc_offset: int | None = None  # where its response record starts in that file


@dataclass
class Known:
    """What earlier runs learnt of a request: its last good answer, when it was last asked,
    and since when its bytes have been these."""

    capture: str
    sha256: str
    status: int
    headers: dict[str, str]
    url: str
    role: str | None
    referrer: str | None
    checked: str
    changed: str
    first: str  # when it was first fetched: a document never seen to change is of unknown age


class Archive:
    def __init__(self, path: Path = DEFAULT_DB) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = Database(path)
        # Processes of one crawl open it at once: one at a time sets it up.
        with path.with_name(f".{path.name}.open").open("a") as opening:
            fcntl.flock(opening, fcntl.LOCK_EX)
            # A crawl commits each capture as it comes: a write-ahead log makes that an append,
            # not two syncs, and lets readers go on meanwhile. Safe against a crash of the
            # process; a power cut can lose the last commits, never the file.
            self.db.execute("pragma journal_mode = wal")
            self.db.execute("pragma synchronous = normal")
            # Several crawler processes write at once: a writer waits its turn this long.
            self.db.execute("pragma busy_timeout = 60000")
            migrate(self.db)
            self.db.conn.commit()
        self.blobs = BlobStore(path.parent / "blobs")

    @property
    def id(self) -> str:
        """Which archive this is; its copies (a crawler's on another machine) say the same."""
        return str(self.db.execute("select id from archive").fetchone()[0])

    def start_run(self, kind: str, extractor: str, note: str = "", run: str = "") -> str:
        """A new run, or one another process of the same crawl started (`run` given)."""
        run = run or new_run(kind)
        self._insert(
            "runs",
            {"id": run, "kind": kind, "started_at": now(), "extractor": extractor, "note": note},
        )
        self.db.conn.commit()
        return run

    def unfinished(self, kind: str, note: str) -> str | None:
        """The run of this kind over the same portals that never finished (its process was
        killed) within the last RESUMABLE: the run a crawl started again resumes. An older
        one is left as it is: its answers are too old to stand for tonight's."""
        since = (datetime.now(UTC) - RESUMABLE).isoformat(timespec="seconds")
        row = self.db.execute(
            "select id from runs where kind = ? and note = ? and ended_at is null"
            " and started_at >= ? order by started_at desc limit 1",
            [kind, note, since],
        ).fetchone()
        return row[0] if row else None

    def finish_run(self, run: str, captures: int, reports: int, failures: int) -> None:
        self.db.table("runs").update(
            run, {"ended_at": now(), "captures": captures, "reports": reports, "failures": failures}
        )

    def _one(self, sql: str, params: list) -> dict | None:
        cursor = self.db.execute(sql, params)
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None

    def _insert(self, table: str, row: dict, upsert_on: str | None = None) -> None:
        """One row by plain SQL (the loader's hot path; sqlite-utils would re-read the schema
        on every call): ignored if its key exists, or updated in place (keeping its rowid)."""
        columns = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" * len(row))
        if upsert_on is None:
            sql = f"insert or ignore into [{table}] ({columns}) values ({marks})"
        else:
            sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in row if c != upsert_on)
            sql = (
                f"insert into [{table}] ({columns}) values ({marks})"
                f" on conflict ([{upsert_on}]) do update set {sets}"
            )
        self.db.execute(sql, list(row.values()))

    def store(
        self, capture: Capture, run: str, format: str | None = None, per_run: bool = False
    ) -> str:
        """Keep the bytes and their provenance; the same bytes from the same place once, or
        once per run (`per_run`: a crawl records every fetch it made, the bytes stored once)."""
        sha = self.blobs.put(capture.data)
        place = f"{capture.url}\n{run}" if per_run else capture.url
        capture_id = f"{sha[:16]}-{hashlib.sha1(place.encode()).hexdigest()[:8]}"
        self._insert(
            "captures",
            {
                "id": capture_id,
                "url": capture.url,
                "final_url": capture.final_url or capture.url,
                "fetched_at": capture.fetched_at or now(),
                "status": capture.status,
                "headers": json.dumps(capture.headers or {}, ensure_ascii=False),
                "content_type": capture.content_type,
                "size": len(capture.data),
                "sha256": sha,
                "format": format,
                "run": run,
                "portal": capture.portal,
                "error": capture.error,
                "role": capture.role,
                "method": capture.method,
                "referrer": capture.referrer,
                "request": capture.request,
                "warc": capture.warc,
                "warc_offset": capture.warc_offset,
            },
        )
        return capture_id

    def known(self, request: str, before: str) -> Known | None:
        """A request's history from runs other than `before`, if it was answered well."""
        rows = self.db.execute(
            "select id, sha256, status, headers, fetched_at, url, role, referrer from captures"
            f" where request = ? and run != ? and {_ANSWERED}"
            " order by fetched_at desc, rowid desc",
            [request, before],
        ).fetchall()
        return _known(rows)

    def revisits(self, portal: str, before: str) -> list[Known]:
        """The portal's report pages and attachments that earlier runs fetched, with their
        history: those a nightly run re-asks when their turn comes."""
        rows = self.db.execute(
            "select request, id, sha256, status, headers, fetched_at, url, role, referrer"
            " from captures where portal = ? and run != ? and role in ('page', 'attachment')"
            f" and method = 'GET' and request is not null and {_ANSWERED}"
            " order by request, fetched_at desc, rowid desc",
            [portal, before],
        ).fetchall()
        by_request: dict[str, list] = {}
        for row in rows:
            by_request.setdefault(row[0], []).append(row[1:])
        found = (_known(history) for history in by_request.values())
        return [k for k in found if k is not None]

    def swap_links(self, request: str, links: str, run: str) -> str | None:
        """Where a list page led when last read (None if never); remembered as `links` now."""
        row = self.db.execute(
            "select links, run from list_links where request = ?", [request]
        ).fetchone()
        self._insert(
            "list_links", {"request": request, "links": links, "run": run}, upsert_on="request"
        )
        # What this run read itself (before a crash) says nothing of the night before.
        return row[0] if row and row[1] != run else None

    def fault(self, request: str, run: str, reason: str) -> None:
        """A fault found in an answer after it was stored (a list that leads nowhere now)."""
        self.db.execute(
            "update captures set error = ? where request = ? and run = ? and error is null",
            [reason, request, run],
        )

    def answered(self, request: str, run: str, before: str) -> dict | None:
        """The answer this run recorded to a request before a time: by the process that was
        killed, when a crawl is resumed."""
        return self._one(
            "select * from captures where request = ? and run = ? and fetched_at < ?"
            " order by fetched_at desc, rowid desc limit 1",
            [request, run, before],
        )

    def tally_portals(self, run: str) -> list[dict]:
        """Each portal's share of a crawl run, and its health: blocked when no list page came
        back, degraded when some fetches failed, else ok."""
        rows = []
        self.db.execute("delete from run_portals where run = ?", [run])  # counted again, whole
        for (
            portal,
            requests,
            lists,
            ok_lists,
            pages,
            attachments,
            failures,
            reports,
            why,
        ) in self.db.execute(
            "select portal, count(*), sum(role in ('list', 'rendered')),"
            " sum(role in ('list', 'rendered') and (status between 200 and 299 or status = 304)),"
            " sum(role = 'page'), sum(role = 'attachment'), sum(" + _failed() + "),"
            " count(distinct case when extracted not in ('failed', 'attachment')"
            " then extracted end),"
            " (select error from captures e where e.run = c.run and e.portal = c.portal"
            "  and " + _failed("e.") + " order by fetched_at limit 1)"
            " from captures c where run = ? and portal is not null group by portal",
            [run],
        ).fetchall():
            health = "blocked" if not ok_lists else "degraded" if failures else "ok"
            reason = "no list page answered" if health == "blocked" else why if failures else None
            row = {
                "run": run,
                "portal": portal,
                "requests": requests,
                "lists": lists,
                "pages": pages,
                "attachments": attachments,
                "failures": failures,
                "reports": reports,
                "health": health,
                "reason": reason,
            }
            self._insert("run_portals", row, upsert_on=None)
            rows.append(row)
        self.db.conn.commit()
        return rows

    def captures(self) -> Iterator[dict]:
        yield from self.db.table("captures").rows_where(order_by="fetched_at, id")

    def read(self, capture_id: str) -> bytes:
        row = self._one("select sha256 from captures where id = ?", [capture_id])
        if row is None:
            raise KeyError(f"no capture {capture_id}")
        return self.blobs.get(row["sha256"])

    def load(self, capture_id: str, report: Report, extractor: str) -> str | None:
        """File a capture's report under its (agency, year) version; None, with the reason on
        the capture, when the document gives no report."""
        capture = self._one("select * from captures where id = ?", [capture_id])
        if capture is None:
            raise KeyError(f"no capture {capture_id}")
        failure = _failure(report)
        with self.db.atomic():
            if failure:
                self.db.execute(
                    "update captures set extracted = 'failed', extract_error = ? where id = ?",
                    [failure, capture_id],
                )
                return None
            agency = self._agency(report)
            report_id, mirror = self._version(agency, report, capture)
            if not mirror:
                self._write(report_id, agency, report, capture, extractor)
            self.db.execute(
                "update captures set extracted = ?, extract_error = null where id = ?",
                [report_id, capture_id],
            )
        return report_id

    def _agency(self, report: Report) -> str:
        r = report.region
        agency_id = f"{r.code or '000000'}-{report.agency_key or report.agency}"
        if r.code:
            self._insert(
                "regions",
                {
                    "code": r.code,
                    "province": r.province,
                    "city": r.city,
                    "county": r.county,
                    "level": report.level,
                },
            )
        self._insert("agencies", {"id": agency_id, "name": report.agency, **_place(report)})
        return agency_id

    def _version(self, agency: str, report: Report, capture: dict) -> tuple[str, bool]:
        """The version these bytes are: an existing one, or the next; and whether they are a
        mirror of it (other bytes, the same report: a repost on another portal, or the page
        around the report redrawn), kept as a capture without touching the report."""
        digest = _digest(report)
        versions = self.db.execute(
            "select id, sha256, digest from reports where agency = ? and year = ? order by version",
            [agency, report.year],
        ).fetchall()
        for report_id, sha256, _ in versions:
            if sha256 == capture["sha256"]:
                return report_id, False
            if report_id == capture.get("extracted"):  # filed before, as a mirror of it
                return report_id, True
        for report_id, _, known in versions:
            if known == digest:
                return report_id, True
        self.db.execute(
            "update reports set latest = 0 where agency = ? and year = ?", [agency, report.year]
        )
        return f"{agency}-{report.year}-v{len(versions) + 1}", False

    def _write(
        self, report_id: str, agency: str, report: Report, capture: dict, extractor: str
    ) -> None:
        existing = self._one(
            "select r.latest, r.capture, t.text from reports r"
            " left join report_texts t on t.report = r.id where r.id = ?",
            [report_id],
        )
        source = existing["capture"] if existing else capture["id"]
        self._insert(
            "reports",
            {
                "id": report_id,
                "agency": agency,
                "agency_name": report.agency,
                "year": report.year,
                "version": int(report_id.rsplit("-v", 1)[1]),
                "latest": existing["latest"] if existing else 1,
                **_place(report),
                "template": report.template,
                "title": report.title,
                "source_url": capture["referrer"] or capture["url"],
                "document_url": capture["final_url"],
                "capture": source,
                "published": report.published,
                "sha256": capture["sha256"],
                "format": report.format,
                "checks_passed": sum(c.ok for c in report.checks),
                "checks_failed": sum(not c.ok for c in report.checks),
                "warnings": ",".join(sorted({w.code for w in report.warnings})),
                "extractor": extractor,
                "digest": _digest(report),
            },
            upsert_on="id",
        )
        self._insert("report_texts", {"report": report_id, "text": report.text}, upsert_on="report")
        self._index(report_id, report.text, existing["text"] if existing else None)
        for table in ("cells", "checks", "warnings", *(f"{s}_wide" for s in SECTIONS)):
            self.db.execute(f"delete from [{table}] where report = ?", [report_id])
        self._children(report_id, report, source)

    def _index(self, report_id: str, text: str, old: str | None) -> None:
        """Keep the search index in step with the report's text (a contentless index forgets
        a text only when given it back)."""
        rowid = self.db.execute("select rowid from reports where id = ?", [report_id]).fetchone()[0]
        if old is not None:
            self.db.execute(
                "insert into reports_search (reports_search, rowid, bigrams, unigrams)"
                " values ('delete', ?, ?, ?)",
                [rowid, *search.tokens(old)],
            )
        self.db.execute(
            "insert into reports_search (rowid, bigrams, unigrams) values (?, ?, ?)",
            [rowid, *search.tokens(text)],
        )

    def _children(self, report_id: str, report: Report, capture: str) -> None:
        """Cells, checks, warnings and wide rows: plain executemany, the load's hot path."""
        run = self.db.conn.executemany
        run(
            "insert into cells (report, key, section, row, column, value, raw, unit, capture)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    report_id,
                    key,
                    *key.split(".", 2),
                    value,
                    report.raw.get(key),
                    report.units.get(key),
                    capture,
                )
                for key, value in report.cells.items()
            ],
        )
        run(
            "insert into checks (report, rule, ok, detail) values (?, ?, ?, ?)",
            [(report_id, c.rule, int(c.ok), c.detail) for c in report.checks],
        )
        run(
            "insert into warnings (report, seq, code, table_name, detail, keys)"
            " values (?, ?, ?, ?, ?, ?)",
            [
                (report_id, i, w.code, w.table, w.detail, json.dumps(w.keys) if w.keys else None)
                for i, w in enumerate(report.warnings)
            ],
        )
        for section in SECTIONS:
            labels = wide_labels(section)
            keys = [k for k in labels if k in report.cells]
            if keys:
                columns = ", ".join(f"[{labels[k]}]" for k in keys)
                marks = ", ".join("?" * (len(keys) + 1))
                self.db.execute(
                    f"insert into [{section}_wide] (report, {columns}) values ({marks})",
                    [report_id, *(report.cells[k] for k in keys)],
                )


def _place(report: Report) -> dict[str, str | None]:
    """Where an agency sits, as the agencies and reports tables both hold it."""
    r = report.region
    return {
        "level": report.level,
        "province": r.province,
        "city": r.city,
        "county": r.county,
        "township": r.township,
        "division_code": r.code,
    }


def _digest(report: Report) -> str:
    """What a version is: the report's title and numbers. A page whose bytes changed around
    the same title and tables (a visit counter, a new menu, another portal's frame) is the same
    version; its capture is kept all the same."""
    return report_digest(report.title, report.template, report.cells)


def _failure(report: Report) -> str | None:
    fatal = [w for w in report.warnings if w.code in ("unreadable", "not_a_report")]
    if fatal:
        return f"{fatal[0].code}: {fatal[0].detail}"
    if not report.agency:
        return "no agency found: the report cannot be filed"
    if not report.year:
        return "no report year found: the report cannot be filed"
    return None
