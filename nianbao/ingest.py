"""Documents into the archive: store the bytes first, then extract, then file the report."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from archive.blobs import BlobError
from archive.store import Archive, Capture
from extract.model import Report
from extract.page import main_content
from extract.sniff import sniff
from extract.version import extractor_version
from nianbao.batch import Result, extract_bytes

Tick = Callable[[str], None]  # a document filed or fetched: its path or URL


@dataclass
class Tally:
    captures: int = 0
    reports: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)


def files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and every file under the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


def add(
    archive: Archive,
    paths: list[Path],
    timeout: float,
    tick: Callable[[Path], None] = lambda p: None,
) -> Tally:
    """Store local documents as captures and file their reports."""
    tally = Tally()
    run = archive.start_run("add", extractor_version())
    for path in paths:
        tick(str(path))
        try:
            data = path.read_bytes()
        except OSError as e:
            tally.failures.append((str(path), e.strerror or str(e)))
            continue
        capture = archive.store(
            Capture(url=path.resolve().as_uri(), data=data), run, format=sniff(data)
        )
        tally.captures += 1
        _file(archive, capture, str(path), data, None, timeout, tally)
    archive.finish_run(run, tally.captures, tally.reports, len(tally.failures))
    return tally


def _file_stored(archive: Archive, row: dict, timeout: float, tally: Tally) -> None:
    """A stored capture read back and filed; a missing or corrupt blob is a failure."""
    try:
        data = archive.read(row["id"])
    except BlobError as e:
        tally.failures.append((row["url"], str(e)))
        return
    tally.captures += 1
    _file(archive, row["id"], row["url"], data, row["content_type"], timeout, tally)


def reprocess(archive: Archive, timeout: float, tick: Tick = lambda _: None) -> Tally:
    """Extract every stored capture again with this extractor; no network, no new bytes."""
    tally = Tally()
    run = archive.start_run("reprocess", extractor_version())
    for row in list(archive.captures()):
        tick(row["url"])
        _file_stored(archive, row, timeout, tally)
    archive.finish_run(run, tally.captures, tally.reports, len(tally.failures))
    return tally


@dataclass
class Filing:
    """A crawl run's filing: documents read in a worker process (the crawl's own thread keeps
    fetching), their reports loaded into the archive by the crawl's thread as they come back."""

    tally: Tally
    timeout: float
    pool: ProcessPoolExecutor | None = None
    pending: list[tuple[str, str, Future[Result]]] = field(default_factory=list)

    def submit(self, capture: str, where: str, data: bytes, content_type: str | None) -> None:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        future = self.pool.submit(read_document, where, data, content_type, self.timeout)
        self.pending.append((capture, where, future))

    def collect(self, archive: Archive, wait: bool = False) -> None:
        """Load what the worker has read (all of it, waiting, at the end of the crawl)."""
        still = []
        for capture, where, future in self.pending:
            if not wait and not future.done():
                still.append((capture, where, future))
                continue
            try:
                result = future.result()
            except BrokenProcessPool:  # the worker died: these are read again after the crawl
                self.pool = None
                continue
            except Exception as e:  # said, not raised
                result = Result(Path(where), error=f"{type(e).__name__}: {e}")
            _load(archive, capture, where, result, self.tally)
        self.pending = still
        if wait and self.pool is not None:
            self.pool.shutdown()
            self.pool = None


# Crawl runs under way in this process, and what each has filed so far.
RUNS: dict[str, Filing] = {}


def file_crawled(
    archive: Archive, run: str, capture: str, url: str, data: bytes, content_type: str | None
) -> None:
    """The crawler's filer (setting NIANBAO_FILER): each report page or attachment is filed as
    it arrives, so a long crawl fills the archive as it goes."""
    filing = RUNS.setdefault(run, Filing(Tally(), 30))
    filing.tally.captures += 1
    filing.collect(archive)
    # The same bytes filed before by this extractor (last night's crawl, another portal's copy):
    # the same report, not read again.
    earlier = archive.db.execute(
        "select c.extracted from captures c join reports r on r.id = c.extracted"
        " where c.sha256 = (select sha256 from captures where id = ?) and r.extractor = ?"
        " limit 1",
        [capture, extractor_version()],
    ).fetchone()
    if earlier:
        with archive.db.atomic():
            archive.db.execute(
                "update captures set extracted = ? where id = ?", [earlier[0], capture]
            )
        filing.tally.reports += 1
        return
    filing.submit(capture, url, data, content_type)


def extract_run(
    archive: Archive, run: str, timeout: float, tick: Callable[[Path], None] = lambda p: None
) -> Tally:
    """File the reports of a crawl run's captures not filed yet (all of them when the crawl
    filed none as it went). A page that only links its report is marked `attachment` once an
    attachment gave it."""
    filing = RUNS.pop(run, None)
    if filing is not None:
        filing.collect(archive, wait=True)
    tally = filing.tally if filing else Tally()
    rows = list(
        archive.db.query(
            "select id, url, content_type from captures where run = ? and status = 200"
            " and role in ('page', 'attachment') and extracted is null and error is null"
            " order by fetched_at, id",
            [run],
        )
    )
    for row in rows:
        tick(row["url"])
        _file_stored(archive, row, timeout, tally)
    with archive.db.atomic():
        archive.db.execute(
            "update captures set extracted = 'attachment', extract_error = null"
            " where run = ? and role = 'page' and extracted = 'failed' and url in ("
            " select referrer from captures where run = ? and role = 'attachment'"
            " and extracted != 'failed')",
            [run, run],
        )
    given = {
        r["url"]
        for r in archive.db.query(
            "select url from captures where run = ? and extracted = 'attachment'", [run]
        )
    }
    tally.failures = [(where, why) for where, why in tally.failures if where not in given]
    pointers = {Path(url) for url in given}  # pages that only point to their attachment
    tally.results = [r for r in tally.results if r.path not in pointers]
    return tally


def _with_page_content(report: Report, data: bytes) -> None:
    """A web page's prose (for search) and date (when the report states none), from its main
    content rather than the whole page with its menus."""
    page = main_content(data)
    if page.text:
        report.text = page.text
    if not report.published and page.date:
        report.published = page.date
    if not report.title and page.title:
        report.title = page.title


def read_document(where: str, data: bytes, content_type: str | None, timeout: float) -> Result:
    """A document's report, with a web page's main content: pure, so it can run in a worker
    process while the crawl goes on fetching."""
    result = extract_bytes(Path(where), data, timeout, content_type)
    report = result.report
    if report is not None and report.format == "html" and not result.error:
        _with_page_content(report, data)
    return result


def _load(archive: Archive, capture: str, where: str, result: Result, tally: Tally) -> None:
    tally.results.append(result)
    report = result.report or Report(warnings=[])
    if result.error:
        report.warn("unreadable", result.error)
    report_id = archive.load(capture, report, extractor_version())
    if report_id is None:
        reason = archive.db["captures"].get(capture)["extract_error"]
        tally.failures.append((where, reason))
    else:
        tally.reports += 1


def _file(
    archive: Archive,
    capture: str,
    where: str,
    data: bytes,
    content_type: str | None,
    timeout: float,
    tally: Tally,
) -> None:
    _load(archive, capture, where, read_document(where, data, content_type, timeout), tally)
