"""Entries of the three tables → the canonical cells of the detected template.

Nothing is guessed: a figure the template has no place for is reported, a place with no figure
is null, and the reason goes into a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extract import schema, values
from extract.entries import Entry, build
from extract.model import Finding
from extract.sections import Rows

_ONLY_2019 = frozenset({"made", "published", "total", "items_prev", "items_change", "projects"})
_ONLY_2021 = frozenset({"issued", "repealed", "in_force"})
_OTHER_SPLIT = ("other_no_correction", "other_unpaid_fee", "other_misc")
_REVIEW_WIDTH = len(schema.REVIEW_GROUPS) * len(schema.REVIEW_COLUMNS)


@dataclass
class Mapped:
    template: str | None
    cells: dict[str, int | float | None] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)


def map_tables(sections: dict[str, Rows], year: int | None) -> Mapped:
    entries = {s: build(s, rows) for s, rows in sections.items()}
    if year is not None and year < 2019:
        return Mapped("older")
    template, doubt = detect_template(entries, year)
    out = Mapped(template)
    if doubt:
        out.warnings.append(Finding("template_uncertain", doubt))
    if template is None:
        return out
    out.cells = dict.fromkeys(schema.keys_of(template))
    blank: list[str] = []
    _proactive(entries["proactive"], template, out, blank)
    _applications(entries["applications"], template, out, blank)
    _review(entries["review_litigation"], template, out, blank)
    _report_gaps(entries, template, out, blank)
    return out


def detect_template(entries: dict[str, list[Entry]], year: int | None) -> tuple[str | None, str]:
    """The template the year prescribes; the tables decide only when the year is unknown.
    Where a table is printed in the other layout, say so."""
    said = {
        table: voice
        for table, voice in (
            ("二", _proactive_voice(entries["proactive"])),
            ("三", _applications_voice(entries["applications"])),
        )
        if voice
    }
    if year is not None:
        template = "2021" if year >= 2021 else "2019"
    elif len(set(said.values())) == 1:
        template = next(iter(said.values()))
    elif said:
        return None, f"the year is unknown and the tables disagree on the template: {said}"
    else:
        return None, "neither the year nor the tables tell the template"
    dissent = [f"table {t} is printed in the {v} layout" for t, v in said.items() if v != template]
    basis = f"the report year {year}" if year is not None else "the tables"
    doubt = f"template {template} by {basis}, but " + "; ".join(dissent) if dissent else ""
    return template, doubt


def _proactive_voice(entries: list[Entry]) -> str | None:
    columns = {c for e in entries for c in (e.header or [])}
    rows = {e.row for e in entries}
    if columns & _ONLY_2021:
        return "2021"
    if columns & _ONLY_2019 or rows & {"other_services", "procurement"}:
        return "2019"
    return None


def _applications_voice(entries: list[Entry]) -> str | None:
    rows = {e.row for e in entries if e.values}
    if rows & set(_OTHER_SPLIT):
        return "2021"
    if "other_handling" in rows:
        return "2019"
    return None


def _best(entries: list[Entry]) -> dict[str, Entry]:
    """One entry per row: the one with the most figures (a prose line naming a row has none)."""
    best: dict[str, Entry] = {}
    for e in entries:
        if e.row is None:
            continue
        figures = sum(bool(v) for v in e.values)
        if e.row not in best or figures > sum(bool(v) for v in best[e.row].values):
            best[e.row] = e
    return best


def _proactive(entries: list[Entry], template: str, out: Mapped, blank: list[str]) -> None:
    for row, e in _best(entries).items():
        columns = e.header or list(schema.row_columns(template, "proactive", row))
        units = e.header_units or [None] * len(columns)
        keys = [f"proactive.{row}.{c}" for c in columns]
        printed = _place(out, "proactive", _label(e), keys, e.values)
        for key, unit, cell in zip(keys, units, printed, strict=True):
            _put(out, key, cell, blank, template, header_unit=unit, amount=key.endswith(".amount"))


def _applications(entries: list[Entry], template: str, out: Mapped, blank: list[str]) -> None:
    best = _best(entries)
    for row, e in best.items():
        keys = [f"applications.{row}.{c}" for c in schema.APPLICANT_COLUMNS]
        printed = _place(out, "applications", _label(e), keys, e.values, _row_total_holds)
        for key, cell in zip(keys, printed, strict=True):
            _put(out, key, cell, blank, template)
    if template == "2021" and "other_handling" in best and not set(_OTHER_SPLIT) & set(best):
        out.warnings.append(
            Finding(
                "template_uncertain",
                "table 三 prints the 2019 single row （六）其他处理 "
                f"({_printed(best['other_handling'])}); "
                "its three 2021 sub-rows stay null, not split",
                table="applications",
                keys=[
                    f"applications.{r}.{c}" for r in _OTHER_SPLIT for c in schema.APPLICANT_COLUMNS
                ],
            )
        )


def _review(entries: list[Entry], template: str, out: Mapped, blank: list[str]) -> None:
    width = len(schema.REVIEW_COLUMNS)
    groups = {
        e.row: e
        for e in entries
        if e.row in schema.REVIEW_GROUPS and len(e.values) <= width and any(e.values)
    }
    rows: list[tuple[str | None, list[str]]]
    if len(groups) == len(schema.REVIEW_GROUPS):
        rows = [(g, groups[g].values) for g in schema.REVIEW_GROUPS]
    else:
        flat = [v for e in entries if any(e.values) for v in e.values]
        rows = [(None, flat)] if flat else []
    for group, printed in rows:
        names = [group] if group else list(schema.REVIEW_GROUPS)
        keys = [f"review_litigation.{g}.{c}" for g in names for c in schema.REVIEW_COLUMNS]
        label = f"table 四 {group or ''}".strip()
        placed = _place(out, "review_litigation", label, keys, printed, _groups_hold)
        for key, cell in zip(keys, placed, strict=True):
            _put(out, key, cell, blank, template)


def _place(
    out: Mapped,
    table: str,
    label: str,
    keys: list[str],
    printed: Sequence[str | None],
    holds: Callable[[list[str | None]], bool] | None = None,
) -> list[str | None]:
    """The printed cells of one row fitted to its keys, saying what did not fit."""
    cells, note = fit(printed, len(keys), holds)
    if note:
        short = [k for k, c in zip(keys, cells, strict=True) if c is None]
        out.warnings.append(
            Finding(
                "cells_missing" if short else "values_extra",
                f"{label}: {note}",
                table=table,
                keys=short or None,
            )
        )
        out.reported.update(short)
    return cells


def _put(
    out: Mapped,
    key: str,
    cell: str | None,
    blank: list[str],
    template: str,
    header_unit: str | None = None,
    amount: bool = False,
) -> None:
    """Store one printed cell (None: not printed at all; "": printed blank)."""
    if key not in out.cells:
        if cell:
            out.warnings.append(
                Finding(
                    "not_in_template",
                    f"{key} = {cell!r} is printed, but template {template} has no such cell",
                    keys=[key],
                )
            )
        return
    if cell is None:
        return
    value = values.parse(cell)
    out.cells[key] = value.number
    out.raw[key] = cell
    if value.number is None:
        blank.append(key)
    if amount:
        out.units[key] = value.unit or header_unit


def fit(
    printed: Sequence[str | None],
    width: int,
    holds: Callable[[list[str | None]], bool] | None = None,
) -> tuple[list[str | None], str]:
    """Exactly `width` cells from a row: blanks trimmed from the ends first; of still too many,
    the run that passes the row's own arithmetic; too few are padded with nulls (never 0)."""
    cells = list(printed)
    while len(cells) > width and not cells[-1]:
        cells.pop()
    while len(cells) > width and not cells[0]:
        cells.pop(0)
    if len(cells) < width:
        # A short row: blanks at its ends are layout (a spacer cell, trailing tabs), not cells.
        while cells and not cells[-1]:
            cells.pop()
        while cells and not cells[0]:
            cells.pop(0)
        short = width - len(cells)
        return cells + [None] * short, f"{short} of {width} cells missing"
    if len(cells) == width:
        return cells, ""
    runs = [cells[i : i + width] for i in range(len(cells) - width + 1)]
    chosen = next((r for r in runs if holds and holds(r)), runs[0])
    return chosen, f"{len(cells)} figures printed where {width} belong: {cells!r}, read {chosen!r}"


