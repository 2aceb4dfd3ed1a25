"""What the readers of marked-up documents (HTML, DOCX) share: paragraph texts and leaf
tables, walked in document order, become blocks; a table's spans are resolved here."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract import normalise
from extract.model import Block, Paragraph, Table
from extract.values import is_value, split_numeric_line

# Joins every text of a document for one normalisation pass; no document text holds it.
_SEPARATOR = "\x1f"


@dataclass
class RawTable:
    """A leaf table as walked: each cell's row, text as printed, rowspan and colspan; and its
    first grid column where the format says (DOCX), else where the cells before it end."""

    rows: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)


def blocks_of(walked: list[str | RawTable]) -> list[Block]:
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
            table = resolve(item, texts)
            if table.rows:
                blocks.append(table)
    return blocks


def _prose(text: str) -> Block:
    cells = split_numeric_line(text)
    return Table([cells], grid=False) if cells is not None else Paragraph(text)


def resolve(raw: RawTable, texts: list[str]) -> Table:
    """Rows with row- and colspans resolved: a label spans into the cells it covers, a figure
    stays in its own cell (copied, it would count twice)."""
    grid: dict[int, dict[int, str | None]] = {}
    last_row, c = -1, 0
    columns = raw.columns or [0] * len(raw.rows)
    for r, text, (rowspan, colspan), column in zip(
        raw.rows, texts, raw.spans, columns, strict=True
    ):
        row = grid.setdefault(r, {})
        if r != last_row:
            last_row, c = r, 0
        c = max(c, column)
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


def merge_runs(blocks: list[Block]) -> list[Block]:
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
