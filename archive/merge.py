"""Archives merged into one: a crawler on another machine works on its own copy of the archive
(SQLite cannot be shared over a network), and what it captured is brought back here.

A capture is known by its id (its bytes, where they were asked and in which run), so a merge
adds each once however often it is run, and a capture two machines both made in one run (the
same robots.txt) once. Bytes come over checked against their names, WARCs whole, and only then
the rows, in one transaction: a merge killed half way leaves at most unused blobs. Reports are
not merged: the captures brought over are filed here, where versions are numbered.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.blobs import BlobError, BlobStore
from archive.schema import migrations
from archive.store import Archive

logger = logging.getLogger(__name__)
_FILED = ("extracted", "extract_error")


class MergeError(Exception):
    """The source cannot be merged at all (nothing there, or this very archive)."""


@dataclass
class Merged:
    source: Path
    captures: int = 0  # new here
    blobs: int = 0  # of their bytes, those new here
    runs: list[str] = field(default_factory=list)  # the runs that gained captures
    warcs: list[str] = field(default_factory=list)  # WARC files copied or grown
    left: list[str] = field(default_factory=list)  # what was not merged, and why


def merge(
    target: Archive, source: Path, warc_dir: Path, source_warcs: Path | None = None
) -> Merged:
    """Bring over what the archive at `source` has that this one lacks: its runs, captures,
    their bytes and WARCs, and what its list pages led to when last read (the newer reading
    wins). A capture whose bytes are missing or corrupt there is left out, and said."""
    if not source.is_file():
        raise MergeError(f"no archive at {source}")
    if source.resolve() == target.path.resolve():
        raise MergeError(f"{source} is the archive merged into")
    _to_this_schema(source)
    source_warcs = source_warcs or source.parent / "warc"
    merged = Merged(source)
    db = target.db
    db.execute("attach database ? as src", [str(source)])
    try:
        # One statement, one snapshot: a crawl still writing there adds nothing half way.
        db.execute("drop table if exists temp.incoming")
        db.execute(
            "create temp table incoming as select * from src.captures"
            " where id not in (select id from main.captures)"
        )
        _bring_bytes(target, BlobStore(source.parent / "blobs"), merged)
        _bring_warcs(target, source_warcs, warc_dir, merged)
        # The bytes on disk before the rows that name them: one sync, not one per blob (a
        # fsync each made a merge four times the cost of copying the files).
        os.sync()
        _bring_rows(target, merged)
    finally:
        db.execute("drop table if exists temp.incoming")
        db.execute("detach database src")
    return merged


def _to_this_schema(source: Path) -> None:
    """An older archive brought to this schema, so that its columns are ours; one of this
    schema (a published copy Datasette serves, say) is only read."""
    db = Database(sqlite3.connect(f"file:{source}?mode=ro", uri=True))
    try:
        pending = migrations.pending(db)
    finally:
        db.close()
    if pending:
        Archive(source).db.close()


def _bring_bytes(target: Archive, blobs: BlobStore, merged: Merged) -> None:
    db = target.db
    for capture, sha256 in db.execute("select id, sha256 from temp.incoming").fetchall():
        try:
            merged.blobs += target.blobs.adopt(blobs, sha256, sync=False)
        except BlobError as e:
            merged.left.append(f"capture {capture}: {e}")
            db.execute("delete from temp.incoming where id = ?", [capture])


def _bring_warcs(target: Archive, source_warcs: Path, warc_dir: Path, merged: Merged) -> None:
    """Each WARC the source's captures lie in, copied whole (one missing at an earlier merge
    too); one that has grown there since (its crawl went on) replaces the shorter copy here."""
    names = [r[0] for r in target.db.execute("select distinct warc from src.captures")]
    for name in (n for n in names if n):
        there, here = source_warcs / name, warc_dir / name
        if not there.is_file():
            merged.left.append(f"WARC {name}: missing from {source_warcs} (its captures merged)")
            continue
        if here.exists():
            if here.stat().st_size == there.stat().st_size:
                continue
            if not _starts(there, here):
                merged.left.append(f"WARC {name}: {here} holds other records; not replaced")
                continue
        warc_dir.mkdir(parents=True, exist_ok=True)
        partial = here.with_name(f".{name}.partial")
        shutil.copyfile(there, partial)
        os.replace(partial, here)  # synced with the bytes
        merged.warcs.append(name)


def _starts(longer: Path, shorter: Path) -> bool:
    """Whether `shorter`'s bytes begin `longer`."""
    size = shorter.stat().st_size
    if longer.stat().st_size < size:
        return False
    with longer.open("rb") as a, shorter.open("rb") as b:
        while size > 0:
            chunk = b.read(min(1 << 20, size))
            if not chunk or a.read(len(chunk)) != chunk:
                return False
            size -= len(chunk)
    return True


def _bring_rows(target: Archive, merged: Merged) -> None:
    db = target.db
    # Filed here, not as the source filed them.
    unfiled = [c for c in db.table("captures").columns_dict if c not in _FILED]
    columns = ", ".join(f"[{c}]" for c in unfiled)
    with db.atomic():
        if not db.execute("select 1 from main.captures limit 1").fetchone():
            # A new archive given another's captures is a copy of it: a crawler that works on
            # it joins that archive's runs (`nianbao crawl --redis`).
            db.execute("delete from main.archive")
            db.execute("insert into main.archive select * from src.archive")
        for table in ("portals", "runs"):
            listed = ", ".join(f"[{c}]" for c in db.table(table).columns_dict)
            db.execute(
                f"insert or ignore into main.[{table}] ({listed})"
                f" select {listed} from src.[{table}]"
            )
        # A run that several machines made together began when the first of them began.
        db.execute(
            "update main.runs set started_at = (select min(s.started_at) from src.runs s"
            " where s.id = runs.id) where id in (select id from src.runs)"
            " and started_at > (select s.started_at from src.runs s where s.id = runs.id)"
        )
        # Or ignore: this archive's own crawl of the same run may have stored it meanwhile.
        db.execute(
            f"insert or ignore into main.captures ({columns}) select {columns} from temp.incoming"
        )
        db.execute(
            "insert into main.list_links (request, links, run)"
            " select request, links, run from src.list_links where true"
            " on conflict (request) do update set links = excluded.links, run = excluded.run"
            " where coalesce((select started_at from main.runs where id = excluded.run), '')"
            " > coalesce((select started_at from main.runs where id = list_links.run), '')"
        )
        merged.captures = db.execute("select count(*) from temp.incoming").fetchone()[0]
        merged.runs = [
            r[0] for r in db.execute("select distinct run from temp.incoming order by run")
        ]
    logger.info("merged %s: %d captures, %d blobs", merged.source, merged.captures, merged.blobs)
