"""HTML report pages → blocks: leaf tables with spans resolved, the rest as paragraphs."""

from __future__ import annotations

import itertools
import re

import lxml.html
from lxml import etree

from extract import normalise
from extract.model import Block, Document, Paragraph, Table
from extract.values import is_value, split_numeric_line

_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "head",
        "select",
        "option",
        "textarea",
        "iframe",
        "object",
        "svg",
        "button",
        "template",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "blockquote",
        "section",
        "article",
        "center",
        "pre",
        "tr",
        "td",
        "th",
        "ucapcontent",
        "ucaptitle",
        "header",
        "footer",
        "main",
        "ul",
        "ol",
        "dl",
        "form",
        "body",
        "caption",
        "address",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "br",
        "hr",
    }
)
# Spans beyond these are markup errors; honouring them would only blow up memory.
_MAX_ROWSPAN = 200
_MAX_COLSPAN = 60
_META_NAMES = {
    "articletitle": "title",
    "pubdate": "published",
    "contentsource": "publisher",
    "firstpublishedtime": "published",
    "publishdate": "published",
}
_KV_LABELS = {
    "发布机构": "publisher",
    "发文机关": "publisher",
    "公开日期": "published",
    "发布日期": "published",
    "成文日期": "written",
    "名称": "title",
    "标题": "title",
}


def read(text: str, encoding: str | None = None) -> Document:
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        return Document([], "html", encoding)
    meta = _meta(root)
    blocks = _merge_runs(_walk(root))
    for block in blocks:
        if isinstance(block, Table):
            for k, v in _key_values(block).items():
                meta.setdefault(k, v)
    return Document(blocks, "html", encoding, meta)


def _meta(root: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").lower()
        if name in _META_NAMES and el.get("content"):
            meta.setdefault(_META_NAMES[name], normalise.text(el.get("content", "")).strip())
    titles = [el.text_content() for el in root.iter("title", "ucaptitle", "h1")]
    for i, t in enumerate(t for t in titles if t and t.strip()):
        meta.setdefault(f"title_candidate_{i}", normalise.cell(normalise.text(t)))
    for el in root.iter("publishtime"):
        meta.setdefault("published", normalise.text(el.text_content()).strip())
    return meta


def _walk(root: etree._Element) -> list[Block]:
    """Blocks in document order, without recursion (pages nest thousands deep)."""
    blocks: list[Block] = []
    line: list[str] = []

    def flush() -> None:
        text = normalise.cell(normalise.text("".join(line)))
        line.clear()
        if text:
            blocks.append(_prose(text))

    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if closing:
            if tag.lower() in _BLOCK:
                flush()
            if el.tail:
                line.append(el.tail)
            continue
        if not tag or tag.lower() in _SKIP:
            if el.tail:
                line.append(el.tail)
            continue
        if tag.lower() == "table" and not _has_table(el):
            flush()
            table = _table(el)
            if table.rows:
                blocks.append(table)
            if el.tail:
                line.append(el.tail)
            continue
        if tag.lower() in _BLOCK:
            flush()
        if el.text:
            line.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    flush()
    return blocks


def _has_table(el: etree._Element) -> bool:
    return next(el.iterdescendants("table"), None) is not None


def _prose(text: str) -> Block:
    cells = split_numeric_line(text)
    return Table([cells], grid=False) if cells is not None else Paragraph(text)


def _cell_text(el: etree._Element) -> str:
    parts = []
    for node in el.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in ("br", "p", "div") and parts:
            parts.append("\n")
        if node is not el and tag.lower() in _SKIP:
            continue
        if node.text and tag.lower() not in _SKIP:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return normalise.cell(normalise.text("".join(parts)))


def _span(el: etree._Element, name: str, cap: int) -> int:
    try:
        return min(max(int(re.sub(r"\D", "", el.get(name, "1")) or 1), 1), cap)
    except ValueError:
        return 1


def _table(el: etree._Element) -> Table:
    """Rows with row- and colspans resolved: a label spans into the cells it covers, a figure
    stays in its own cell (copied, it would count twice)."""
    grid: dict[int, dict[int, str | None]] = {}
    for r, tr in enumerate(el.iter("tr")):
        row = grid.setdefault(r, {})
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while c in row:
                c += 1
            text = _cell_text(td)
            rowspan = _span(td, "rowspan", _MAX_ROWSPAN)
            colspan = _span(td, "colspan", _MAX_COLSPAN)
            copy = text if text and not is_value(text) else None
            for dr in range(rowspan):
                target = grid.setdefault(r + dr, {})
                for dc in range(colspan):
                    target[c + dc] = text if dr == dc == 0 else copy
            c += colspan
    rows = []
    for r in sorted(grid):
        cells = [grid[r][c] for c in sorted(grid[r])]
        rows.append([c for c in cells if c is not None])
    return Table([row for row in rows if row])


def _key_values(table: Table) -> dict[str, str]:
    """Label–value pairs of a page's metadata table (发布机构, 公开日期)."""
    found: dict[str, str] = {}
    for row in table.rows:
        for label, value in itertools.pairwise(row):
            key = _KV_LABELS.get(re.sub(r"[\s:：]", "", label))
            if key and value and key not in found:
                found[key] = value
    return found


def _merge_runs(blocks: list[Block]) -> list[Block]:
    """Consecutive one-cell rows from prose (tables flattened into `<p>` runs) make one table."""
    merged: list[Block] = []
    for block in blocks:
        last = merged[-1] if merged else None
        runs = isinstance(block, Table) and isinstance(last, Table)
        if runs and not block.grid and not last.grid:  # type: ignore[union-attr]
            last.rows.extend(block.rows)
        else:
            merged.append(block)
    return merged
