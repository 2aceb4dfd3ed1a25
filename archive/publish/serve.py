"""How `nianbao serve` runs Datasette over the archive: read-only, with its metadata."""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from importlib import resources
from pathlib import Path

import yaml

from archive.schema import SECTIONS, wide_labels


def metadata_for(db: Path) -> dict:
    """The bundled metadata, keyed by the database's name as Datasette calls it (its stem)."""
    text = resources.files("archive.publish").joinpath("metadata.yaml").read_text("utf-8")
    meta = yaml.safe_load(text)
    tables = meta["databases"]["archive"]["tables"]
    for section in SECTIONS:  # each Chinese column label, described by its canonical cell
        tables[f"{section}_wide"]["columns"] = {
            "report": "报告 / Report",
            **{label: f"{label} / {key}" for key, label in wide_labels(section).items()},
        }
    meta["databases"] = {db.stem: meta["databases"]["archive"]}
    return meta


class Unsettled(Exception):
    """The archive is being written: what Datasette would read of it is not whole."""


def settle(db: Path) -> None:
    """Every commit moved from the write-ahead log into the database file: Datasette opens it
    immutable, reading that file alone. While a crawl writes, that cannot be done."""
    conn = sqlite3.connect(db, timeout=2)
    try:
        busy, log, moved = conn.execute("pragma wal_checkpoint(truncate)").fetchone()
    finally:
        conn.close()
    if busy or log != moved:
        raise Unsettled(
            f"{db} is being written ({max(log - moved, 0)} pages of its log not yet in the file):"
            " serve it when the crawl or load ends"
        )


def command(db: Path, host: str, port: int) -> list[str]:
    """The datasette command line: immutable (no write path, the archive settled first),
    metadata in a temporary file."""
    settle(db)
    meta = Path(tempfile.mkdtemp(prefix="nianbao-")) / "metadata.json"
    meta.write_text(json.dumps(metadata_for(db), ensure_ascii=False), encoding="utf-8")
    settings = {
        "sql_time_limit_ms": 5000,
        "facet_time_limit_ms": 1000,
        "allow_download": "off",  # the archive's bytes are served capture by capture
        "truncate_cells_html": 160,  # a long cell would swamp the table
        "suggest_facets": "off",  # a query per column per page: seconds at national scale
    }
    args = [sys.executable, "-m", "datasette", "serve", "--immutable", str(db)]
    args += ["--metadata", str(meta), "--host", host, "--port", str(port)]
    for name, value in settings.items():
        args += ["--setting", name, str(value)]
    return args
