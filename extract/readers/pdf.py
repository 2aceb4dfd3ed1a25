"""PDF → blocks: ruled tables rebuilt from the lines the page draws, the rest of its text layer
read as the text reader reads an export; a page without text is read by OCR.

A report's PDF is the Word document printed. Its table is drawn as strokes, so the cell a
figure sits in is known from the page, not guessed from the order of the text layer, which
some writers (LibreOffice) fill row by row and others (WPS) cell by cell. A table that runs over
several pages is joined, its header rows repeated at the top of each page dropped.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium

from extract import normalise
from extract.model import Document, Table
from extract.readers import Unreadable, grid, layout, ocr, pages

# A report is a few pages to a few dozen; past this it is not a report, or a bomb.
MAX_PAGES = 300
# Lines closer than this (points) are one line; a stroke is thinner than this.
_TOLERANCE = 2.0
# A page with fewer characters than this and an image is a scan (a page number stamped on it).
_SCAN_TEXT = 20
# A page drawing more lines than this is a chart or hatching, not a table (the crossings of
# n lines cost n² to find).
_MAX_LINES = 3000
# Beyond any page's edge, for bands of text across the whole page.
_FAR = 1e6
# A cell's text is taken this far (points) inside its rules.
_INSET = 0.5
# A scan is read by OCR at this resolution: a 五号 character (10.5 pt) is 22 pixels high.
_DPI = 150


def _plain(function: Any, result: Any, *arguments: Any) -> Any:
    """A pdfium function over plain pointers: pypdfium2's binding builds a typed pointer for
    each result, which doubles the cost of the calls made once per object of a page."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address is not None  # a function pypdfium2 bound
    return ctypes.CFUNCTYPE(result, *arguments)(address)


_get_object = _plain(pdfium.FPDFPage_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_get_type = _plain(pdfium.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)


def read(data: bytes) -> Document:
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise Unreadable(f"the PDF cannot be opened ({e}): encrypted or damaged") from None
    notes: list[str] = []
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise Unreadable(f"the PDF has {count} pages, over the {MAX_PAGES}-page limit")
        read: list[pages.Page] = []
        damaged: list[str] = []
        for i in range(count):
            try:
                read.append(_read_page(pdf[i]))
            except pypdfium2.PdfiumError:  # a damaged page: the others are still read
                read.append(pages.Page([]))
                damaged.append(str(i + 1))
        if len(damaged) == count:
            raise Unreadable(f"none of the PDF's {count} pages can be read: it is damaged")
        scanned = [i for i, page in enumerate(read) if page.scanned]
        if len(scanned) > ocr.MAX_PAGES:
            notes.append(f"{len(scanned)} pages are scans; the first {ocr.MAX_PAGES} were read")
        for i in scanned[: ocr.MAX_PAGES]:
            try:
                read[i] = ocr.page(render(pdf[i]))
            except (pypdfium2.PdfiumError, Unreadable) as e:
                damaged.append(f"{i + 1} ({e})")
    finally:
        pdf.close()
    if damaged:
        notes.append(f"PDF page {', '.join(damaged)} of {count} could not be read")
    doc = Document(pages.join(read), "pdf", meta={"truncated": "; ".join(notes)} if notes else {})
    if scanned:
        doc.meta["ocr"] = f"{min(len(scanned), ocr.MAX_PAGES)} pages"
        doc.format = "pdf-scan" if len(scanned) == len(read) else "pdf"
    if not doc.text().strip():
        if scanned:
            raise Unreadable("OCR found no text in the PDF's scanned pages")
        raise Unreadable("the PDF's pages hold no text and no scanned image: it is blank")
    return doc


def render(page: pypdfium2.PdfPage) -> Any:
    """The page as an image (a NumPy array, RGB) at the OCR resolution, or smaller where the
    page is larger than a page: its size is checked before a pixel is drawn."""
    try:
        width, height = page.get_size()
        scale = min(_DPI / 72, ocr.MAX_SIDE / max(width, height, 1))
        ocr.check(width * scale, height * scale)
        return page.render(scale=scale, rev_byteorder=True).to_numpy()[:, :, :3]
    finally:
        page.close()


def _read_page(page: pypdfium2.PdfPage) -> pages.Page:
    textpage = page.get_textpage()
    try:
        if textpage.count_chars() < _SCAN_TEXT:
            # An image on a page without text (or only a page number stamped on it) is a scan;
            # a page with neither is blank.
            images = page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_IMAGE], max_depth=1)
            if next(images, None) is not None:
                return pages.Page([], scanned=True)
        top = page.get_bbox()[3]  # y is counted down from here (a page's box need not start at 0)
        lines = list(rules(page, top))
        ruled = grid.tables(lines, _TOLERANCE) if len(lines) <= _MAX_LINES else []
        text = _Text(textpage, top)
        parts: list[str | Table] = []
        above = 0.0  # top of the band not read yet, down the page
        for table in ruled:
            _, table_top, _, table_bottom = table.box
            if table_top > above:
                parts.append(text((-_FAR, above, _FAR, table_top)))
            raw = grid.raw_table(table, text.inside, _TOLERANCE)
            parts.append(layout.resolve(raw, [normalise.cell(t) for t in raw.texts]))
            above = max(above, table_bottom)
        parts.append(text((-_FAR, above, _FAR, _FAR)))
        return pages.Page(parts)
    finally:
        textpage.close()
        page.close()


