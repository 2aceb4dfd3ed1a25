"""OFD (GB/T 33190, China's fixed-layout format: a zip of XML pages) → pages: each page's text
objects placed where they print, its path objects as the table's rules, laid out as a PDF's or
a scan's page is (extract/readers/pages.py).

Units are millimetres, y down the page. A text object's codes sit at X, Y (the baseline) from
its boundary's corner; a path's abbreviated data (M, L, … Z) likewise. A page that is only an
image (a scan saved as OFD) has no text objects: it is read by OCR if its image can be decoded.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from posixpath import dirname, join, normpath

from lxml import etree

from extract.model import Document
from extract.readers import Unreadable, grid, package, pages

# An OFD report unzips to a few megabytes (its fonts); past this it is a bomb.
MAX_UNZIPPED = 256 * 1024 * 1024
# A report is a few pages to a few dozen; past this it is not a report, or a bomb.
MAX_PAGES = 300
# Lines closer than this (mm) are one line; a rule is thinner than this (2 pt).
_TOLERANCE = 0.7
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def read(data: bytes) -> Document:
    package.check(data, "OFD", MAX_UNZIPPED)
    with zipfile.ZipFile(BytesIO(data)) as ofd:
        names = set(ofd.namelist())

        def xml(path: str) -> etree._Element:
            if path not in names:
                raise Unreadable(f"the OFD lacks its part {path}")
            try:
                return etree.fromstring(ofd.read(path), _PARSER)
            except etree.XMLSyntaxError as e:
                raise Unreadable(f"the OFD's {path} is not well-formed XML ({e})") from None

        root = xml("OFD.xml")
        doc_root = _text(root, "DocRoot")
        if not doc_root:
            raise Unreadable("the OFD names no document (OFD.xml has no DocRoot)")
        doc_path = _part("", doc_root)
        document = xml(doc_path)
        listed = [p.get("BaseLoc", "") for p in _all(document, "Page")]
        if len(listed) > MAX_PAGES:
            raise Unreadable(f"the OFD has {len(listed)} pages, over the {MAX_PAGES}-page limit")
        read = [_page(xml(_part(dirname(doc_path), loc))) for loc in listed]
        meta = {"title": t} if (t := _text(root, "Title")) else {}
    doc = Document(pages.join(read), "ofd", meta=meta)
    if not doc.text().strip():
        raise Unreadable("the OFD's pages hold no text objects (a scan saved as OFD)")
    return doc


def _page(content: etree._Element) -> pages.Page:
    words = list(_words(content))
    lines = list(_lines(content))
    return pages.laid_out(words, grid.tables(lines, _TOLERANCE), _TOLERANCE)


def _words(content: etree._Element) -> Iterator[pages.Word]:
    for obj in _all(content, "TextObject"):
        x, y, _, _ = _box(obj.get("Boundary"))
        size = _float(obj.get("Size"), 3.5)
        for code in _all(obj, "TextCode"):
            text = "".join(code.itertext())
            if not text.strip():
                continue
            left = x + _float(code.get("X"), 0)
            baseline = y + _float(code.get("Y"), size)
            advance = _advances(code.get("DeltaX"), len(text), size)
            yield pages.Word((left, baseline - size, left + advance, baseline), text)


def _advances(delta: str | None, count: int, size: float) -> float:
    """How far a code's text runs: its DeltaX gaps (`g 3 2.5` is three gaps of 2.5) plus its
    last character, or a character's size each where it gives none."""
    if not delta:
        return count * size
    tokens = delta.split()
    total, i = 0.0, 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            total += int(_float(tokens[i + 1], 0)) * _float(tokens[i + 2], 0)
            i += 3
        else:
            total += _float(tokens[i], 0)
            i += 1
    return total + size


def _lines(content: etree._Element) -> Iterator[grid.Box]:
    """Path objects as boxes: a thin one as it is, another segment by segment."""
    for obj in _all(content, "PathObject"):
        x, y, w, h = _box(obj.get("Boundary"))
        if min(w, h) <= _TOLERANCE:
            yield (x, y, x + w, y + h)
            continue
        if obj.get("Stroke", "true") == "false":
            continue  # a filled shape (a shaded cell), not a rule
        yield from _segments(_text(obj, "AbbreviatedData") or "", x, y)


def _segments(data: str, x: float, y: float) -> Iterator[grid.Box]:
    tokens = data.split()
    start = last = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens):
            point = (x + _float(tokens[i + 1], 0), y + _float(tokens[i + 2], 0))
            if op == "L" and last is not None:
                yield _segment(last, point)
            else:
                start = point
            last = point
            i += 3
        elif op in ("C", "Q", "B", "A"):  # curves: not rules; their end point carries on
            arity = {"C": 6, "Q": 4, "B": 6, "A": 7}[op]
            if i + arity < len(tokens):
                last = (x + _float(tokens[i + arity - 1], 0), y + _float(tokens[i + arity], 0))
            i += arity + 1
        elif op == "Z":
            if last is not None and start is not None:
                yield _segment(last, start)
            last = start
            i += 1
        else:
            i += 1


def _segment(a: tuple[float, float], b: tuple[float, float]) -> grid.Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _box(value: str | None) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in _NUMBER.findall(value or "")][:4]
    return tuple(numbers) if len(numbers) == 4 else (0.0, 0.0, 0.0, 0.0)  # type: ignore[return-value]


def _float(value: str | None, default: float) -> float:
    match = _NUMBER.search(value or "")
    return float(match.group()) if match else default


def _all(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Descendants by local name, whatever the namespace (writers differ)."""
    return element.iter(f"{{*}}{name}", name)


def _text(element: etree._Element, name: str) -> str | None:
    found = next(_all(element, name), None)
    return "".join(found.itertext()).strip() if found is not None else None


def _part(base: str, location: str) -> str:
    """A part's path in the zip: relative to the part that names it, or from the root."""
    location = location.strip()
    if location.startswith("/"):
        return normpath(location.lstrip("/"))
    return normpath(join(base, location)) if base else normpath(location)
