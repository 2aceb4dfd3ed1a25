"""What a document is, from its bytes (never only its name or Content-Type), and its text."""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from io import BytesIO

import charset_normalizer

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # DOC, WPS, XLS
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
)
_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|meta|div|p|title)[\s>/]", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Charsets pages declare by default whatever their bytes are.
_UNTRUSTED = frozenset(
    {
        "utf-8",
        "utf8",
        "iso-8859-1",
        "latin1",
        "latin-1",
        "ascii",
        "us-ascii",
        "windows-1252",
        "cp1252",
    }
)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn"}


def sniff(data: bytes) -> str:
    """`empty`, `html`, `text`, `pdf`, `docx`, `xlsx`, `ofd`, `zip`, `ole`, `image`, … `binary`."""
    if not data.strip():
        return "empty"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    head = data[:4096]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return "html" if _HTML.search(head.decode("utf-16", "ignore").encode()) else "text"
    if _HTML.search(head):
        return "html"
    if head.lstrip()[:1] in (b"{", b"[") and _is_json(data):
        return "json"
    return "text" if _looks_textual(head) else "binary"


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except Exception:  # a damaged zip raises whatever its damage makes zipfile raise
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def _looks_textual(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls <= len(head) // 100


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Text and the encoding it was read in. Valid UTF-8 wins over a charset that says otherwise;
    GB2312 and GBK are read as GB18030, their superset."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, "replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:4096])
    named = m.group(1).decode("ascii", "ignore") if m else None
    for label in (declared, named):
        name = (label or "").lower()
        if name in _GB or name.startswith("gb"):
            return data.decode("gb18030", "replace"), "gb18030"
        if name and name not in _UNTRUSTED:
            try:
                return data.decode(name), name
            except (LookupError, UnicodeDecodeError):
                pass
    # Undeclared or wrongly declared: the reading with fewer broken characters, GB18030 on a tie.
    readings = [(data.decode(n, "replace"), n) for n in ("gb18030", "utf-8")]
    text, name = min(readings, key=lambda r: r[0].count("\ufffd"))
    if text.count("\ufffd") <= max(len(text) // 50, 2):
        return text, name
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, "replace"), best.encoding
    return text, name
