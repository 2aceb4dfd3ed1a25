"""CSV and XLSX for journalists: the official layout, Chinese labels, a link to the original."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from archive.publish import export
from archive.store import Archive
from nianbao import ingest
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    archive = Archive(tmp_path_factory.mktemp("export") / "archive.db")
    docs = [
        *sorted((FIXTURES / "seeds").glob("*.txt")),
        FIXTURES / "reports" / "huaian-city-2024.txt",
    ]
    ingest.add(archive, docs, timeout=30)
    return archive


def csv_rows(archive: Archive, **filters: object) -> list[dict[str, str]]:
    header, data = export.rows(archive.db, export.Filters(**filters), "http://x")  # type: ignore[arg-type]
    text = export.to_csv(header, data).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_starts_with_a_bom_so_excel_reads_utf8() -> None:
    assert export.to_csv(["机关"], [["花石乡"]]).startswith(b"\xef\xbb\xbf")


def test_filters_select_province_level_and_years(archive: Archive) -> None:
    found = csv_rows(archive, province="安徽省", level="township", years=(2020, 2023))
    assert [r["机关"] for r in found] == ["金寨县花石乡人民政府"]


def test_the_wide_layout_has_the_official_cells_and_the_capture_link(archive: Archive) -> None:
    (row,) = csv_rows(archive, city="淮安市", table="applications")
    assert row["一、本年新收政府信息公开申请数量·总计"] == "3119"
    assert row["原件链接"].startswith("http://x/-/captures/")
    assert "规章·本年制发件数" not in row


def test_a_cell_the_report_lacks_is_empty_not_zero(archive: Archive) -> None:
    (row,) = csv_rows(archive, province="甘肃省")
    assert row["规章·本年制发件数"] == ""
    assert row["一、本年新收政府信息公开申请数量·总计"] == "0"


def test_an_unknown_filter_value_lists_the_valid_ones(archive: Archive) -> None:
    with pytest.raises(export.ExportError, match="valid: 安徽省, 江苏省"):
        export.rows(archive.db, export.Filters(province="安徽"), "http://x")
    with pytest.raises(export.ExportError, match="YEAR-YEAR"):
        export.parse_years("twenty")


def test_xlsx_holds_the_same_rows(archive: Archive, tmp_path: Path) -> None:
    header, data = export.rows(archive.db, export.Filters(table="review_litigation"), "http://x")
    export.to_xlsx(header, data, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in sheet[1]][:2] == ["报告编号", "机关"]
    assert sheet.max_row == len(data) + 1
