"""The portal registry (portals.tsv): adding a portal of a known platform is one row, no code."""

from __future__ import annotations

import csv
import io
import urllib.parse
from dataclasses import dataclass, replace
from importlib import resources


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    agency: str
    province: str
    city: str
    county: str
    division_code: str
    level: str
    platform: str
    entry_url: str
    replica: str  # the bundled replica site it stands for; empty for a real portal
    delay: float  # seconds between requests to its host
    notes: str


def portals() -> list[Portal]:
    text = resources.files("crawler").joinpath("portals.tsv").read_text("utf-8")
    rows = csv.DictReader(
        io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("#"))),
        delimiter="\t",
    )
    return [Portal(**{**row, "delay": float(row["delay"] or 1)}) for row in rows]  # type: ignore[arg-type]


def find(ids: list[str]) -> list[Portal]:
    """The portals named, or a clear error naming the ones the registry does not know."""
    known = {p.id: p for p in portals()}
    missing = [i for i in ids if i not in known]
    if missing:
        raise KeyError(f"no portal {', '.join(missing)} in the registry; known: {', '.join(known)}")
    return [known[i] for i in ids]


def replicas() -> list[Portal]:
    return [p for p in portals() if p.replica]


def at_port(portal: Portal, port: int) -> Portal:
    """A replica portal as served on this run's port of 127.0.0.1."""
    url = urllib.parse.urlsplit(portal.entry_url)
    return replace(portal, entry_url=url._replace(netloc=f"127.0.0.1:{port}").geturl())
