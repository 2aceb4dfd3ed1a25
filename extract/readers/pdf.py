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
# A scan is read by OCR at this resolution: a 五号 character (10.5 pt) is 22 pixels high.
_DPI = 150


def read(data: bytes) -> Document:
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise Unreadable(f"the PDF cannot be opened ({e}): encrypted or damaged") from None
    meta: dict[str, str] = {}
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
                damaged.append(str(i + 1))
        if damaged and not read:
            raise Unreadable(f"none of the PDF's {count} pages can be read: it is damaged")
        scanned = [i for i, page in enumerate(read) if page.scanned]
        if scanned:
            if len(scanned) > ocr.MAX_PAGES:
                meta["truncated"] = (
                    f"{len(scanned)} pages are scans; only the first {ocr.MAX_PAGES} were read"
                )
            for i in scanned[: ocr.MAX_PAGES]:
                read[i] = ocr.page(_render(pdf[i]))
    finally:
        pdf.close()
    if damaged:
        meta["truncated"] = f"PDF page {', '.join(damaged)} of {count} could not be read"
    doc = Document(pages.join(read), "pdf", meta=meta)
    if scanned:
        doc.format = "pdf-scan" if len(scanned) == len(read) else "pdf"
    if not doc.text().strip():
        if scanned:
            raise Unreadable("OCR found no text in the PDF's scanned pages")
        raise Unreadable("the PDF's pages hold no text and no scanned image: it is blank")
    return doc


def _render(page: pypdfium2.PdfPage) -> Any:
    """The page as an image (a NumPy array, RGB) at the OCR resolution."""
    try:
        return page.render(scale=_DPI / 72).to_numpy()[:, :, :3]
    finally:
        page.close()


def _read_page(page: pypdfium2.PdfPage) -> pages.Page:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        if not textpage.get_text_bounded().strip():
            # An image on a page without text is a scan; a page with neither is blank.
            images = page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_IMAGE], max_depth=2)
            return pages.Page([], scanned=next(images, None) is not None)
        ruled = grid.tables(list(rules(page, height)), _TOLERANCE)
        parts: list[str | Table] = []
        above = 0.0  # top of the band not read yet, down the page
        for table in ruled:
            _, top, _, bottom = table.box
            parts.append(_band(textpage, width, height, above, top))
            raw = grid.raw_table(table, lambda box: _bounded(textpage, height, box), _TOLERANCE)
            parts.append(layout.resolve(raw, [normalise.cell(t) for t in raw.texts]))
            above = bottom
        parts.append(_band(textpage, width, height, above, height))
        return pages.Page(parts)
    finally:
        textpage.close()
        page.close()


def rules(page: pypdfium2.PdfPage, height: float) -> Iterator[grid.Box]:
    """The page's strokes as boxes, y down: thin filled rectangles as they are, stroked paths
    segment by segment (a cell's border drawn as one rectangle gives its four sides)."""
    for obj in page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        box = (left, height - top, right, height - bottom)
        if min(right - left, top - bottom) <= _TOLERANCE:
            yield box
            continue
        if not _stroked(obj):
            continue  # a shaded cell's fill: its borders are drawn as their own strokes
        yield from _segments(obj, height)


def _stroked(obj: pypdfium2.PdfObject) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    return bool(stroke.value)


def _segments(obj: pypdfium2.PdfObject, height: float) -> Iterator[grid.Box]:
    matrix = obj.get_matrix()
    start = last = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = matrix.on_point(x.value, y.value)
        kind = pdfium.FPDFPathSegment_GetType(segment)
        if kind == pdfium.FPDF_SEGMENT_MOVETO or last is None:
            start = last = point
            continue
        yield _box(last, point, height)
        last = point
        if pdfium.FPDFPathSegment_GetClose(segment) and start is not None:
            yield _box(point, start, height)
            last = start


def _box(a: tuple[float, float], b: tuple[float, float], height: float) -> grid.Box:
    return (min(a[0], b[0]), height - max(a[1], b[1]), max(a[0], b[0]), height - min(a[1], b[1]))


def _bounded(textpage: pypdfium2.PdfTextPage, height: float, box: grid.Box) -> str:
    x0, top, x1, bottom = box
    return textpage.get_text_bounded(x0, height - bottom, x1, height - top)


def _band(
    textpage: pypdfium2.PdfTextPage, width: float, height: float, top: float, bottom: float
) -> str:
    if bottom - top <= 0:
        return ""
    return _bounded(textpage, height, (0, top, width, bottom))
