"""Cell values as printed → numbers: 增10 is 10, 减3 is -3, 15922.04万元 is 15922.04 in 万元."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_NUMBER = re.compile(
    r"^[?\s]*(?P<sign>增加|减少|增|减|\+|-)?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"\s*(?P<unit>万元|亿元|元|件|条|个|项|次|份)?[?\s]*$"
)
# What reports print where a cell has no figure: a dash, a slash, 无.
_NOTHING = frozenset({"-", "--", "—", "——", "―", "/", "／", "\\", "无", "空", "－", "/ "})
_MINUS = str.maketrans({"－": "-", "−": "-", "﹣": "-", "＋": "+"})
AMOUNT_UNITS = ("万元", "亿元", "元")
# A row label is short; a longer line ending in a figure is a sentence.
_LABEL_LENGTH = 60


@dataclass(frozen=True)
class Value:
    number: int | float | None
    unit: str | None = None


@lru_cache(maxsize=1 << 16)
def is_value(cell: str) -> bool:
    """A cell that holds a figure, or prints that it holds none (blank cells are handled apart)."""
    cell = cell.strip().translate(_MINUS)
    return bool(cell) and (cell in _NOTHING or _NUMBER.match(cell) is not None)


@lru_cache(maxsize=1 << 16)
def parse(cell: str | None) -> Value:
    """The number a cell prints (None for blank or a placeholder), and a money unit if printed."""
    if cell is None:
        return Value(None)
    cell = cell.strip().translate(_MINUS)
    m = _NUMBER.match(cell)
    if m is None:
        return Value(None)
    digits = m["num"].replace(",", "")
    number: int | float = float(digits + m["frac"]) if m["frac"] else int(digits)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if m["sign"] in ("减", "减少", "-"):
        number = -number
    unit = m["unit"] if m["unit"] in AMOUNT_UNITS else None
    return Value(number, unit)


def unit_in(label: str) -> str | None:
    """The money unit a column header names: 采购总金额（单位：万元）."""
    for unit in AMOUNT_UNITS:
        if unit in label:
            return unit
    return None


def split_numeric_line(line: str) -> list[str] | None:
    """`行政许可 5 0 243` or a run of figures → cells; None when the line is prose. A text layer
    prints a table row as one line: its label, then its figures."""
    parts = line.split()
    figures = 0
    while figures < len(parts) and is_value(parts[-1 - figures]):
        figures += 1
    label = " ".join(parts[: len(parts) - figures])
    if figures == 0 or (figures == 1 and not label) or len(label) > _LABEL_LENGTH:
        return None
    return ([label] if label else []) + parts[len(parts) - figures :]
