"""Blocks → the rows of each official table, found by headings and by what the rows say."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract import labels
from extract.model import Block, Paragraph, Table
from extract.normalise import label_key
from extract.values import is_value

TABLE_SECTIONS = ("proactive", "applications", "review_litigation")
# A headless block belongs to the table whose labels it shows at least this often.
_MIN_SCORE = 2
# A paragraph this short may be a table cell set as a paragraph; a longer one is narrative.
_CELL_LENGTH = 60


@dataclass
class Rows:
    """The rows of one official table, in reading order; `grid` per row."""

    rows: list[list[str]] = field(default_factory=list)
    grids: list[bool] = field(default_factory=list)

    def add(self, row: list[str], grid: bool) -> None:
        self.rows.append(row)
        self.grids.append(grid)


def split(blocks: list[Block]) -> dict[str, Rows]:
    """Rows per section. A short paragraph counts as a one-cell row where it stands: editors
    flatten tables into paragraph runs, and text exports put a cell on each line."""
    found = {s: Rows() for s in TABLE_SECTIONS}
    current: str | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            section = labels.heading(block.text)
            if section:
                current = section
            elif current in found and len(block.text) <= _CELL_LENGTH:
                found[current].add([block.text], False)
            continue
        for section, rows in _segments(block, current):
            current = section
            if section in found:
                for row in rows:
                    found[section].add(row, block.grid)
    return found


def _segments(table: Table, current: str | None) -> list[tuple[str | None, list[list[str]]]]:
    """A table cut where a heading stands in it; its headless part judged by its labels."""
    segments: list[tuple[str | None, list[list[str]]]] = [(None, [])]
    for row in table.rows:
        cells = [c for c in row if c]
        section = labels.heading(cells[0]) if len(cells) == 1 else None
        if section:
            segments.append((section, []))
        else:
            segments[-1][1].append(row)
    first = segments[0][1]
    if first:
        scores = labels.score({label_key(c) for r in first for c in r if c and not is_value(c)})
        best = max(scores, key=lambda s: scores[s], default=None)
        guess = best if best and scores[best] >= _MIN_SCORE else None
        if guess and current in TABLE_SECTIONS and scores.get(current, 0) >= _MIN_SCORE:
            guess = current
        segments[0] = (guess or current, first)
    return [(s, rows) for s, rows in segments if rows]
