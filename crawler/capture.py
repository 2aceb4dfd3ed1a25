"""Raw first: every response is stored byte for byte before any parsing, in the archive (blob
and capture row) and in the run's WARC file; every failed fetch is recorded with its reason."""

from __future__ import annotations

import logging
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.schema import request_key
from archive.store import Archive, Capture
from crawler import settings
from extract.sniff import sniff

# Hop-by-hop headers describe the transfer, not the document; the body is kept whole.
_HOP = {b"transfer-encoding", b"connection", b"keep-alive"}
_RECORDERS: dict[str, Recorder] = {}
# Formats whose bytes are compressed already: gzipped at the fastest level.
_PACKED = frozenset({"pdf", "docx", "xlsx", "ofd", "zip", "image", "gzip", "rar", "7z"})
logger = logging.getLogger(__name__)
# Files a stored capture's report: (archive, run, capture id, url, bytes, content type).
Filer = Callable[[Archive, str, str, str, bytes, str | None], None]


def decoded_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers for a body a browser has already decoded: its transfer headers renamed, as web
    archives keep them, so that a replay does not decode it again."""
    moved = ("content-encoding", "content-length", "transfer-encoding")
    return [(f"X-Archive-Orig-{k}" if k.lower() in moved else k, v) for k, v in headers]


@dataclass
class Fetched:
    """A response as it came over the wire, from Scrapy's downloader or from a browser."""

    url: str
    final_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    role: str | None = None
    referrer: str | None = None
    error: str | None = None  # why a response that came is still a failure
    rendered: bool = False  # the DOM a browser rendered, not the bytes served


