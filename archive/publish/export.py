"""Exports for journalists: the official wide layout, one row per report, Chinese labels, with
the source URL and a link to the original as captured. CSV in UTF-8 with a BOM (Excel reads it
right), or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from archive.schema import SECTIONS, wide_labels

TABLES = (*SECTIONS, "all")
LEVELS = ("province", "city", "county", "township")
REPORT_COLUMNS = {
    "id": "报告编号",
    "agency_name": "机关",
    "province": "省",
    "city": "市",
    "county": "县",
    "township": "乡镇",
    "level": "层级",
    "year": "年度",
    "template": "表格格式",
    "title": "标题",
    "published": "发布日期",
    "source_url": "原始网址",
}


class ExportError(ValueError):
    """A filter the archive has no value for; the message lists the valid ones."""


@dataclass
class Filters:
    province: str | None = None
    city: str | None = None
    level: str | None = None
    years: tuple[int, int] | None = None
    table: str = "all"


def parse_years(text: str) -> tuple[int, int]:
    """`2020-2023` or `2021`."""
    try:
        first, _, last = text.partition("-")
        span = (int(first), int(last or first))
    except ValueError:
        raise ExportError(f"--years takes YEAR or YEAR-YEAR, not {text!r}") from None
    if span[0] > span[1]:
        raise ExportError(f"--years {text}: the first year is after the last")
    return span


def validate(db: Database, f: Filters) -> None:
    """Unknown values are an error that lists the valid ones, never an empty file."""
    if f.table not in TABLES:
        raise ExportError(f"unknown table {f.table!r}; valid: {', '.join(TABLES)}")
    for column in ("province", "city", "level"):
        value = getattr(f, column)
        if value is None:
            continue
        known = [
            r[0]
            for r in db.execute(
                f"select distinct {column} from reports where {column} is not null order by 1"
            )
        ]
        if value not in known:
            raise ExportError(f"unknown {column} {value!r}; valid: {', '.join(known) or 'none'}")


def rows(db: Database, f: Filters, base_url: str) -> tuple[list[str], list[list[object]]]:
    """The header and the rows: the latest version of each report matching the filters."""
    validate(db, f)
    sections = SECTIONS if f.table == "all" else (f.table,)
    labels = [label for s in sections for label in wide_labels(s).values()]
    where, params = ["r.latest = 1"], []
    for column in ("province", "city", "level"):
        if getattr(f, column) is not None:
            where.append(f"r.{column} = ?")
            params.append(getattr(f, column))
    if f.years:
        where.append("r.year between ? and ?")
        params.extend(f.years)
    joins = " ".join(f"left join [{s}_wide] [{s}] on [{s}].report = r.id" for s in sections)
    select = ", ".join(
        [*(f"r.{c}" for c in REPORT_COLUMNS), "r.capture", *(f"[{label}]" for label in labels)]
    )
    sql = (
        f"select {select} from reports r {joins} where {' and '.join(where)}"
        " order by r.province, r.city, r.county, r.agency_name, r.year"
    )
    header = [*REPORT_COLUMNS.values(), "原件链接", *labels]
    out = []
    for row in db.execute(sql, params).fetchall():
        fixed = list(row[: len(REPORT_COLUMNS)])
        out.append(
            [
                *fixed,
                f"{base_url.rstrip('/')}/-/captures/{row[len(REPORT_COLUMNS)]}",
                *row[len(REPORT_COLUMNS) + 1 :],
            ]
        )
    return header, out


def to_csv(header: Sequence[str], data: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in data)
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(header: Sequence[str], data: Sequence[Sequence[object]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("年报")
    sheet.append(list(header))
    for row in data:
        sheet.append(list(row))
    book.save(path)
