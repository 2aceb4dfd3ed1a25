"""`nianbao merge`: the archives of crawlers on other machines brought into this one, what
they captured filed here, each run's counts, portal health and summary made whole again."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.merge import Merged, merge
from archive.store import Archive
from nianbao import crawling, nightly


@dataclass
class Gathered:
    merged: list[Merged] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=dict)  # each run touched: its reports now
    new_reports: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)


def gather(
    archive: Archive, sources: list[Path], warc_dir: Path, timeout: float, file: bool = True
) -> Gathered:
    """Merge each source in turn, then file the runs that gained captures (not with `file`
    false: a crawler's copy of the archive being brought up to date needs its history, not
    its reports)."""
    gathered = Gathered()
    for source in sources:
        gathered.merged.append(merge(archive, source, warc_dir))
    if not file:
        return gathered
    for run in sorted({run for m in gathered.merged for run in m.runs}):
        _, per_portal, distinct = crawling.file_run(archive, run, timeout, finish=False)
        _, _, fresh, versions = nightly.summarise(archive, run, per_portal)
        gathered.runs[run] = distinct
        gathered.new_reports += fresh
        gathered.new_versions += versions
    archive.db.conn.commit()
    return gathered
