"""HTML report pages → blocks: leaf tables with spans resolved, the rest as paragraphs."""

from __future__ import annotations

import itertools
import re

from lxml import etree

from extract import normalise
from extract.model import Document, Table
from extract.readers import text as text_reader
from extract.readers.layout import RawTable, blocks_of, merge_runs

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
    blocks = merge_runs(blocks_of(walked))
    if not complete:
        meta["truncated"] = f"the page holds over {_MAX_BLOCKS} blocks; only the first were read"
    for block in blocks:
        if isinstance(block, Table) and len(block.rows) <= _META_ROWS:
            for k, v in _key_values(block).items():
                meta.setdefault(k, v)
    return Document(blocks, "html", encoding, meta)


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


def _walk(root: etree._Element) -> tuple[list[str | RawTable], bool]:
    """Paragraph texts and leaf tables in document order, as printed. lxml walks the tree (no
    Python recursion: pages nest deep)."""
    items: list[str | RawTable] = []
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


def _span(value: str, cap: int) -> int:
    digits = re.sub(r"\D", "", value)[:6]
    return min(max(int(digits or 1), 1), cap)


def _text_of(el: etree._Element) -> str:
    """An element's text, in C (itertext is ten times slower); runs of one word split over
    spans (Word's 1<span>2</span>) join as printed."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _raw_table(el: etree._Element) -> RawTable:
    table = RawTable()
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


def _key_values(table: Table) -> dict[str, str]:
    """Label–value pairs of a page's metadata table (发布机构, 公开日期)."""
    found: dict[str, str] = {}
    for row in table.rows:
        for label, value in itertools.pairwise(row):
            key = _KV_LABELS.get(re.sub(r"[\s:：]", "", label))
            if key and value and key not in found:
                found[key] = value
    return found
