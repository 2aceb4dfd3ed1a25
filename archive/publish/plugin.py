"""Datasette plugin: the original document of every report, as captured, byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive import search
from archive.blobs import BlobError, BlobStore

# Types a browser may render inline; anything else is offered as a download.
_INLINE = ("text/html", "text/plain", "application/pdf", "image/")


async def capture(datasette: Any, request: Any) -> Response:
    capture_id = request.url_vars["capture_id"]
    db = datasette.get_database()
    rows = (
        await db.execute(
            "select sha256, content_type, url, format from captures where id = ?", [capture_id]
        )
    ).rows
    if not rows:
        return Response.text(f"no capture {capture_id}", status=404)
    sha256, content_type, url, fmt = rows[0]
    try:
        data = BlobStore(Path(db.path).parent / "blobs").get(sha256)
    except BlobError as e:
        return Response.text(str(e), status=410)
    content_type = content_type or _guess(fmt)
    headers = {
        "X-Capture-Url": url,
        "X-Capture-Sha256": sha256,
        # A captured page's scripts run nowhere near the archive's own origin.
        "Content-Security-Policy": "sandbox",
        "X-Content-Type-Options": "nosniff",
    }
    if not content_type.startswith(_INLINE):
        headers["Content-Disposition"] = f'attachment; filename="{capture_id}"'
    return Response(data, content_type=content_type, headers=headers)


def _guess(fmt: str | None) -> str:
    return {
        "html": "text/html",
        "text": "text/plain; charset=utf-8",
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }.get(fmt or "", "application/octet-stream")


@hookimpl(trylast=True)
def prepare_connection(conn: Any) -> None:
    """Datasette's search box, any length of Chinese: queries become the phrases the archive
    indexes (archive/search.py). Last, so it replaces Datasette's own escape_fts."""
    conn.create_function("escape_fts", 1, search.query)


class BrowseFacet(ColumnFacet):
    """A column facet shown while browsing, left out of search results unless asked for.

    Each facet re-runs the page's query; over a search that matches most of 300,000 reports
    that is seconds, so a search page counts its matches and lists them, and a reader adds a
    facet (`_facet=province`) when they want one. Metadata names these as `{browse: column}`.
    """

    type = "browse"

    def get_configs(self) -> list[dict]:
        if self.request.args.get("_search"):
            return []
        asked = set(self.request.args.getlist("_facet"))
        return [c for c in super().get_configs() if c["config"]["simple"] not in asked]

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        results, timed_out = await super().facet_results()
        for result in results:
            result["type"] = "column"  # rendered as the column facet it is
        return results, timed_out


@hookimpl
def register_facet_classes() -> list[type]:
    return [BrowseFacet]


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/captures/(?P<capture_id>[^/]+)$", capture)]


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> Any:
    """Links a reader follows: the original as stored, and where it was found."""
    if not isinstance(value, str) or not value:
        return None
    if column in ("capture", "原件") and (table in ("reports", "cells", None)):
        href = value if value.startswith("/-/") else f"/-/captures/{value}"
        return Markup(f'<a href="{escape(href)}">原件 / original</a>')
    if column in ("source_url", "document_url", "原始网址") and value.startswith("http"):
        return Markup(f'<a href="{escape(value)}" rel="nofollow">{escape(value)}</a>')
    return None
