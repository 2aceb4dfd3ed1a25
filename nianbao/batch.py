"""Extracting many files: one bad file costs only itself, in bounded time."""

from __future__ import annotations

import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extract import Report, extract
from extract.checks import carry_over

# Warnings that mean the file gave no report at all.
FATAL = ("unreadable", "not_a_report")


@dataclass
class Result:
    path: Path
    report: Report | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or bool(self.problems())

    def problems(self) -> list[str]:
        if self.report is None:
            return []
        return [f"{w.code}: {w.detail}" for w in self.report.warnings if w.code in FATAL]


class Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Timeout(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_files(paths: Sequence[Path], timeout: float = 120) -> list[Result]:
    results = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as e:
            results.append(Result(path, error=e.strerror or str(e)))
            continue
        results.append(extract_bytes(path, data, timeout))
    link_years([r.report for r in results if r.report is not None])
    return results


def extract_bytes(
    path: Path, data: bytes, timeout: float, content_type: str | None = None
) -> Result:
    """One document's report, or the one-line reason it has none."""
    try:
        with time_limit(timeout):
            return Result(path, extract(data, content_type))
    except Timeout as e:
        return Result(path, error=str(e))
    except Exception as e:  # a reader bug must not stop the batch
        return Result(path, error=f"{type(e).__name__}: {e}")


def link_years(reports: Sequence[Report]) -> None:
    """Carry-over checks between consecutive years of one agency found in the same batch."""
    by_agency: dict[str, dict[int, Report]] = {}
    for r in reports:
        if r.agency and r.year and r.cells:
            by_agency.setdefault(r.agency, {})[r.year] = r
    for years in by_agency.values():
        for year, later in years.items():
            earlier = years.get(year - 1)
            if earlier is not None:
                later.checks.extend(carry_over(earlier.cells, later.cells, year - 1, year))


def summary(results: Sequence[Result]) -> str:
    """A table a person reads: one line per file."""
    header = ("file", "agency", "year", "template", "region", "cells", "checks failed", "warnings")
    rows = [header]
    for r in results:
        name = r.path.name if len(r.path.name) <= 40 else r.path.name[:39] + "…"
        if r.report is None:
            rows.append((name, f"error: {r.error}", "", "", "", "", "", ""))
            continue
        rep = r.report
        filled = sum(v is not None for v in rep.cells.values())
        region = "/".join(
            x
            for x in (rep.region.province, rep.region.city, rep.region.county, rep.region.township)
            if x
        )
        failed = sum(not c.ok for c in rep.checks)
        codes = sorted({w.code for w in rep.warnings})
        rows.append(
            (
                name,
                rep.agency or "?",
                str(rep.year or "?"),
                rep.template or "-",
                region or "?",
                f"{filled}/{len(rep.cells)}",
                f"{failed}/{len(rep.checks)}",
                ",".join(codes),
            )
        )
    return _columns(rows)


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _columns(rows: list[tuple[str, ...]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
