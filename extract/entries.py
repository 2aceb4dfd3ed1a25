"""Rows of one table → entries: a printed row label with the figures that follow it.

Works the same whether rows are real (HTML, tab-separated) or a stream of cells whose row breaks
were lost (pipe exports, `<p>` runs): labels gather until figures come; figures end an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract import labels
from extract.normalise import label_key
from extract.sections import Rows
from extract.values import is_value, unit_in

# Rows of table 三 that sit outside 三、本年度办理结果.
_OUTSIDE_OUTCOMES = frozenset({"new_received", "carried_over", "carried_forward"})
# Groups of table 三 whose rows are named <group>_…: 不予公开, 无法提供, 不予处理, 其他处理.
_GROUPS = frozenset({"denied", "unable", "rejected", "other"})


@dataclass
class Entry:
    labels: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    row: str | None = None
    header: list[str] | None = None
    header_units: list[str | None] | None = None
    grid: bool = True


@dataclass
class _State:
    section: str
    active: set[str] = field(default_factory=set)
    pending: list[tuple[str, str | None]] = field(default_factory=list)
    header: list[tuple[str, str | None]] = field(default_factory=list)


def build(section: str, rows: Rows) -> list[Entry]:
    """The entries of one table, each with its row (None when no label is known), its figures
    as printed ("" for a blank cell in a real grid) and the column header above it."""
    state = _State(section)
    entries: list[Entry] = []
    cur: Entry | None = None
    for row, grid in _joined(section, rows):
        if grid and _figures_only(row):
            # A row of figures without a label (table 四's last row, or the figures of the
            # label row above): every place counts, and more such rows may follow.
            cur = cur or Entry(grid=grid)
            cur.values.extend(row)
            continue
        for cell in row:
            if is_value(cell) or (cell == "" and cur is not None and cur.row is not None):
                if cell == "" and not grid:
                    continue
                if cur is None:
                    cur = Entry(grid=grid)
                cur.values.append(cell)
                continue
            if not cell:
                continue
            if cur is not None and cur.values:
                entries.append(cur)
                cur = None
            cur = _label(cell, state, cur, grid)
        if grid and cur is not None and cur.values:
            entries.append(cur)
            cur = None
    if cur is not None and cur.values:
        entries.append(cur)
    return entries


def _figures_only(row: list[str]) -> bool:
    return any(row) and all(not c or is_value(c) for c in row)


def _joined(section: str, rows: Rows) -> list[tuple[list[str], bool]]:
    """Stream rows with labels an editor broke over two paragraphs (本年新 | 制作数量) joined."""
    out: list[tuple[list[str], bool]] = []
    for row, grid in zip(rows.rows, rows.grids, strict=True):
        last = out[-1] if out else None
        if (
            not grid
            and last is not None
            and not last[1]
            and len(row) == len(last[0]) == 1
            and _broken(section, last[0][0], row[0])
        ):
            out[-1] = ([last[0][0] + row[0]], False)
        else:
            out.append((row, grid))
    return out


def _broken(section: str, first: str, second: str) -> bool:
    """Two label cells that only together hold a known label, across their boundary."""
    if is_value(first) or is_value(second) or not first or not second:
        return False
    head, kinds = label_key(first), ("row", "column", "group", "header")
    joined = label_key(first + second)
    found = labels.match(joined, section, kinds)
    if found is None or labels.match(head, section, kinds) == found:
        return False
    at = joined.find(found.text)
    return at < len(head) < at + len(found.text)


def _label(cell: str, state: _State, cur: Entry | None, grid: bool) -> Entry | None:
    """Take one label cell: a column header, a group, a row label, or an unknown label."""
    key = label_key(cell)
    if not key:
        return cur
    section = state.section
    group = labels.match(key, section, ("group",))
    if group is not None and section == "applications":
        state.active = {"outcomes", group.key}
    row = labels.match(key, section, ("row",), frozenset(state.active))
    if row is None and group is None:
        columns = labels.columns_in(key, section)
        if columns:
            state.pending.extend(
                (c.key, unit_in(cell) if c.key == "amount" else None)
                if c.kind == "column"
                else ("", None)
                for c in columns
            )
            return cur
    if cur is None:
        cur = Entry(grid=grid)
    cur.labels.append(cell)
    if row is not None:
        cur.row = row.key
        if section == "applications":
            _track_group(state, row.key)
        if state.pending:
            # A header cell spanning several columns is read once per column: count it once.
            state.header = [
                p
                for i, p in enumerate(state.pending)
                if p[0] and (i == 0 or p[0] != state.pending[i - 1][0])
            ]
            state.pending = []
        cur.header = [k for k, _ in state.header] or None
        cur.header_units = [u for _, u in state.header] or None
    return cur


def _track_group(state: _State, row: str) -> None:
    """A row opens its group too: 2.申请人逾期未按收费… tells that 3.其他 is （六）'s."""
    if row in _OUTSIDE_OUTCOMES:
        state.active = set()
        return
    group = row.split("_")[0]
    if group in _GROUPS and group not in state.active:
        state.active = {"outcomes", group}
    state.active.add("outcomes")
