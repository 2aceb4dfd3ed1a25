"""What every replica site is: a function from a request to a response, and nothing else.

Sites import none of the archive's packages: they are the world the crawler meets, not part of
the crawler.
"""

from __future__ import annotations

import json
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
        return data("reports", f"{self.slug}.html").decode("utf-8")


def data(*parts: str) -> bytes:
    return resources.files("replicas").joinpath("data", *parts).read_bytes()


def page(name: str) -> str:
    """A real page as saved from a live portal, the template a replica fills."""
    return resources.files("replicas").joinpath("pages", name).read_bytes().decode("utf-8")


@cache
def reports() -> dict[str, Report]:
    rows = json.loads(data("reports.json"))
    return {
        r["slug"]: Report(r["slug"], r["title"], r["agency"], r["year"], r["published"])
        for r in rows
    }