def rules(page: pypdfium2.PdfPage, height: float) -> Iterator[grid.Box]:
    """The page's strokes as boxes, y down: thin filled rectangles as they are, stroked paths
    segment by segment (a cell's border drawn as one rectangle gives its four sides). Read
    through pdfium's own calls: a page holds hundreds of text objects to pass over."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    corners = [ctypes.byref(v) for v in (left, bottom, right, top)]
    raw = ctypes.cast(page.raw, ctypes.c_void_p).value
    for i in range(pdfium.FPDFPage_CountObjects(page.raw)):
        address = _get_object(raw, i)
        if _get_type(address) != pdfium.FPDF_PAGEOBJ_PATH:
            continue
        obj = ctypes.cast(address, pdfium.FPDF_PAGEOBJECT)
        if not pdfium.FPDFPageObj_GetBounds(obj, *corners):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if min(x1 - x0, y1 - y0) <= _TOLERANCE:
            yield (x0, height - y1, x1, height - y0)
        elif _stroked(obj):  # not a shaded cell's fill: its borders are strokes of their own
            yield from _segments(obj, height)


def _stroked(obj: Any) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    return bool(stroke.value)


def _segments(obj: Any, height: float) -> Iterator[grid.Box]:
    m = pdfium.FS_MATRIX()
    pdfium.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
    start = last = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium.FPDFPath_CountSegments(obj)):
        segment = pdfium.FPDFPath_GetPathSegment(obj, i)
        pdfium.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        if pdfium.FPDFPathSegment_GetType(segment) == pdfium.FPDF_SEGMENT_MOVETO or last is None:
            start = last = point
            continue
        yield _box(last, point, height)
        last = point
        if pdfium.FPDFPathSegment_GetClose(segment) and start is not None:
            yield _box(point, start, height)
            last = start


def _box(a: tuple[float, float], b: tuple[float, float], height: float) -> grid.Box:
    return (min(a[0], b[0]), height - max(a[1], b[1]), max(a[0], b[0]), height - min(a[1], b[1]))


class _Text:
    """A page's text layer read box by box, through one buffer: a report asks for hundreds of
    cells, and pypdfium2's get_text_bounded calls pdfium twice a box (its length, then its text)
    and allocates for each."""

    def __init__(self, textpage: pypdfium2.PdfTextPage, top: float) -> None:
        self.textpage, self.top = textpage, top
        # pdfium puts a line break (two units) before a character at most: 3× its characters
        # and the closing NUL hold any box's text.
        self.size = 3 * textpage.count_chars() + 1
        self.buffer = (ctypes.c_ushort * self.size)()

    def __call__(self, box: grid.Box) -> str:
        """The text within a box given y down from the page's top (pdfium counts y up)."""
        x0, y0, x1, y1 = box
        top = self.top
        n = pdfium.FPDFText_GetBoundedText(
            self.textpage.raw, x0, top - y0, x1, top - y1, self.buffer, self.size
        )
        if n <= 1:
            return ""
        return ctypes.string_at(self.buffer, 2 * (n - 1)).decode("utf-16-le", "ignore")

    def inside(self, box: grid.Box) -> str:
        """A cell's text: pdfium takes every character its box touches, so the box is drawn in
        from the rules, where a glyph of the next cell may reach."""
        x0, y0, x1, y1 = box
        return self((x0 + _INSET, y0 + _INSET, x1 - _INSET, y1 - _INSET))
