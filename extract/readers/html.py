"""HTML report pages → blocks: leaf tables with spans resolved, the rest as paragraphs."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

from extract import normalise
from extract.model import Block, Document, Paragraph, Table
from extract.readers import text as text_reader
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
# Plain elements (no per-element Python class lookup as in lxml.html): the reader is hot.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
# A page's metadata table (索引号, 发布机构, 公开日期) is small; report tables are not.
_META_ROWS = 12
# Joins every text of a page for one normalisation pass; no page text holds it.
_SEPARATOR = "\x1f"
_TAG = re.compile(r"<[^>]*>")
_TEXT = re.compile(r">[^<]*[\u4e00-\u9fff]")
# A report is a few hundred blocks; a page with thousands of times more is read only so far.
_MAX_BLOCKS = 20_000
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
        root = etree.fromstring(text or "<html></html>", _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return _as_text(text, encoding)
    walked, complete = _walk(root)
    if not walked and _TEXT.search(text):
        return _as_text(text, encoding)
    meta = _meta(root)
    blocks = _merge_runs(_blocks(walked))
    if not complete:
        meta["truncated"] = f"the page holds over {_MAX_BLOCKS} blocks; only the first were read"
    for block in blocks:
        if isinstance(block, Table) and len(block.rows) <= _META_ROWS:
            for k, v in _key_values(block).items():
                meta.setdefault(k, v)
    return Document(blocks, "html", encoding, meta)


def _blocks(walked: list[str | _RawTable]) -> list[Block]:
    """Walked text normalised in one pass (a pass per cell costs more than the whole page),
    then made into blocks."""
    raw = [w for item in walked for w in ([item] if isinstance(item, str) else item.texts)]
    clean = iter(normalise.text(_SEPARATOR.join(raw)).split(_SEPARATOR))
    blocks: list[Block] = []
    for item in walked:
        if isinstance(item, str):
            blocks.append(_prose(normalise.cell(next(clean))))
        else:
            texts = [normalise.cell(next(clean)) for _ in item.texts]
            table = _resolve(item, texts)
            if table.rows:
                blocks.append(table)
    return blocks


def _as_text(markup: str, encoding: str | None) -> Document:
    """Markup libxml2 gives up on (nested past its depth limit): its text, tags dropped."""
    doc = text_reader.read(_TAG.sub("\n", markup), encoding)
    doc.format = "html"
    doc.meta["markup_broken"] = "the HTML could not be parsed; its text was read without tags"
    return doc


def _meta(root: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").lower()
        if name in _META_NAMES and el.get("content"):
            meta.setdefault(_META_NAMES[name], normalise.text(el.get("content", "")).strip())
    titles = [_text_of(el) for el in root.iter("title", "ucaptitle", "h1")]
    for i, t in enumerate(t for t in titles if t and t.strip()):
        meta.setdefault(f"title_candidate_{i}", normalise.cell(normalise.text(t)))
    for el in root.iter("publishtime"):
        meta.setdefault("published", normalise.text(_text_of(el)).strip())
    return meta


@dataclass
class _RawTable:
    """A leaf table as walked: each cell's row, text as printed, rowspan and colspan."""

    rows: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _walk(root: etree._Element) -> tuple[list[str | _RawTable], bool]:
    """Paragraph texts and leaf tables in document order, as printed. lxml walks the tree (no
    Python recursion: pages nest deep)."""
    items: list[str | _RawTable] = []
    line: list[str] = []

    def flush() -> None:
        text = "".join(line)
        line.clear()
        if text.strip():
            items.append(text)

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if len(items) > _MAX_BLOCKS:
            return items, False
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "end":
            if tag in _BLOCK:
                flush()
            if el.tail:
                line.append(el.tail)
            continue
        if tag in _SKIP:
            walker.skip_subtree()
        elif tag == "table" and not _has_table(el):
            flush()
            items.append(_raw_table(el))
            walker.skip_subtree()
        elif tag:
            if tag in _BLOCK:
                flush()
            if el.text:
                line.append(el.text)
    flush()
    return items, True


def _has_table(el: etree._Element) -> bool:
    return next(el.iterdescendants("table"), None) is not None


def _prose(text: str) -> Block:
    cells = split_numeric_line(text)
    return Table([cells], grid=False) if cells is not None else Paragraph(text)


def _span(value: str, cap: int) -> int:
    digits = re.sub(r"\D", "", value)[:6]
    return min(max(int(digits or 1), 1), cap)


def _text_of(el: etree._Element) -> str:
    """An element's text, in C (itertext is ten times slower); runs of one word split over
    spans (Word's 1<span>2</span>) join as printed."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _raw_table(el: etree._Element) -> _RawTable:
    table = _RawTable()
    for r, tr in enumerate(el.iter("tr")):
        for td in tr:
            if isinstance(td.tag, str) and td.tag.lower() in ("td", "th"):
                table.rows.append(r)
                table.texts.append(_text_of(td))
                rowspan, colspan = td.get("rowspan"), td.get("colspan")
                table.spans.append(
                    (
                        1 if rowspan is None else _span(rowspan, _MAX_ROWSPAN),
                        1 if colspan is None else _span(colspan, _MAX_COLSPAN),
                    )
                )
    return table


def _resolve(raw: _RawTable, texts: list[str]) -> Table:
    """Rows with row- and colspans resolved: a label spans into the cells it covers, a figure
    stays in its own cell (copied, it would count twice)."""
    grid: dict[int, dict[int, str | None]] = {}
    last_row, c = -1, 0
    for r, text, (rowspan, colspan) in zip(raw.rows, texts, raw.spans, strict=True):
        row = grid.setdefault(r, {})
        if r != last_row:
            last_row, c = r, 0
        while c in row:
            c += 1
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
        if (
            isinstance(block, Table)
            and isinstance(last, Table)
            and not block.grid
            and not last.grid
        ):
            last.rows.extend(block.rows)
        else:
            merged.append(block)
    return merged
