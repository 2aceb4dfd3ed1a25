"""DOCX → blocks: the body as Word wrote it, in order; leaf tables with their merged cells
(`gridSpan` across, `vMerge` down) resolved as the HTML reader resolves spans.

Word keeps more than the printed text: deleted revisions, field codes, a text box twice (the
drawing and its VML fallback). Only what prints is read. A table nested in a table's cell is a
leaf table of its own, the outer cells' text paragraphs, as the HTML reader does. A text box's
paragraphs follow the paragraph that anchors it.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import docx
from lxml import etree

from extract.model import Document
from extract.readers import Unreadable, package
from extract.readers.layout import RawTable, blocks_of, merge_runs

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# A report's DOCX unzips to a few MB (photos of seals included); past this it is a zip bomb.
MAX_UNZIPPED = 256 * 1024 * 1024
# Tables in tables in tables: past this depth the rest of the branch is not read.
_MAX_DEPTH = 8
# What does not print: deleted and moved-away revisions, field codes, the fallback copy of a
# drawing.
_UNPRINTED = frozenset(
    {f"{_W}delText", f"{_W}instrText", f"{_W}moveFrom", f"{_W}del", f"{_MC}Fallback"}
)
# Containers whose children are body content (content controls, custom XML, revisions, the
# drawing-capable copy of alternate content).
_WRAPPERS = frozenset(
    {
        f"{_W}sdt",
        f"{_W}sdtContent",
        f"{_W}customXml",
        f"{_W}ins",
        f"{_W}moveTo",
        f"{_W}smartTag",
        f"{_MC}AlternateContent",
        f"{_MC}Choice",
    }
)


def read(data: bytes) -> Document:
    package.check(data, "DOCX", MAX_UNZIPPED)
    try:
        body = docx.Document(BytesIO(data)).element.body
    except Exception as e:  # python-docx raises what the package's parts raise
        raise Unreadable(f"the DOCX cannot be opened ({type(e).__name__}: {e})") from None
    walked = list(_walk(body, 0))
    return Document(merge_runs(blocks_of(walked)), "docx", None, {})


def _walk(el: etree._Element, depth: int) -> Iterator[str | RawTable]:
    """Paragraph texts and leaf tables, in document order."""
    for child in el.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield from _paragraph(child, depth)
        elif tag == f"{_W}tbl":
            if depth >= _MAX_DEPTH:
                continue
            if _has_table(child):  # a layout table: its cells are read as they come
                for row in _rows(child):
                    for cell in _cells(row):
                        yield from _walk(cell, depth + 1)
            else:
                yield _table(child)
        elif tag in _WRAPPERS:
            yield from _walk(child, depth)


def _paragraph(p: etree._Element, depth: int) -> Iterator[str | RawTable]:
    """A paragraph's printed text, a line break making a new line; then its text boxes."""
    lines = [""]
    boxes: list[etree._Element] = []
    walker = etree.iterwalk(p, events=("start",))
    for _, el in walker:
        tag = el.tag
        if tag in _UNPRINTED:
            walker.skip_subtree()
        elif tag == f"{_W}txbxContent":
            boxes.append(el)
            walker.skip_subtree()
        elif tag == f"{_W}r" and el.find(f"{_W}rPr/{_W}vanish") is not None:
            walker.skip_subtree()  # hidden text
        elif tag == f"{_W}t":
            lines[-1] += el.text or ""
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            lines[-1] += " "
        elif tag in (f"{_W}br", f"{_W}cr") and el.get(f"{_W}type") != "page":
            lines.append("")
        elif tag == f"{_W}noBreakHyphen":
            lines[-1] += "-"
    yield from (line for line in lines if line.strip())
    for box in boxes:
        if depth < _MAX_DEPTH:
            yield from _walk(box, depth + 1)


def _has_table(tbl: etree._Element) -> bool:
    return next(tbl.iterdescendants(f"{_W}tbl"), None) is not None


# A cell as placed: its first grid column, columns spanned, element, vMerge state.
_Cell = tuple[int, int, etree._Element, str | None]


def _table(tbl: etree._Element) -> RawTable:
    """Cells with their spans; a cell `vMerge` continues is covered by the one above."""
    grid: list[list[_Cell]] = []
    for tr in _rows(tbl):
        column = _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        row = []
        for tc in _cells(tr):
            span = max(1, _int(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1))
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            state = None if merge is None else (merge.get(f"{_W}val") or "continue")
            row.append((column, span, tc, state))
            column += span
        grid.append(row)
    table = RawTable()
    for r, row in enumerate(grid):
        for column, span, tc, state in row:
            if state == "continue" and r > 0:
                continue
            rowspan = 1
            if state == "restart":
                while r + rowspan < len(grid) and any(
                    c == column and s == "continue" for c, _, _, s in grid[r + rowspan]
                ):
                    rowspan += 1
            table.rows.append(r)
            table.texts.append("\n".join(_cell_lines(tc)))
            table.spans.append((rowspan, span))
            table.columns.append(column)
    return table


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    return _children(tbl, f"{_W}tr")


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _children(tr, f"{_W}tc")


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """A table's rows or a row's cells, those inside content controls (a repeating section)
    and custom XML too."""
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _cell_lines(tc: etree._Element) -> Iterator[str]:
    for item in _walk(tc, _MAX_DEPTH - 1):
        if isinstance(item, str):
            yield item


def _int(el: etree._Element | None, default: int) -> int:
    """A count Word gives in `w:val` (spans, columns skipped), within what a table can hold."""
    try:
        return max(0, min(int(el.get(f"{_W}val")), 64))  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        return default