def _sums(nums: list[int | float | None]) -> bool:
    """The last figure is the sum of the others (all printed)."""
    known = [n for n in nums if n is not None]
    return len(known) == len(nums) > 1 and sum(known[:-1]) == known[-1]


def _row_total_holds(cells: list[str | None]) -> bool:
    return _sums([values.parse(c).number for c in cells])


def _groups_hold(cells: list[str | None]) -> bool:
    nums = [values.parse(c).number for c in cells]
    width = len(schema.REVIEW_COLUMNS)
    return all(_sums(nums[i : i + width]) for i in range(0, len(nums), width))


def _label(e: Entry) -> str:
    return " ".join(e.labels)


def _printed(e: Entry) -> str:
    return " ".join(v or "∅" for v in e.values)


def _report_gaps(
    entries: dict[str, list[Entry]], template: str, out: Mapped, blank: list[str]
) -> None:
    names = {
        "proactive": "二、主动公开政府信息情况",
        "applications": "三、收到和处理政府信息公开申请情况",
        "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    }
    for section, found in entries.items():
        keys = [k for k in out.cells if k.startswith(section + ".")]
        if not any(e.values for e in found):
            out.warnings.append(
                Finding(
                    "table_missing",
                    f"table {names[section]} is not in the document: its cells are null",
                    table=section,
                )
            )
            continue
        missing = [k for k in keys if k not in out.raw and k not in out.reported]
        if missing:
            out.warnings.append(
                Finding(
                    "cells_missing",
                    f"{len(missing)} cells of {names[section]} are not printed",
                    table=section,
                    keys=missing,
                )
            )
        unknown = [
            e
            for e in found
            if e.row is None
            and e.labels
            and any(values.parse(v).number is not None for v in e.values)
            and section != "review_litigation"
        ]
        for e in unknown:
            out.warnings.append(
                Finding(
                    "label_unrecognised",
                    f"row {_label(e)!r} with figures {_printed(e)} matches no row of the template",
                    table=section,
                )
            )
    if blank:
        out.warnings.append(
            Finding(
                "cells_blank",
                f"{len(blank)} cells are printed blank or with a dash: null, not 0",
                keys=blank,
            )
        )
