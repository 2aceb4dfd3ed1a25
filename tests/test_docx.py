"""The DOCX reader: Word's body read as printed, merged cells resolved, limits kept."""

from __future__ import annotations

import zipfile
from io import BytesIO

import docx
import pytest
from docx.oxml import parse_xml

from extract import extract
from extract.model import Paragraph, Table
from extract.readers import Unreadable
from extract.readers import docx as reader
from extract.readers import package as zips

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def word(body: str) -> bytes:
    """A real DOCX package (python-docx's) whose body is the given WordprocessingML."""
    document = docx.Document()
    element = document.element.body
    for child in list(element):
        if not child.tag.endswith("sectPr"):
            element.remove(child)
    for child in parse_xml(f"<w:body {W} {MC}>{body}</w:body>"):
        element.insert(len(element) - 1, child)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, span: int = 1, merge: str | None = None) -> str:
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if merge is not None:
        props += f'<w:vMerge w:val="{merge}"/>' if merge else "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text) if text else '<w:p/>'}</w:tc>"


def tr(*cells: str) -> str:
    return f"<w:tr>{''.join(cells)}</w:tr>"


def tables(data: bytes) -> list[list[list[str]]]:
    return [b.rows for b in reader.read(data).blocks if isinstance(b, Table)]


def texts(data: bytes) -> list[str]:
    return [b.text for b in reader.read(data).blocks if isinstance(b, Paragraph)]


def test_a_label_merged_down_labels_every_row_it_covers() -> None:
    body = "<w:tbl>" + tr(tc("三、结果", merge="restart"), tc("（一）予以公开"), tc("12"))
    body += tr(tc("", merge=""), tc("（二）部分公开"), tc("3")) + "</w:tbl>"
    assert tables(word(body)) == [
        [["三、结果", "（一）予以公开", "12"], ["三、结果", "（二）部分公开", "3"]]
    ]


def test_a_number_merged_across_columns_is_counted_once() -> None:
    body = "<w:tbl>" + tr(tc("申请人情况", span=3)) + tr(tc("自然人"), tc("法人"), tc("其他"))
    body += tr(tc("7", span=2), tc("1")) + "</w:tbl>"
    rows = tables(word(body))[0]
    assert rows[0] == ["申请人情况", "申请人情况", "申请人情况"]
    assert rows[2] == ["7", "1"]


def test_a_table_nested_in_a_cell_is_read_as_its_own_table() -> None:
    inner = "<w:tbl>" + tr(tc("本年新收"), tc("5")) + "</w:tbl>"
    body = f"<w:tbl><w:tr><w:tc>{p('附表')}{inner}</w:tc></w:tr></w:tbl>"
    read = reader.read(word(body)).blocks
    assert read == [Paragraph("附表"), Table([["本年新收", "5"]])]


def test_numbers_in_a_text_box_are_read_once_not_with_their_fallback_copy() -> None:
    box = f"<w:txbxContent>{p('行政复议 2 件')}</w:txbxContent>"
    drawing = (
        f"<mc:AlternateContent><mc:Choice Requires='wps'>{box}</mc:Choice>"
        f"<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent>"
    )
    body = f"<w:p><w:r><w:t>四、复议诉讼</w:t></w:r><w:r>{drawing}</w:r></w:p>"
    assert texts(word(body)) == ["四、复议诉讼", "行政复议 2 件"]


def test_deleted_revisions_and_field_codes_are_not_read() -> None:
    body = (
        "<w:p><w:r><w:t>收到申请</w:t></w:r><w:del><w:r><w:delText>99</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>12件</w:t></w:r></w:ins>"
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r></w:p>'
    )
    assert texts(word(body)) == ["收到申请12件"]


def test_content_controls_and_line_breaks_keep_their_text_in_order() -> None:
    body = (
        f"<w:sdt><w:sdtContent>{p('一、总体情况')}</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
    )
    assert texts(word(body)) == ["一、总体情况", "第一行", "第二行"]


def test_a_docx_is_sniffed_and_read_whatever_its_name() -> None:
    report = extract(word(p("舒城县人民政府2020年政府信息公开工作年度报告")))
    assert report.format == "docx"
    assert not any(w.code == "unreadable" for w in report.warnings)


def test_a_zip_bomb_is_refused_by_its_unzipped_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_UNZIPPED", 10_000)
    bomb = word(p("0" * 50_000))  # compresses to little, unzips past the limit
    with pytest.raises(Unreadable, match="unzips to"):
        reader.read(bomb)
    assert "unzips to" in " ".join(w.detail for w in extract(bomb).warnings)


def test_a_damaged_docx_says_it_cannot_be_opened() -> None:
    package = BytesIO()
    with zipfile.ZipFile(BytesIO(word(p("x")))) as src, zipfile.ZipFile(package, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:20] if info.filename == "word/document.xml" else data)
    with pytest.raises(Unreadable, match="cannot be opened"):
        reader.read(package.getvalue())


def test_rows_and_cells_inside_content_controls_are_read() -> None:
    row = tr(tc("收到申请数"), tc("12"))
    body = f"<w:tbl>{tr(tc('项目'), tc('数量'))}<w:sdt><w:sdtContent>{row}</w:sdtContent></w:sdt>"
    body += "<w:customXml>" + tr(tc("办结"), tc("11")) + "</w:customXml></w:tbl>"
    assert tables(word(body)) == [[["项目", "数量"], ["收到申请数", "12"], ["办结", "11"]]]


def test_a_row_that_starts_later_keeps_its_cells_under_their_columns() -> None:
    first = tr(tc("项目"), tc("合计", merge="restart"), tc("甲"))
    later = f"<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>{tc('', merge='')}{tc('乙')}</w:tr>"
    assert tables(word(f"<w:tbl>{first}{later}</w:tbl>")) == [
        [["项目", "合计", "甲"], ["合计", "乙"]]
    ]


def test_hidden_and_moved_away_text_is_not_read() -> None:
    body = (
        "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:t>可见</w:t></w:r>"
        "<w:moveFrom><w:r><w:t>搬走的</w:t></w:r></w:moveFrom></w:p>"
        "<w:p><w:moveTo><w:r><w:t>搬来的</w:t></w:r></w:moveTo></w:p>"
    )
    assert texts(word(body)) == ["可见", "搬来的"]


def test_content_in_alternate_content_at_body_level_is_read_once() -> None:
    body = (
        f"<mc:AlternateContent><mc:Choice Requires='w14'>{p('新式')}</mc:Choice>"
        f"<mc:Fallback>{p('旧式')}</mc:Fallback></mc:AlternateContent>"
    )
    assert texts(word(body)) == ["新式"]


def with_zeros(size: int) -> bytes:
    """A one-paragraph DOCX with a member of `size` zero bytes (a zip bomb's payload)."""
    package = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(word(p("x")))) as src,
        zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("word/media/bomb.bin", b"\0" * size)
    return package.getvalue()


def test_a_member_that_inflates_past_the_limit_is_stopped_early(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader, "MAX_UNZIPPED", 3_000_000)
    monkeypatch.setattr(zips, "CHUNK", 64 * 1024)
    # declared honestly: refused
    with pytest.raises(Unreadable, match="limit"):
        reader.read(with_zeros(4_000_000))


def test_a_member_that_lies_about_its_size_is_refused_before_it_is_inflated() -> None:
    data = bytearray(with_zeros(50_000_000))
    entry = data.rindex(b"PK\x01\x02")  # the last central entry: the bomb's
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")  # it says it inflates to 1 kB
    with pytest.raises(Unreadable, match="not a readable zip"):
        reader.read(bytes(data))
