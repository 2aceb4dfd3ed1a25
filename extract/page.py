"""A web page's main content, as trafilatura reads it: the report's prose without the portal's
menus, footers and related links, its title and its date. The archive indexes this text for
search and takes the date when the report states none; the tables come from extract()."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

# Shorter than this, the "main text" is a stub: 详见附件, or a page trafilatura misread.
MIN_TEXT = 200


@dataclass(frozen=True)
class Page:
    title: str | None
    date: str | None  # YYYY-MM-DD
    text: str | None


def main_content(data: bytes) -> Page:
    try:
        doc = trafilatura.bare_extraction(
            data, include_tables=False, include_comments=False, with_metadata=True
        )
    except Exception:  # trafilatura's own parsing trouble is no reason to lose the report
        return Page(None, None, None)
    if doc is None:
        return Page(None, None, None)
    found = doc if isinstance(doc, dict) else doc.as_dict()
    text = found.get("text") or None
    return Page(
        found.get("title") or None,
        found.get("date") or None,
        text if text and len(text) >= MIN_TEXT else None,
    )
