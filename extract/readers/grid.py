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
            across.setdefault(e["top"], []).append((e["x0"] - tolerance, e["x1"] + tolerance))
        else:
            down.setdefault(e["x0"], []).append((e["top"] - tolerance, e["bottom"] + tolerance))
    ys, xs = sorted(across), sorted(down)
    runs = {y: _runs(spans) for y, spans in across.items()}
    columns = {x: _runs(spans) for x, spans in down.items()}
    # Each crossing, by its column and row index, with the line it lies on each way: two
    # crossings are joined by a line when they lie on the same one. Along each line the
    # crossings are in order, so a walk stops where the line ends.
    crossing: dict[tuple[int, int], tuple[int, int]] = {}
    on_row: dict[int, list[int]] = {}
    on_column: dict[int, list[int]] = {}
    for j, y in enumerate(ys):
        for h, (start, end) in enumerate(runs[y]):
            for i in range(bisect.bisect_left(xs, start), bisect.bisect_right(xs, end)):
                v = _on(columns[xs[i]], y)
                if v is not None:
                    crossing[i, j] = (h, v)
                    on_row.setdefault(j, []).append(i)
                    on_column.setdefault(i, []).append(j)
    cells: list[Box] = []
    for j, row in on_row.items():
        for k, i in enumerate(row):
            h, v = crossing[i, j]
            column = on_column[i]
            for j2 in column[bisect.bisect_right(column, j) :]:
                if crossing[i, j2][1] != v:
                    break  # the line down from here ends: nothing further below closes a cell
                right = _close(crossing, row[k + 1 :], j, j2, h, crossing[i, j2][0])
                if right is not None:
                    cells.append((xs[i], ys[j], xs[right], ys[j2]))
                    break
    return cells


def _close(
    crossing: dict[tuple[int, int], tuple[int, int]],
    right: list[int],
    j: int,
    j2: int,
    top: int,
    bottom: int,
) -> int | None:
    """The column of the right side of a cell from row j to j2 whose top and bottom lie on
    lines `top` and `bottom`: the first crossing along the top line with a line down to j2."""
    for i2 in right:
        h, v = crossing[i2, j]
        if h != top:
            return None  # the top line ends
        corner = crossing.get((i2, j2))
        if corner is not None and corner == (bottom, v):
            return i2
    return None


def _runs(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A coordinate's lines in order, those that meet (within the tolerance) as one."""
    out: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _on(runs: list[tuple[float, float]], value: float) -> int | None:
    """Which of a coordinate's lines runs through the value, if any."""
    for n, (start, end) in enumerate(runs):
        if start <= value <= end:
            return n
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
    column = _grid([c[0] for c in ruled.cells] + [c[2] for c in ruled.cells], tolerance)
    row = _grid([c[1] for c in ruled.cells] + [c[3] for c in ruled.cells], tolerance)
    raw = RawTable()
    for cell in ruled.cells:
        x0, top, x1, bottom = cell
        raw.rows.append(row[top])
        raw.columns.append(column[x0])
        raw.spans.append((max(row[bottom] - row[top], 1), max(column[x1] - column[x0], 1)))
        raw.texts.append(text_of(cell))
    return raw


def _grid(values: list[float], tolerance: float) -> dict[float, int]:
    """Each value's grid line: the distinct positions in order, those within `tolerance` of
    the one before counted as one."""
    line: dict[float, int] = {}
    last = None
    for v in sorted(set(values)):
        if last is not None and v - last > tolerance:
            line[v] = line[last] + 1
        else:
            line[v] = line[last] if last is not None else 0
        last = v
    return line
