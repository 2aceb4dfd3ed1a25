"""Ruled tables from the lines drawn on a page (a PDF's paths, a scan's strokes): the cells
their crossings enclose, each placed on its table's grid with its spans.

Near lines are snapped and joined by pdfplumber (merge_edges). The cells are found as
pdfplumber finds them (from each crossing, the nearest crossings below and to the right that
close a rectangle along drawn lines), but walking sorted lines, which stops where a line ends:
pdfplumber compares every crossing with every other, seconds on a dense page.
"""

from __future__ import annotations

import bisect
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
    found = []
    for group in _tables(_cells(merged, tolerance)):
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
    return sorted(found, key=lambda t: (t.box[1], t.box[0]))


def _cells(edges: list[dict[str, Any]], tolerance: float) -> list[Box]:
    """The smallest rectangles the lines close, one from each crossing that starts one."""
    across: dict[float, list[tuple[float, float]]] = {}  # y → spans of horizontal lines
    down: dict[float, list[tuple[float, float]]] = {}  # x → spans of vertical lines
    for e in edges:
        if e["orientation"] == "h":
            across.setdefault(e["top"], []).append((e["x0"], e["x1"]))
        else:
            down.setdefault(e["x0"], []).append((e["top"], e["bottom"]))

    def covers(spans: list[tuple[float, float]], a: float, b: float) -> bool:
        return any(start - tolerance <= a and end + tolerance >= b for start, end in spans)

    ys, xs = sorted(across), sorted(down)
    crossings = {
        (x, y) for x in xs for y in ys if covers(down[x], y, y) and covers(across[y], x, x)
    }
    cells: list[Box] = []
    for x, y in sorted(crossings):
        below = [y2 for y2 in ys if y2 > y]
        right = [x2 for x2 in xs if x2 > x]
        cell = _close(x, y, below, right, crossings, across, down, covers)
        if cell is not None:
            cells.append(cell)
    return cells


def _close(
    x: float,
    y: float,
    below: list[float],
    right: list[float],
    crossings: set[tuple[float, float]],
    across: dict[float, list[tuple[float, float]]],
    down: dict[float, list[tuple[float, float]]],
    covers: Callable[[list[tuple[float, float]], float, float], bool],
) -> Box | None:
    for y2 in below:
        if not covers(down[x], y, y2):
            return None  # the line down from here ends: nothing further below closes a cell
        if (x, y2) not in crossings:
            continue
        for x2 in right:
            if not covers(across[y], x, x2):
                break
            if (
                (x2, y) in crossings
                and (x2, y2) in crossings
                and covers(across[y2], x, x2)
                and covers(down[x2], y, y2)
            ):
                return (x, y, x2, y2)
    return None


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells that share a corner make one table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            if corner in first:
                parent[root(i)] = root(first[corner])
            else:
                first[corner] = i
    groups: dict[int, list[Box]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(root(i), []).append(cell)
    return list(groups.values())


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
    """The grid line nearest the value."""
    i = bisect.bisect_left(positions, value)
    if i == len(positions) or (i > 0 and value - positions[i - 1] < positions[i] - value):
        return i - 1
    return i
