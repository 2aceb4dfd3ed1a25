"""Every warning code, raised where it belongs, with what a reader needs in its detail."""

from __future__ import annotations

from extract import extract
from extract.model import Report
from tests.conftest import FIXTURES

SHIMEN = (FIXTURES / "seeds" / "003_6ec675e0a26dcb8f.txt").read_bytes()


def warned(report: Report, code: str) -> list[str]:
    return [w.detail for w in report.warnings if w.code == code]


def test_not_a_report_for_a_page_that_is_not_one() -> None:
    page = "<html><body><p>网站首页</p><p>领导信息</p><p>联系我们</p></body></html>"
    report = extract(page.encode())
    assert warned(report, "not_a_report") and report.cells == {} and report.template is None


def test_unreadable_for_empty_bytes_and_binary_garbage() -> None:
    assert warned(extract(b""), "unreadable") == ["the document is empty"]
    assert "binary" in warned(extract(bytes(range(256)) * 8), "unreadable")[0]


def test_table_missing_names_the_table() -> None:
    (detail,) = warned(extract(SHIMEN), "table_missing")
    assert "主动公开" in detail


def test_prose_mismatch_quotes_the_text_and_the_cell() -> None:
    (detail,) = warned(extract(SHIMEN), "prose_mismatch")
    assert "30" in detail and "applications.new_received.total = 0" in detail


def test_markup_broken_when_the_page_nests_past_the_parsers_depth() -> None:
    page = b"<div>" * 6000 + "石门乡2021年政府信息公开工作年度报告".encode() + b"</div>" * 6000
    report = extract(page)
    assert warned(report, "markup_broken")
    assert report.title == "石门乡2021年政府信息公开工作年度报告"


def test_truncated_when_a_page_holds_far_more_than_a_report() -> None:
    page = b"<html><body>" + b"<p>x</p>" * 30_000 + b"</body></html>"
    assert warned(extract(page), "truncated")


def test_cells_blank_lists_the_blank_cells() -> None:
    report = extract((FIXTURES / "reports" / "shuyang-fgj-2023.html").read_bytes())
    (blank,) = [w for w in report.warnings if w.code == "cells_blank"]
    assert blank.keys is not None and len(blank.keys) == 125
