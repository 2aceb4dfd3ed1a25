"""Plain-text exports of report documents → blocks.

Three table layouts occur: one cell per line behind a tab with a blank line between rows (Word's
text export), whole rows as tab-separated lines, and pipe-separated cells whose line breaks fall
anywhere (a mirror site's export). Everything else is a paragraph.
"""

from __future__ import annotations

import re

from extract import normalise
from extract.model import Block, Document, Paragraph, Table
from extract.values import is_value, split_numeric_line

# A pipe table goes on across this many lines without a pipe (cells broken over lines).
_PIPE_GAP = 3
# A line that continues the cell above it is short; a longer one is prose after the table.
_CONTINUATION = 30
# A report is a few thousand lines; a text with far more is read only so far.
_MAX_LINES = 100_000
# Page numbers a text layer puts inside tables: - 4 -, —4—, 第4页, 第 4 页 共 6 页, 4/6.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


def read(text: str, encoding: str | None = None) -> Document:
    lines = normalise.text(text).split("\n")
    meta: dict[str, str] = {}
    if len(lines) > _MAX_LINES:
        lines = lines[:_MAX_LINES]
        meta["truncated"] = f"the text holds over {_MAX_LINES} lines; only the first were read"
    blocks: list[Block] = []
    for kind, chunk in _chunks(lines):
        if kind == "pipe":
            blocks.append(_pipe_table(chunk))
        else:
            blocks.extend(_tab_blocks(chunk))
    return Document(_merge_tables(blocks), "text", encoding, meta)


def _chunks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Split lines into pipe-table runs and the rest."""
    piped = [i for i, line in enumerate(lines) if "|" in line]
    runs: list[tuple[int, int]] = []
    for i in piped:
        if runs and i - runs[-1][1] <= _PIPE_GAP:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((max(i - 1, 0) if lines[max(i - 1, 0)].strip() else i, i))
    chunks: list[tuple[str, list[str]]] = []
    at = 0
    for start, end in runs:
        start = max(start, at)
        if start > at:
            chunks.append(("lines", lines[at:start]))
        chunks.append(("pipe", lines[start : end + 1]))
        at = end + 1
    if at < len(lines):
        chunks.append(("lines", lines[at:]))
    return chunks


def _pipe_table(lines: list[str]) -> Table:
    cells = [normalise.cell(part) for part in "\n".join(lines).split("|")]
    return Table([[c] for c in cells if c], grid=False)


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


def _tab_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    row: list[str] | None = None
    last_was_cell = False

    def flush() -> None:
        nonlocal row
        if row is not None:
            blocks.append(Table([[normalise.cell(c) for c in row]]))
            row = None

    for line in lines:
        if is_page_number(line):
            continue
        if _is_cell_line(line):
            row = [] if row is None else row
            row.append(line[1:])
            last_was_cell = True
            continue
        if not line.strip():
            flush()
        elif "\t" in line:
            flush()
            blocks.append(Table([[normalise.cell(c) for c in line.split("\t")]]))
        elif row is not None and last_was_cell and _continues(row[-1], line):
            row[-1] += "\n" + line
            continue
        else:
            flush()
            blocks.append(_prose_line(line))
        last_was_cell = False
    flush()
    return blocks


def _continues(cell: str, line: str) -> bool:
    return bool(cell.strip()) and not is_value(cell) and len(line.strip()) <= _CONTINUATION


def is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.match(line) is not None


def _prose_line(line: str) -> Block:
    cells = split_numeric_line(line.strip())
    if cells is not None:
        return Table([cells], grid=False)
    return Paragraph(line.strip())


def _merge_tables(blocks: list[Block]) -> list[Block]:
    """Consecutive single-row tables of one kind make one table."""
    merged: list[Block] = []
    for block in blocks:
        last = merged[-1] if merged else None
        if isinstance(block, Table) and isinstance(last, Table) and last.grid == block.grid:
            last.rows.extend(block.rows)
        else:
            merged.append(block)
    return merged
