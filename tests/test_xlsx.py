"""The XLSX reader: a sheet's prose lines and tables, merged cells resolved, figures as Excel
shows them."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

import openpyxl
import pytest

from extract import extract
from extract.model import Paragraph, Table
from extract.readers import Unreadable
from extract.readers import xlsx as reader


def book(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    """A real workbook (openpyxl's) with these rows from A1 and these merged ranges."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def blocks(data: bytes) -> list[Table | Paragraph]:
    return reader.read(data).blocks


def test_a_label_merged_down_labels_each_row_and_a_merged_figure_counts_once() -> None:
    data = book(
        [["三、结果", "（一）予以公开", 12], [None, "（二）部分公开", 3], ["合计", 15, None]],
        merges=("A1:A2", "B3:C3"),
    )
    assert blocks(data) == [
        Table(
            [
                ["三、结果", "（一）予以公开", "12"],
                ["三、结果", "（二）部分公开", "3"],
                ["合计", "15"],
            ]
        )
    ]


def test_a_whole_number_stored_as_a_float_reads_as_excel_shows_it() -> None:
    ((table,),) = [blocks(book([["收到申请数", 12.0, 2.5]]))]
    assert table == Table([["收到申请数", "12", "2.5"]])


def test_a_row_of_one_text_cell_is_prose_and_an_empty_row_ends_a_table() -> None:
    data = book(
        [["某县2020年政府信息公开工作年度报告"], ["项目", "数量"], ["办结", 3], [], ["项目", 1]]
    )
    assert blocks(data) == [
        Paragraph("某县2020年政府信息公开工作年度报告"),
        Table([["项目", "数量"], ["办结", "3"]]),
        Table([["项目", "1"]]),
    ]


def test_a_blank_cell_stays_blank_not_zero() -> None:
    ((table,),) = [blocks(book([["法人", None, 0]]))]
    assert table.rows == [["法人", "", "0"]]


def test_an_xlsx_is_sniffed_and_read_whatever_its_name() -> None:
    report = extract(book([["舒城县人民政府2020年政府信息公开工作年度报告"]]))
    assert report.format == "xlsx"
    assert not any(w.code == "unreadable" for w in report.warnings)


def test_an_oversized_workbook_is_refused_by_its_unzipped_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader, "MAX_UNZIPPED", 5_000)
    with pytest.raises(Unreadable, match="unzips to"):
        reader.read(book([["数"] * 40] * 40))


def test_a_damaged_workbook_says_it_cannot_be_opened() -> None:
    package = BytesIO()
    with zipfile.ZipFile(BytesIO(book([["x"]]))) as src, zipfile.ZipFile(package, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:30] if info.filename == "xl/workbook.xml" else data)
    with pytest.raises(Unreadable, match="cannot be opened"):
        reader.read(package.getvalue())
