"""`nianbao merge`: the archives of crawlers on other machines brought into this one, what
they captured filed here, each run's counts, portal health and summary made whole again."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.merge import Merged, MergeError, merge
from archive.store import Archive
from nianbao import crawling, nightly


@dataclass
class Gathered:
    merged: list[Merged] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=dict)  # each run touched: its reports now
    new_reports: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # sources that could not be merged at all


def gather(
    archive: Archive, sources: list[Path], warc_dir: Path, timeout: float, file: bool = True
) -> Gathered:
    """Merge each source in turn, then file the runs that gained captures (not with `file`
    false: a crawler's copy of the archive being brought up to date needs its history, not
    its reports)."""
    gathered = Gathered()
    for source in sources:
        try:
            gathered.merged.append(merge(archive, source, warc_dir))
        except MergeError as e:
            gathered.refused.append(str(e))
    if not file:
        return gathered
    # And any run an earlier merge brought but never filed (it was killed, or refused a source).
    unfiled = archive.db.execute(
        "select distinct run from captures where extracted is null and status = 200"
        " and role in ('page', 'attachment') and error is null and run is not null"
    )
    runs = {run for m in gathered.merged for run in m.runs} | {r[0] for r in unfiled}
    for run in sorted(runs):
        _, per_portal, distinct = crawling.file_run(archive, run, timeout, finish=False)
        _, _, fresh, versions = nightly.summarise(archive, run, per_portal)
        gathered.runs[run] = distinct
        gathered.new_reports += fresh
        gathered.new_versions += versions
    archive.db.conn.commit()
    return gathered
