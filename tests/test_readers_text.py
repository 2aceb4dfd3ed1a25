"""Text exports: each layout the seeds show becomes rows of cells."""

from extract.model import Paragraph, Table
from extract.readers import text


def tables(doc_text: str) -> list[Table]:
    return [b for b in text.read(doc_text).blocks if isinstance(b, Table)]


def test_one_cell_per_line_with_blank_lines_between_rows() -> None:
    doc = (
        "二、主动公开政府信息情况\n\t信息内容\n\t本年新\n制作数量\n\t本年新\n公开数量\n"
        "\n\t规章\n\t0\n\t1\n\t2\n"
    )
    (table,) = tables(doc)
    assert table.rows == [["信息内容", "本年新制作数量", "本年新公开数量"], ["规章", "0", "1", "2"]]
    assert table.grid


def test_tab_separated_rows_keep_their_blank_cells() -> None:
    doc = "(一) 予以公开\t\t3\t0\t0\t0\t0\t0\t3\t\n"
    (table,) = tables(doc)
    assert table.rows == [["(一) 予以公开", "", "3", "0", "0", "0", "0", "0", "3", ""]]


def test_pipe_separated_cells_broken_over_lines_become_a_stream() -> None:
    doc = (
        "前言\n(本列数据)\n|\n商业\n企业\n|\n"
        "一、本年新收政府信息公开申请数量\n|\n0 |\n5 |\n||\n后记\n"
    )
    (table,) = tables(doc)
    assert [r[0] for r in table.rows] == [
        "(本列数据)",
        "商业企业",
        "一、本年新收政府信息公开申请数量",
        "0",
        "5",
    ]
    assert not table.grid


def test_prose_stays_paragraphs() -> None:
    blocks = text.read("一、总体情况\n2020年以来，花石乡党委政府高度重视。\n").blocks
    assert blocks == [Paragraph("一、总体情况"), Paragraph("2020年以来，花石乡党委政府高度重视。")]


def test_a_line_of_figures_is_a_row() -> None:
    (table,) = tables("0 0 0 0 0 0 0 0 0 0 0 0 0 0 1\n")
    assert table.rows == [["0"] * 14 + ["1"]]


def test_traditional_text_is_simplified_as_it_is_read() -> None:
    (table,) = tables("\t上年結轉政府信息公開申請數量\n\t0\n")
    assert table.rows == [["上年结转政府信息公开申请数量", "0"]]
