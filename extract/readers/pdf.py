"""PDF with a text layer → the text reader: pdfium's text, page by page, in reading order.

A report's PDF is the Word document printed: its text layer keeps table cells one per line,
which the text reader already turns into rows. Tables rebuilt from positions and scanned PDFs
(OCR) are issue 6's; a PDF without text says so instead of guessing.
"""

from __future__ import annotations

import pypdfium2

from extract.model import Document
from extract.readers import Unreadable, text

# A report is a few pages to a few dozen; past this it is not a report, or a bomb.
MAX_PAGES = 300


def read(data: bytes) -> Document:
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise Unreadable(f"the PDF cannot be opened ({e}): encrypted or damaged") from None
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise Unreadable(f"the PDF has {count} pages, over the {MAX_PAGES}-page limit")
        pages, damaged = [], []
        for i in range(count):
            try:
                page = pdf[i]
                textpage = page.get_textpage()
                pages.append(textpage.get_text_bounded())
                textpage.close()
                page.close()
            except pypdfium2.PdfiumError:  # a damaged page: the others are still read
                damaged.append(str(i + 1))
    finally:
        pdf.close()
    if damaged and not pages:
        raise Unreadable(f"none of the PDF's {count} pages can be read: it is damaged")
    layer = "\n".join(pages)
    if not layer.strip():
        raise Unreadable("the PDF has no text layer (a scan); OCR is not read yet")
    doc = text.read(layer.replace("\r\n", "\n"))
    doc.format = "pdf"
    if damaged:
        doc.meta["truncated"] = f"PDF page {', '.join(damaged)} of {count} could not be read"
    return doc
