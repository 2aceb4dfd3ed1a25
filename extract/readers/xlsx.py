"""XLSX → blocks: each sheet's rows, merged ranges resolved as the HTML reader resolves spans
(a label spans into the cells it covers, a figure stays in its own). Formulas give their cached
values; a whole number stored as a float (12.0) is printed as Excel shows it (12).

A row holding one unmerged text cell is a line of prose (a title, a heading, a paragraph);
consecutive other rows make a table.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import openpyxl

from extract.model import Document
from extract.readers import Unreadable, package
from extract.readers.layout import RawTable, blocks_of, merge_runs

# A report's workbook unzips to well under a megabyte; openpyxl holds every cell as an object,
# so the cap is lower than for DOCX.
MAX_UNZIPPED = 64 * 1024 * 1024
# A report is a few hundred cells a sheet; past this a sheet is not read further.
MAX_ROWS = 2_000
MAX_COLUMNS = 60


def read(data: bytes) -> Document:
    package.check(data, "XLSX", MAX_UNZIPPED)
    try:  # not read-only: merged ranges are only known to a full load
        book = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises what the package's parts raise
        raise Unreadable(f"the XLSX cannot be opened ({type(e).__name__}: {e})") from None
    walked: list[str | RawTable] = []
    for sheet in book.worksheets:
        walked += _sheet(sheet)
    return Document(merge_runs(blocks_of(walked)), "xlsx", None, {})


def _sheet(sheet: Any) -> list[str | RawTable]:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row, merged.min_col
        spans[(top, left)] = (merged.max_row - top + 1, merged.max_col - left + 1)
        covered |= {
            (r, c)
            for r in range(top, min(merged.max_row, MAX_ROWS) + 1)
            for c in range(left, min(merged.max_col, MAX_COLUMNS) + 1)
        } - {(top, left)}
    walked: list[str | RawTable] = []
    table: RawTable | None = None
    first = 0
    rows = sheet.iter_rows(
        max_row=min(sheet.max_row, MAX_ROWS), max_col=min(sheet.max_column, MAX_COLUMNS)
    )
    for cells in rows:
        placed = [
            (cell.row, cell.column, _text(cell.value))
            for cell in cells
            if (cell.row, cell.column) not in covered
        ]
        filled = [(r, c, t) for r, c, t in placed if t]
        if not filled and not any((r, c) in covered for r, c, _ in placed):
            table = None  # an empty row ends a table
            continue
        if len(filled) == 1 and _prose(filled[0], cells, spans):
            walked.append(filled[0][2])
            table = None
            continue
        if table is None:
            table = RawTable()
            walked.append(table)
            first = placed[0][0] if placed else 0
        for r, c, text in placed:
            table.rows.append(r - first)
            table.texts.append(text)
            table.spans.append(spans.get((r, c), (1, 1)))
            table.columns.append(c - 1)
    return walked


def _prose(cell: tuple[int, int, str], cells: Any, spans: dict) -> bool:
    """A row's one text cell, unmerged: a title, a heading or a paragraph, not a table row."""
    row, column, _ = cell
    return (row, column) not in spans and isinstance(cells[column - 1].value, str)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)
