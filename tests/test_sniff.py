"""The format comes from the bytes, and the text from the encoding the bytes are really in."""

from __future__ import annotations

import io
import zipfile

from extract import extract
from extract.sniff import decode, sniff

PAGE = "<html><head><meta charset='{}'></head><body><p>舒城县人民政府</p></body></html>"


def zipped(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, "<x/>")
    return buf.getvalue()


def test_formats_are_told_by_their_magic_bytes() -> None:
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "ole"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image"
    assert sniff(zipped("word/document.xml")) == "docx"
    assert sniff(zipped("xl/workbook.xml")) == "xlsx"
    assert sniff(zipped("OFD.xml")) == "ofd"


def test_html_is_told_from_text_whatever_the_file_is_called() -> None:
    assert sniff(b"\n  <!DOCTYPE html><html>") == "html"
    assert sniff("二、主动公开政府信息情况\n\t规章\n".encode()) == "text"
    assert sniff(b"   \n") == "empty"
    assert sniff(bytes(range(256)) * 4) == "binary"


def test_utf8_bytes_under_a_gbk_charset_are_read_as_utf8() -> None:
    text, encoding = decode(PAGE.format("gbk").encode("utf-8"))
    assert encoding == "utf-8" and "舒城县" in text


def test_gbk_bytes_under_a_utf8_charset_are_read_as_gb18030() -> None:
    text, encoding = decode(PAGE.format("utf-8").encode("gbk"))
    assert encoding == "gb18030" and "舒城县" in text


def test_gbk_bytes_with_no_charset_are_read_as_gb18030() -> None:
    text, encoding = decode("<p>花石乡人民政府政府信息公开工作年度报告</p>".encode("gb2312"))
    assert encoding == "gb18030" and "花石乡" in text


def test_a_content_type_charset_is_honoured() -> None:
    page = "<p>舒城县人民政府</p>".encode("gbk")
    assert extract(page, "text/html; charset=GBK").encoding == "gb18030"


def test_formats_not_read_yet_are_unreadable_with_the_reason() -> None:
    (warning,) = extract(b"%PDF-1.4 ...").warnings
    assert warning.code == "unreadable" and "PDF" in warning.detail
