"""Scans (a PDF's image-only pages, PNG, JPEG, TIFF) → pages by OCR: each line of text read
with its confidence, a table's cells from the lines drawn in the image.

RapidOCR (PaddleOCR's models run by onnxruntime; PyPI's wheel carries the models, so it runs
offline) finds and reads the text lines. The table's strokes are found by OpenCV (long thin runs
of dark pixels), and each text goes to the cell its centre falls in: the same geometry as a
PDF's drawn lines. A cell keeps the confidence of the least sure text in it.
"""

from __future__ import annotations

import functools
import warnings
from io import BytesIO
from typing import Any

from extract.model import Document
from extract.readers import Unreadable, grid, pages

# A scan's pages read at most (about 5 s each): a report is a few pages, its tables early.
MAX_PAGES = 20
# An image larger than this is refused before it is decoded: a bomb, or not a page.
MAX_PIXELS = 80_000_000
# A figure OCR read with less confidence than this is flagged (its digits may be misread).
SURE = 0.95
# Text OCR is less sure of than this is not text (a speck, a stamp's edge).
_KEPT = 0.3
# A page is read at most this many pixels on its longer side (an A4 page at 150 dpi; larger
# costs time and reads no better).
_SIDE = 1800


def read(data: bytes) -> Document:
    """An image file: every frame (a TIFF may hold several pages) read as a page."""
    from PIL import Image

    try:
        with warnings.catch_warnings():  # its size is judged below, before it is decoded
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except Exception as e:  # Pillow raises what the damage makes it raise
        raise Unreadable(f"the image cannot be opened ({e})") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise Unreadable(f"the image is {width}×{height} pixels, over the {MAX_PIXELS} limit")
    frames = getattr(image, "n_frames", 1)
    read: list[pages.Page] = []
    try:
        for i in range(min(frames, MAX_PAGES)):
            image.seek(i)
            read.append(page(_array(image)))
    except (OSError, ValueError, SyntaxError) as e:
        if not read:
            raise Unreadable(f"the image cannot be decoded ({e})") from None
    doc = Document(pages.join(read), "image")
    if frames > MAX_PAGES:
        doc.meta["truncated"] = f"the image holds {frames} pages; the first {MAX_PAGES} were read"
    if not doc.text().strip():
        raise Unreadable("OCR found no text in the image")
    return doc


def _array(image: Any) -> Any:
    import numpy

    frame = image.convert("RGB")
    if max(frame.size) > _SIDE:
        frame.thumbnail((_SIDE, _SIDE))
    return numpy.asarray(frame)


def page(image: Any) -> pages.Page:
    """One page image (an RGB array): its tables from its strokes, its text by OCR."""
    height, width = image.shape[:2]
    if max(height, width) > _SIDE * 1.25:
        image = _shrink(image)
        height, width = image.shape[:2]
    words = recognise(image)
    tolerance = max(4.0, width / 300)
    return pages.laid_out(words, grid.tables(strokes(image), tolerance), tolerance, scanned=True)


def _shrink(image: Any) -> Any:
    import cv2

    height, width = image.shape[:2]
    scale = _SIDE / max(height, width)
    return cv2.resize(
        image, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA
    )


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # Text read with little confidence is kept (and flagged), not dropped as RapidOCR's default
    # 0.5 would: a figure dropped would read as a blank cell.
    return RapidOCR(text_score=_KEPT)


def recognise(image: Any) -> list[pages.Word]:
    # Upright pages: the classifier that turns upside-down lines costs a sixth of the time.
    found, _ = _engine()(image, use_cls=False)
    words = []
    for box, text, confidence in found or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        words.append(pages.Word((min(xs), min(ys), max(xs), max(ys)), text, float(confidence)))
    return words


def strokes(image: Any) -> list[grid.Box]:
    """The long straight strokes of the page (a table's rules) as thin boxes. A run shorter than
    a character is height is left out, so characters' own strokes are not taken for rules."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    ink = cv2.adaptiveThreshold(
        255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2
    )
    height, width = gray.shape
    found: list[grid.Box] = []
    for size in ((max(width // 30, 20), 1), (1, max(height // 60, 20))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(runs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            found.append((float(x), float(y), float(x + w), float(y + h)))
    return found
