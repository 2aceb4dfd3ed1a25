"""What every replica site is: a function from a request to a response, and nothing else.

Sites import none of the archive's packages: they are the world the crawler meets, not part of
the crawler.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Protocol


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    form: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str = "") -> str:
        """A query or form field, as a site's script would read it."""
        return (self.query.get(name) or self.form.get(name) or [default])[0]


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # How the server misbehaves in answering (replicas/faults.py): "reset" the connection,
    # "truncate" the body short of its Content-Length, "stall:<seconds>" before answering,
    # "stream:<bytes>" of zeros announced and sent until the client hangs up.
    fault: str = ""


# What a portal says an attachment is, by its extension.
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def served(stored: str) -> Response:
    """A file of data/attachments as a portal serves it."""
    return Response(data("attachments", stored), content_type=TYPES[suffix(stored)[1:]])


def suffix(stored: str) -> str:
    """A stored attachment's extension, dot included: what its link and file name end with."""
    return stored[stored.rindex(".") :]


NOT_FOUND = Response(
    b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
    status=404,
)


class Site(Protocol):
    """One replica portal: its platform, the agency it stands for, and its pages."""

    id: str
    platform: str

    @property
    def entry(self) -> str:
        """The path of the annual-report column, as the portal registry names it."""
        ...

    def handle(self, request: Request) -> Response: ...


@dataclass(frozen=True)
class Report:
    """A real report as the replicas publish it: its real numbers, rendered as portals do."""

    slug: str
    title: str
    agency: str
    year: int
    published: str  # YYYY-MM-DD

    @property
    def body(self) -> str:
        text = data("reports", f"{self.slug}.html").decode("utf-8")
        for old, new in changes().get("edit", {}).get(self.slug, []):
            text = text.replace(old, new)
        return text


def data(*parts: str) -> bytes:
    return resources.files("replicas").joinpath("data", *parts).read_bytes()


def page(name: str) -> str:
    """A real page as saved from a live portal, the template a replica fills."""
    return resources.files("replicas").joinpath("pages", name).read_bytes().decode("utf-8")


@cache
def reports() -> dict[str, Report]:
    rows = json.loads(data("reports.json"))
    published = changes().get("published", {})
    return {
        r["slug"]: Report(
            r["slug"], r["title"], r["agency"], r["year"], published.get(r["slug"], r["published"])
        )
        for r in rows
    }


@cache
def changes() -> dict:
    """How the replicas' world has moved on since it was saved, for a nightly run to notice: a
    JSON file named by NIANBAO_REPLICA_CHANGES, as
    {"edit": {slug: [[old, new], …]}, "add": {site id: [slug, …]}, "published": {slug: date}}:
    a report's text edited, a report added to a portal's column, a report (re)published."""
    path = os.environ.get("NIANBAO_REPLICA_CHANGES")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        found: dict = json.load(f)
    return found


def added(site: str) -> list[str]:
    """The reports a portal has published since it was saved (`changes`)."""
    slugs: list[str] = changes().get("add", {}).get(site, [])
    return slugs
