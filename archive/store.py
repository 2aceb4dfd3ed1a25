"""The archive: captures (raw bytes with provenance) and the reports extracted from them.

A report is (agency, year); a document whose bytes changed is a new version beside the old one,
never an overwrite. Loading the same bytes again changes nothing; re-extracting a capture with a
newer extractor replaces what was derived from it and says which extractor did.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from archive import search
from archive.blobs import BlobStore
from archive.schema import SECTIONS, migrate, wide_labels
from extract.model import Report

DEFAULT_DB = Path("data") / "archive.db"


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


class Archive:
    def __init__(self, path: Path = DEFAULT_DB) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = Database(path)
        migrate(self.db)
        self.blobs = BlobStore(path.parent / "blobs")

    def start_run(self, kind: str, extractor: str, note: str = "") -> str:
        run = f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        self.db.table("runs").insert(
            {"id": run, "kind": kind, "started_at": now(), "extractor": extractor, "note": note}
        )
        return run

    def finish_run(self, run: str, captures: int, reports: int, failures: int) -> None:
        self.db.table("runs").update(
            run, {"ended_at": now(), "captures": captures, "reports": reports, "failures": failures}
        )

    def store(self, capture: Capture, run: str, format: str | None = None) -> str:
        """Keep the bytes and their provenance; the same bytes from the same place once."""
        sha = self.blobs.put(capture.data)
        capture_id = f"{sha[:16]}-{hashlib.sha1(capture.url.encode()).hexdigest()[:8]}"
        self.db.table("captures").insert(
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
            },
            ignore=True,
        )
        return capture_id

    def captures(self) -> Iterator[dict]:
        yield from self.db.table("captures").rows_where(order_by="fetched_at, id")

    def read(self, capture_id: str) -> bytes:
        row = self.db.table("captures").get(capture_id)
        return self.blobs.get(row["sha256"])

    def load(self, capture_id: str, report: Report, extractor: str) -> str | None:
        """File a capture's report under its (agency, year) version; None, with the reason on
        the capture, when the document gives no report."""
        capture = self.db.table("captures").get(capture_id)
        failure = _failure(report)
        with self.db.conn:
            if failure:
                self.db.table("captures").update(
                    capture_id, {"extracted": "failed", "extract_error": failure}
                )
                return None
            agency = self._agency(report)
            report_id = self._version(agency, report, capture)
            self._write(report_id, agency, report, capture, extractor)
            self.db.table("captures").update(
                capture_id, {"extracted": report_id, "extract_error": None}
            )
        return report_id

    def _agency(self, report: Report) -> str:
        r = report.region
        code = r.code or "000000"
        agency_id = f"{code}-{report.agency_key or report.agency}"
        if r.code:
            self.db.table("regions").insert(
                {
                    "code": r.code,
                    "province": r.province,
                    "city": r.city,
                    "county": r.county,
                    "level": report.level,
                },
                ignore=True,
            )
        self.db.table("agencies").insert(
            {
                "id": agency_id,
                "name": report.agency,
                "level": report.level,
                "province": r.province,
                "city": r.city,
                "county": r.county,
                "township": r.township,
                "division_code": r.code,
            },
            ignore=True,
        )
        return agency_id

    def _version(self, agency: str, report: Report, capture: dict) -> str:
        """The version these bytes are: an existing one, or the next."""
        versions = list(
            self.db.table("reports").rows_where(
                "agency = ? and year = ?", [agency, report.year], order_by="version"
            )
        )
        for v in versions:
            if v["sha256"] == capture["sha256"]:
                return v["id"]
        version = len(versions) + 1
        self.db.execute(
            "update reports set latest = 0 where agency = ? and year = ?", [agency, report.year]
        )
        return f"{agency}-{report.year}-v{version}"

    def _write(
        self, report_id: str, agency: str, report: Report, capture: dict, extractor: str
    ) -> None:
        version = int(report_id.rsplit("-v", 1)[1])
        existing = (
            self.db.table("reports").get(report_id)
            if self.db.table("reports").count_where("id = ?", [report_id])
            else None
        )
        r = report.region
        self.db.table("reports").upsert(
            {
                "id": report_id,
                "agency": agency,
                "agency_name": report.agency,
                "year": report.year,
                "version": version,
                "latest": existing["latest"] if existing else 1,
                "level": report.level,
                "province": r.province,
                "city": r.city,
                "county": r.county,
                "township": r.township,
                "division_code": r.code,
                "template": report.template,
                "title": report.title,
                "source_url": capture["url"],
                "document_url": capture["final_url"],
                "capture": existing["capture"] if existing else capture["id"],
                "published": report.published,
                "sha256": capture["sha256"],
                "format": report.format,
                "checks_passed": sum(c.ok for c in report.checks),
                "checks_failed": sum(not c.ok for c in report.checks),
                "warnings": ",".join(sorted({w.code for w in report.warnings})),
                "extractor": extractor,
                "text": report.text,
            },
            pk="id",
        )
        self._index(report_id, report.text, existing["text"] if existing else None)
        source = existing["capture"] if existing else capture["id"]
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
        self.db.table("cells").insert_all(
            {
                "report": report_id,
                "key": key,
                "section": key.split(".")[0],
                "row": key.split(".")[1],
                "column": key.split(".")[2],
                "value": value,
                "raw": report.raw.get(key),
                "unit": report.units.get(key),
                "capture": capture,
            }
            for key, value in report.cells.items()
        )
        self.db.table("checks").insert_all(
            {"report": report_id, "rule": c.rule, "ok": int(c.ok), "detail": c.detail}
            for c in report.checks
        )
        self.db.table("warnings").insert_all(
            {
                "report": report_id,
                "seq": i,
                "code": w.code,
                "table_name": w.table,
                "detail": w.detail,
                "keys": json.dumps(w.keys) if w.keys else None,
            }
            for i, w in enumerate(report.warnings)
        )
        for section in SECTIONS:
            labels = wide_labels(section)
            row = {labels[k]: v for k, v in report.cells.items() if k in labels}
            if row:
                self.db.table(f"{section}_wide").insert({"report": report_id, **row})


def _failure(report: Report) -> str | None:
    fatal = [w for w in report.warnings if w.code in ("unreadable", "not_a_report")]
    if fatal:
        return f"{fatal[0].code}: {fatal[0].detail}"
    if not report.agency:
        return "no agency found: the report cannot be filed"
    if not report.year:
        return "no report year found: the report cannot be filed"
    return None
