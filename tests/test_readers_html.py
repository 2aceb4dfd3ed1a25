"""HTML pages: real tables with spans, nested and split tables, `<p>` runs, Chinese encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract
from extract.model import Table
from extract.readers import html
from tests.conftest import FIXTURES, load_expected

SOURCES = {
    "shucheng": FIXTURES / "seeds" / "expected" / "002_6aecb46b9b52e8b6.json",
    "shuyang": FIXTURES / "reports" / "expected" / "shuyang-fgj-2023.json",
}
PAGES = sorted((FIXTURES / "html").glob("*.html"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_html_layout_gives_the_real_reports_cells(page: Path) -> None:
    expected = load_expected(SOURCES[page.stem.split("-")[0]])
    report = extract(page.read_bytes())
    assert report.cells == expected["cells"]
    assert (report.title, report.agency, report.year) == (
        expected["title"],
        expected["agency"],
        expected["year"],
    )


def tables(markup: str) -> list[Table]:
    return [b for b in html.read(markup).blocks if isinstance(b, Table)]


def test_rowspan_and_colspan_labels_reach_every_cell_they_cover() -> None:
    (table,) = tables(
        "<table><tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>（一）予以公开</td>"
        "<td>5</td></tr><tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>0</td></tr></table>"
    )
    assert table.rows == [
        ["三、本年度办理结果", "（一）予以公开", "（一）予以公开", "5"],
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0"],
    ]


def test_a_spanning_figure_is_counted_once() -> None:
    (table,) = tables("<table><tr><td>行政许可</td><td colspan=3>7</td></tr></table>")
    assert table.rows == [["行政许可", "7"]]


def test_blank_cells_keep_their_place() -> None:
    (table,) = tables(
        "<table><tr><td>（一）予以公开</td><td>26</td><td><o:p>&nbsp;</o:p></td>"
        "<td>26</td></tr></table>"
    )
    assert table.rows == [["（一）予以公开", "26", "", "26"]]


def test_an_outer_layout_table_does_not_hide_the_report_tables() -> None:
    (table,) = tables(
        "<table><tr><td><p>正文</p><table><tr><td>规章</td><td>0</td></tr></table>"
        "</td></tr></table>"
    )
    assert table.rows == [["规章", "0"]]


def test_thousands_of_nested_tags_read_without_recursion_errors() -> None:
    markup = "<div>" * 5000 + "二、主动公开政府信息情况" + "</div>" * 5000
    assert html.read(markup).text().strip().endswith("二、主动公开政府信息情况")


def test_gbk_bytes_under_a_lying_utf8_charset_are_read_as_gb18030() -> None:
    report = extract((FIXTURES / "html" / "shucheng-2020-gbk-lying.html").read_bytes())
    assert report.encoding == "gb18030"
    assert report.agency == "舒城县人民政府"


def test_page_metadata_gives_the_publication_date() -> None:
    report = extract((FIXTURES / "reports" / "shuyang-fgj-2023.html").read_bytes())
    assert report.published == "2024-01-17"
