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
# A page narrower than this, or longer than this many times its width, is not a page (RapidOCR
# blows a strip up to gigabytes).
_MIN_SIDE = 200
_MAX_RATIO = 10
# A page is read at most this many pixels on its longer side (an A4 page at 150 dpi; larger
# costs time and reads no better).
MAX_SIDE = 1800


def read(data: bytes) -> Document:
    """An image file: every frame (a TIFF may hold several pages) read as a page."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():  # its size is judged below, before it is decoded
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except Exception as e:  # Pillow raises what the damage makes it raise
        raise Unreadable(f"the image cannot be opened ({e})") from None
    frames = getattr(image, "n_frames", 1)
    read: list[pages.Page] = []
    note = ""
    for i in range(min(frames, MAX_PAGES)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image.seek(i)
                check(*image.size)
                frame = ImageOps.exif_transpose(image.convert("RGB"))  # a phone's sideways photo
        except Exception as e:  # a frame too large or damaged: those before it still count
            reason = str(e) if isinstance(e, Unreadable) else f"it cannot be decoded ({e})"
            if not read:
                raise Unreadable(f"the image: {reason}") from None
            note = f"page {i + 1} of the image was not read ({reason}); the pages before it were"
            break
        read.append(page(_array(frame)))
    doc = Document(pages.join(read), "image", meta={"ocr": f"{len(read)} pages"})
    if frames > MAX_PAGES:
        note = f"the image holds {frames} pages; the first {MAX_PAGES} were read"
    if note:
        doc.meta["truncated"] = note
    if not doc.text().strip():
        raise Unreadable("OCR found no text in the image")
    return doc


def check(width: float, height: float) -> None:
    """A page's size is a page's: not a bomb, not a strip OCR would blow up to gigabytes."""
    if width * height > MAX_PIXELS:
        raise Unreadable(
            f"the image is {width:.0f}×{height:.0f} pixels, over the {MAX_PIXELS} limit"
        )
    if min(width, height) < _MIN_SIDE or max(width, height) > _MAX_RATIO * min(width, height):
        raise Unreadable(f"the image is {width:.0f}×{height:.0f} pixels: not the shape of a page")


def _array(frame: Any) -> Any:
    import numpy

    if max(frame.size) > MAX_SIDE:
        frame.thumbnail((MAX_SIDE, MAX_SIDE))
    return numpy.asarray(frame)


def page(image: Any) -> pages.Page:
    """One page image (an RGB array): straightened, its tables from its strokes, its text by
    OCR."""
    height, width = image.shape[:2]  # its size was checked before it was decoded or drawn
    if max(height, width) > MAX_SIDE * 1.25:
        image = _shrink(image)
        height, width = image.shape[:2]
    image = deskew(image)
    words = recognise(image)
    tolerance = max(4.0, width / 300)
    return pages.laid_out(words, grid.tables(strokes(image), tolerance), tolerance, scanned=True)


def deskew(image: Any) -> Any:
    """The page turned level. A scan fed in a degree askew breaks its rules into steps no
    rule-finder joins, and OCR's lines run across cells. The angle is the one (within ±3°, to a
    tenth) at which the rows of ink are sharpest: text lines and rules, level, make the
    darkest and emptiest rows."""
    import cv2
    import numpy

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    scale = 800 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(numpy.float32)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        turn = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rows = cv2.warpAffine(ink, turn, ink.shape[::-1]).sum(axis=1)
        return float(numpy.square(numpy.diff(rows)).sum())

    angle = max(numpy.arange(-3.0, 3.05, 0.1), key=sharpness)
    if abs(angle) < 0.05:
        return image
    turn = cv2.getRotationMatrix2D((image.shape[1] / 2, image.shape[0] / 2), float(angle), 1.0)
    return cv2.warpAffine(
        image,
        turn,
        (image.shape[1], image.shape[0]),
        flags=cv2.INTER_LINEAR,
        borderValue=(255, 255, 255),
    )


def _shrink(image: Any) -> Any:
    import cv2

    height, width = image.shape[:2]
    scale = MAX_SIDE / max(height, width)
    return cv2.resize(
        image, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA
    )


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # Text read with little confidence is kept (and flagged), not dropped as RapidOCR's default
    # 0.5 would: a figure dropped would read as a blank cell.
    engine = RapidOCR(text_score=_KEPT)
    _least_sure(engine.text_rec.postprocess_op)
    return engine


def _least_sure(decoder: Any) -> None:
    """A line's confidence made its least sure character's. RapidOCR gives the mean: one
    doubtful digit among six sure ones would pass as sure."""
    mean = decoder.decode

    def decode(
        index: Any, prob: Any = None, word_box: bool = False, is_remove_duplicate: bool = False
    ) -> list[tuple[Any, ...]]:
        lines = mean(index, prob, True, is_remove_duplicate)  # with each character's confidence
        if word_box:
            return lines
        return [(text, float(min(extra[4]))) for text, _, extra in lines]

    decoder.decode = decode


def recognise(image: Any) -> list[pages.Word]:
    """Text lines of an RGB page, with boxes and confidences."""
    # Upright pages: the classifier that turns upside-down lines costs a sixth of the time.
    # RapidOCR takes OpenCV's channel order (BGR).
    found, _ = _engine()(image[:, :, ::-1].copy(), use_cls=False)
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
