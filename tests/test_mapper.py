"""From a report's tables to the canonical cells of its template: what is printed, never a
guess. Documents here are real seeds with one thing changed, as real reports differ."""

from __future__ import annotations

from extract import extract
from extract.mapper import fit
from extract.model import Report
from tests.conftest import FIXTURES

BOAI = (FIXTURES / "seeds" / "001_72224a9d5305aabc.txt").read_text(encoding="utf-8")
SHIMEN = (FIXTURES / "seeds" / "003_6ec675e0a26dcb8f.txt").read_text(encoding="utf-8")
SHUYANG = (FIXTURES / "reports" / "shuyang-fgj-2023.html").read_bytes()


def read(text: str) -> Report:
    return extract(text.encode("utf-8"))


def codes(report: Report) -> set[str]:
    return {w.code for w in report.warnings}


def test_the_year_chooses_the_template() -> None:
    assert read(BOAI).template == "2019"
    assert read(SHIMEN).template == "2021"


def test_a_2021_report_printing_the_old_single_other_row_leaves_the_split_null() -> None:
    report = read(BOAI.replace("2020年", "2021年"))
    assert report.template == "2021"
    split = [k for k in report.cells if k.startswith("applications.other_") and "." in k]
    assert len(split) == 21
    assert all(report.cells[k] is None for k in split)
    (doubt,) = [
        w for w in report.warnings if w.table == "applications" and w.code == "template_uncertain"
    ]
    assert "（六）其他处理" in doubt.detail and len(doubt.keys or []) == 21


def test_a_row_the_template_lacks_is_reported_not_dropped() -> None:
    report = read(BOAI.replace("2020年", "2021年"))
    lacking = [w for w in report.warnings if w.code == "not_in_template"]
    assert any("proactive.procurement.amount" in w.detail and "2.7" in w.detail for w in lacking)


def test_a_report_before_2019_is_older_and_gives_no_cells() -> None:
    report = read(BOAI.replace("2020年", "2017年"))
    assert report.template == "older"
    assert report.cells == {}
    assert report.text


def test_a_missing_table_gives_nulls_and_says_which() -> None:
    report = read(SHIMEN)
    assert report.cells["proactive.licensing.decisions"] is None
    assert [w.table for w in report.warnings if w.code == "table_missing"] == ["proactive"]


def test_blank_cells_are_null_and_real_zeros_stay_zero() -> None:
    report = extract(SHUYANG)
    assert report.cells["applications.granted.commercial"] is None
    assert report.cells["applications.carried_over.natural_person"] == 0
    assert "cells_blank" in codes(report)


def test_a_truncated_row_gives_nulls_with_the_keys_missing() -> None:
    report = read(
        BOAI.replace(
            "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0",
            "二、上年结转政府信息公开申请数量\t\t0\t0\t0",
        )
    )
    assert report.cells["applications.carried_over.commercial"] == 0
    assert report.cells["applications.carried_over.total"] is None
    (missing,) = [w for w in report.warnings if w.code == "cells_missing"]
    assert missing.keys == [
        f"applications.carried_over.{c}"
        for c in ("nonprofit", "legal_services", "other_org", "total")
    ]


def test_an_unrecognised_row_with_figures_is_reported_as_printed() -> None:
    report = read(BOAI.replace("行政强制\t0\t0\t0", "行政强制\t0\t0\t0\n行政征收\t4\t0\t5"))
    (unknown,) = [w for w in report.warnings if w.code == "label_unrecognised"]
    assert "行政征收" in unknown.detail


def test_too_many_figures_keep_the_run_whose_row_total_holds() -> None:
    cells, note = fit(
        ["0", "3", "1", "0", "0", "0", "0", "4"], 7, lambda c: sum(map(int, c[:-1])) == int(c[-1])
    )  # type: ignore[arg-type]
    assert cells == ["3", "1", "0", "0", "0", "0", "4"]
    assert "8 figures" in note


def test_a_stray_extra_column_is_read_and_reported() -> None:
    report = read(BOAI)
    assert report.cells["review_litigation.litigation_after_review.total"] == 0
    assert any(w.code == "values_extra" and w.table == "review_litigation" for w in report.warnings)


def test_table_headers_map_figures_to_columns() -> None:
    report = read(BOAI)
    assert report.cells["proactive.procurement.projects"] == 1
    assert report.cells["proactive.procurement.amount"] == 2.7
    assert report.units == {"proactive.procurement.amount": "万元"}


def test_an_increase_and_a_decrease_are_signed() -> None:
    report = extract((FIXTURES / "seeds" / "002_6aecb46b9b52e8b6.txt").read_bytes())
    assert report.cells["proactive.licensing.items_change"] == -3
    assert report.cells["proactive.other_services.items_change"] == 10


def test_a_blank_cell_in_table_four_keeps_its_place() -> None:
    head = "".join(
        f"<td>{h}</td>" for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    )
    values = ["", "1", "0", "0", "1"] + ["0"] * 10
    page = (
        "<p>某县人民政府2020年政府信息公开工作年度报告</p><p>一、总体情况</p>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
        "<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
        f"<tr>{head}<td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>"
        f"<tr>{head}{head}</tr><tr>{''.join(f'<td>{v}</td>' for v in values)}</tr></table>"
    )
    report = extract(page.encode())
    assert report.cells["review_litigation.review.upheld"] is None
    assert report.cells["review_litigation.review.corrected"] == 1
    assert report.cells["review_litigation.litigation_after_review.total"] == 0