class Recorder:
    """The archive and the WARC of one crawl run; shared by the middleware and the spiders."""

    def __init__(self, db: Path, run: str, warc: Path, filer: Filer | None = None) -> None:
        self.archive = Archive(db)
        self.run = run
        self.filer = filer
        warc.parent.mkdir(parents=True, exist_ok=True)
        settle(self.archive, run, warc)  # a run resumed after a kill goes on from what it kept
        self._warc_file = warc.open("ab")
        self.warc_name = warc.name
        # Records are built by warcio and gzipped here, one member each, at a level that suits
        # their bytes: a PDF or a zip is not squeezed again at warcio's level 9.
        self.warc = WARCWriter(BytesIO(), gzip=False)
        self.captures = 0
        self.failures = 0

    @classmethod
    def of(cls, crawler: Crawler) -> Recorder:
        """The run's one recorder, shared by the crawlers of all its portals (one WARC file)."""
        s = crawler.settings
        run = s["NIANBAO_RUN"]
        if run not in _RECORDERS:
            filer = load_object(s["NIANBAO_FILER"]) if s.get("NIANBAO_FILER") else None
            _RECORDERS[run] = cls(Path(s["NIANBAO_DB"]), run, Path(s["NIANBAO_WARC"]), filer)
        return _RECORDERS[run]

    def response(
        self, request: Request, response: Response, portal: str | None, site: Any = None
    ) -> str:
        headers = _pairs(response.headers)
        if request.meta.get("playwright"):  # the rendered DOM: not the bytes those headers sent
            headers = decoded_headers(headers)
        return self.record(
            Fetched(
                url=request.url,
                final_url=response.url,
                status=response.status,
                headers=headers,
                body=response.body,
                method=request.method,
                request_headers=_pairs(request.headers),
                request_body=request.body,
                protocol=response.protocol or "HTTP/1.1",
                role=role_of(request),
                referrer=request.meta.get("referrer"),
                error=_bad_redirect(request, response, site),
                rendered=bool(request.meta.get("playwright")),
            ),
            portal,
        )

    def record(self, fetched: Fetched, portal: str | None) -> str:
        """One response as received: its WARC request and response records, then its bytes
        and provenance in the archive."""
        headers = dict(fetched.headers)
        data, bomb = _decoded(fetched.body, headers.get("Content-Encoding", ""))
        kind = sniff(data) if fetched.status < 300 else None
        offset = self._warc_file.tell()
        self._warc_pair(fetched, packed=kind in _PACKED or data is not fetched.body)
        capture = self.archive.store(
            Capture(
                url=fetched.url,
                data=data,
                fetched_at=_now(),
                final_url=fetched.final_url,
                status=fetched.status,
                headers=headers,
                content_type=headers.get("Content-Type"),
                portal=portal,
                error=fetched.error
                or (
                    f"a decompression bomb: its gzip body inflates past the"
                    f" {settings.DOWNLOAD_MAXSIZE // 2**20} MB a response may have"
                    if bomb
                    else http_error(fetched.status, headers)
                ),
                role=fetched.role,
                method=fetched.method,
                referrer=fetched.referrer,
                request=request_key(
                    fetched.method, fetched.url, fetched.request_body, fetched.rendered
                ),
                warc=self.warc_name,
                warc_offset=offset,
            ),
            self.run,
            format=kind,
            per_run=True,
        )
        self.captures += 1
        filed = fetched.role in ("page", "attachment") and 200 <= fetched.status < 300
        if self.filer and filed and not (fetched.error or bomb):
            try:
                self.filer(
                    self.archive, self.run, capture, fetched.url, data, headers.get("Content-Type")
                )
            except Exception:  # filed again after the crawl, where the reason is recorded
                logger.exception("filing %s failed; it is retried after the crawl", fetched.url)
        return capture

    def failure(self, request: Request, reason: str, portal: str | None) -> None:
        """A fetch that gave no response (refused, timed out, forbidden by robots.txt)."""
        self.archive.store(
            Capture(
                url=request.url,
                data=b"",
                fetched_at=_now(),
                portal=portal,
                error=reason,
                role=role_of(request),
                method=request.method,
                referrer=request.meta.get("referrer"),
                request=key_of(request),
            ),
            self.run,
            per_run=True,
        )
        self.failures += 1

    def _warc_pair(self, fetched: Fetched, packed: bool) -> None:
        status = StatusAndHeaders(
            f"{fetched.status} {_reason(fetched.status)}",
            [(k, v) for k, v in fetched.headers if k.lower().encode() not in _HOP],
            protocol=fetched.protocol,
        )
        record = self.warc.create_warc_record(
            fetched.final_url, "response", payload=BytesIO(fetched.body), http_headers=status
        )
        parts = urllib.parse.urlsplit(fetched.final_url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = StatusAndHeaders(
            f"{fetched.method} {target or '/'} {fetched.protocol}",
            fetched.request_headers,
            is_http_request=True,
        )
        asked = self.warc.create_warc_record(
            fetched.final_url,
            "request",
            payload=BytesIO(fetched.request_body),
            http_headers=sent,
            warc_headers_dict={"WARC-Concurrent-To": record.rec_headers["WARC-Record-ID"]},
        )
        self._write(record, 1 if packed else 6)
        self._write(asked, 6)
        self._warc_file.flush()

    def _write(self, record: Any, level: int) -> None:
        """One record as its own gzip member, as WARC readers seek them."""
        self.warc.out = buffer = BytesIO()
        self.warc.write_record(record)
        packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self._warc_file.write(packer.compress(buffer.getvalue()) + packer.flush())

    def close(self) -> None:
        self._warc_file.close()
        self.archive.db.close()
        _RECORDERS.pop(self.run, None)


def _ends(warc: Path, start: int = 0) -> Iterator[int]:
    """Where each whole gzip member from `start` on ends (each WARC record is one member,
    `Recorder._write`); up to the first that is torn or not gzip."""
    read = start
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with warc.open("rb") as f:
        f.seek(start)
        while chunk := f.read(1 << 20):
            while chunk:
                try:
                    member.decompress(chunk)
                except zlib.error:  # not gzip from here on
                    return
                if not member.eof:
                    read += len(chunk)
                    break
                read += len(chunk) - len(member.unused_data)
                yield read
                chunk = member.unused_data
                member = zlib.decompressobj(16 + zlib.MAX_WBITS)


def _cut(warc: Path, size: int, why: str) -> int:
    cut = warc.stat().st_size - size
    if cut:
        logger.warning("%s: %s, %d bytes cut off", warc, why, cut)
        with warc.open("r+b") as f:
            f.truncate(size)
    return cut


def repair(warc: Path) -> int:
    """Cut a WARC file back to its last whole record: a process killed while writing one
    leaves half a gzip member, which no reader gets past. The bytes cut off, if any."""
    if not warc.exists():
        return 0
    whole = max(_ends(warc), default=0)
    return _cut(warc, whole, "a torn last record")


def settle(archive: Archive, run: str, warc: Path) -> int:
    """A killed process's WARC made whole and made to hold what the archive recorded, no
    more: records written after the last the archive recorded (killed between the two) are
    cut, and fetched again by the run resumed, so that no response is in it twice."""
    cut = repair(warc)
    if not warc.exists() or not warc.stat().st_size:
        return cut
    last, answered = archive.db.execute(
        "select max(case when warc = ? then warc_offset end), count(status) from captures"
        " where run = ?",
        [warc.name, run],
    ).fetchone()
    size = warc.stat().st_size
    if last is None and answered:  # recorded before captures said where (m012): kept whole
        return cut
    keep = 0
    if last is not None:  # its response record, then the request record written with it
        ends = _ends(warc, min(last, size))
        keep = next(ends, last)
        keep = next(ends, keep)
    return cut + _cut(warc, min(keep, size), "records the archive never recorded")


class CaptureMiddleware:
    """Nearest the network (after every other downloader middleware has sent the request, before
    any has touched the response): retries, redirects and errors are all recorded as received."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if "archived" in response.flags:  # answered from the archive, not the network
            return response
        spider = self.crawler.spider
        request.meta["captured"] = Recorder.of(self.crawler).response(
            request, response, portal_id(spider, request), spider
        )
        return response


def record_failure(spider: Any, failure: Failure) -> None:
    """An errback: a request that gave no response is recorded with its reason; an HTTP error
    response was already stored as received."""
    from scrapy.spidermiddlewares.httperror import HttpError

    if failure.check(HttpError):
        return
    request = failure.request  # type: ignore[attr-defined]
    name = failure.type.__name__
    reason = f"{name}: {failure.getErrorMessage() or _SAID.get(name, 'no reason given')}"
    Recorder.of(spider.crawler).failure(request, reason, portal_id(spider, request))


# What an error that says nothing of itself means.
_SAID = {
    "ResponseDataLossError": "the connection closed before the body reached its Content-Length",
}


def portal_id(spider: Any, request: Request) -> str | None:
    """The portal a request belongs to (robots.txt too: by its host)."""
    finder = getattr(spider, "portal_of", None)
    portal = finder(request.url, request.meta) if finder else None
    return portal.id if portal else None


def _bad_redirect(request: Request, response: Response, site: Any) -> str | None:
    """A redirect that will not be followed, and why: back to where it came from (a loop,
    which Scrapy drops unseen as a duplicate) or off the portal's site."""
    location = response.headers.get("Location")
    if not 300 <= response.status < 400 or not location:
        return None
    target = urllib.parse.urljoin(request.url, location.decode("latin-1"))
    if target == request.url or target in request.meta.get("redirect_urls", []):
        return f"redirect loop: back to {target}"
    same_site = getattr(site, "same_site", None)
    if same_site and not same_site(target):
        return f"off-site redirect to {target}, not followed"
    return None


def http_error(status: int, headers: dict[str, str]) -> str | None:
    """An answer's failure, with what the server said of it: how long it asked to wait, or
    that its page is a firewall's challenge for a browser to solve."""
    if status < 400:
        return None
    said = f"HTTP {status}"
    wait = {k.lower(): v for k, v in headers.items()}.get("retry-after")
    if wait:
        said += f": Retry-After {wait}" + (" s" if wait.strip().isdigit() else "")
    elif status == 412:
        said += ": a web application firewall's challenge (a script for a browser to run)"
    return said


def _decoded(body: bytes, encoding: str) -> tuple[bytes, bool]:
    """The document's own bytes: a gzip or deflate transfer undone (the WARC keeps it as sent),
    within the size a response may have; and whether they inflate past it (a decompression
    bomb, kept as it came)."""
    if "gzip" in encoding or "deflate" in encoding:
        wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
        try:
            inflater = zlib.decompressobj(wbits)
            data = inflater.decompress(body, settings.DOWNLOAD_MAXSIZE)
        except zlib.error:
            return body, False
        return (body, True) if inflater.unconsumed_tail else (data, False)
    return body, False


def _pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values
    ]


def key_of(request: Request) -> str:
    """The request as the archive knows it again (archive.schema.request_key)."""
    return request_key(
        request.method, request.url, request.body, bool(request.meta.get("playwright"))
    )


def role_of(request: Request) -> str | None:
    if request.url.endswith("/robots.txt"):
        return "robots"
    return request.meta.get("role")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
