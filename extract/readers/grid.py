"""Ruled tables from the lines drawn on a page (a PDF's paths, a scan's strokes): the cells
their crossings enclose, each placed on its table's grid with its spans.

The geometry (snapping near lines together, crossings, the smallest enclosed cells, cells that
touch making one table) is pdfplumber's; the page's lines and texts come from the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pdfplumber import table as plumber

from extract.readers.layout import RawTable

# Box: (x0, top, x1, bottom), y growing down the page, in the reader's unit (PDF points, pixels).
Box = tuple[float, float, float, float]
# A table has at least this many cells: a box drawn round a paragraph is not one.
_MIN_CELLS = 4


@dataclass(frozen=True)
class Ruled:
    """One ruled table: its outline and its cells, top to bottom, left to right."""

    box: Box
    cells: list[Box]


def tables(lines: list[Box], tolerance: float) -> list[Ruled]:
    """The tables the lines enclose. A line is a box whose width or height is under
    `tolerance` (a stroke, or a filled rectangle drawn as one); lines closer than that snap."""
    edges = [e for e in map(_edge, lines, [tolerance] * len(lines)) if e is not None]
    if len(edges) < 4:
        return []
    merged = plumber.merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    crossings = plumber.edges_to_intersections(merged, tolerance, tolerance)
    cells = plumber.intersections_to_cells(crossings)
    found = []
    for group in plumber.cells_to_tables(cells):
        if len(group) < _MIN_CELLS:
            continue
        group = sorted(group, key=lambda c: (c[1], c[0]))
        box = (
            min(c[0] for c in group),
            min(c[1] for c in group),
            max(c[2] for c in group),
            max(c[3] for c in group),
        )
        found.append(Ruled(box, group))
    return found


def _edge(line: Box, tolerance: float) -> dict[str, Any] | None:
    x0, top, x1, bottom = line
    width, height = x1 - x0, bottom - top
    if height <= tolerance and width > tolerance:
        y = (top + bottom) / 2
        return _dict(x0, y, x1, y, "h")
    if width <= tolerance and height > tolerance:
        x = (x0 + x1) / 2
        return _dict(x, top, x, bottom, "v")
    return None


def _dict(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict[str, Any]:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }


def raw_table(ruled: Ruled, text_of: Callable[[Box], str], tolerance: float) -> RawTable:
    """The table's cells on its grid: a cell's row and column are the grid lines its top and
    left sides fall on, its spans the grid lines it crosses."""
    xs = _positions([c[0] for c in ruled.cells] + [c[2] for c in ruled.cells], tolerance)
    ys = _positions([c[1] for c in ruled.cells] + [c[3] for c in ruled.cells], tolerance)
    raw = RawTable()
    for cell in ruled.cells:
        row, column = _index(ys, cell[1]), _index(xs, cell[0])
        raw.rows.append(row)
        raw.columns.append(column)
        raw.spans.append((max(_index(ys, cell[3]) - row, 1), max(_index(xs, cell[2]) - column, 1)))
        raw.texts.append(text_of(cell))
    return raw


def _positions(values: list[float], tolerance: float) -> list[float]:
    """Grid lines: the distinct positions, those within `tolerance` counted as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(positions: list[float], value: float) -> int:
    return min(range(len(positions)), key=lambda i: abs(positions[i] - value))
