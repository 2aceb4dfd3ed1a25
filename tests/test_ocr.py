"""Scans: images and image-only PDFs read by a real OCR engine (RapidOCR), tables from the lines
in the image, every figure with its confidence, a doubtful one flagged, never taken as read."""

from __future__ import annotations

import io
import json
import struct
import time
import zlib

import pytest
from PIL import Image

from extract import extract, report
from extract.model import Recognised, Table
from extract.readers import Unreadable, ocr, text
from tests.conftest import FIXTURES

FORMATS = FIXTURES / "formats"
EXPECTED = json.loads((FIXTURES / "reports" / "expected" / "huaian-city-2024.json").read_text())
REVIEW = [v for k, v in EXPECTED["cells"].items() if k.startswith("review_litigation.")]


def figures_of_table_four(data: bytes, whole: bool = True) -> list[Recognised]:
    """The row of table 四's 15 figures (`whole`: every one of them read)."""
    doc = ocr.read(data)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    (row,) = [
        r
        for t in tables
        for r in t.rows
        if len(r) == 15 and all(c.isdigit() or (not whole and not c) for c in r) and any(r)
    ]
    assert all(isinstance(c, Recognised) and 0 < c.confidence <= 1 for c in row if c)
    return row


@pytest.mark.slow
def test_a_jpeg_photo_of_table_four_gives_its_fifteen_figures() -> None:
    row = figures_of_table_four((FORMATS / "huaian-city-2024.review.jpg").read_bytes())
    assert [int(c) for c in row] == REVIEW


def test_a_png_of_table_four_gives_its_fifteen_figures() -> None:
    row = figures_of_table_four((FORMATS / "huaian-city-2024.review.png").read_bytes())
    assert [int(c) for c in row] == REVIEW


@pytest.mark.slow
@pytest.mark.parametrize("degrees", [1.5, -2.5])
def test_a_scan_fed_askew_is_turned_level_and_misreads_nothing_silently(degrees: float) -> None:
    page = Image.open(FORMATS / "huaian-city-2024.review.png")
    out = io.BytesIO()
    page.rotate(degrees, expand=True, fillcolor=255).save(out, "PNG")
    row = figures_of_table_four(out.getvalue(), whole=False)
    right = [c == str(want) for c, want in zip(row, REVIEW, strict=True)]
    doubted = [not c or c.confidence < ocr.SURE for c in row]
    assert sum(right) >= 13
    assert all(r or d for r, d in zip(right, doubted, strict=True))  # a wrong one is doubted


def test_a_figure_read_with_doubt_is_flagged_and_its_confidence_kept() -> None:
    doc = text.read((FIXTURES / "reports" / "huaian-city-2024.txt").read_text())
    for block in doc.blocks:  # as OCR would give it: every cell with its confidence
        if isinstance(block, Table):
            block.rows = [[Recognised(c, 0.99) for c in row] for row in block.rows]
    row = next(
        r for b in doc.blocks if isinstance(b, Table) for r in b.rows if "（一）予以公开" in r
    )
    row[-1] = Recognised(row[-1], 0.62)
    got = report.from_document(doc)
    (warning,) = [w for w in got.warnings if w.code == "ocr_uncertain"]
    assert warning.keys == ["applications.granted.total"]
    assert "1362" in warning.detail and "0.62" in warning.detail
    assert got.confidence["applications.granted.total"] == 0.62
    assert got.confidence["applications.new_received.total"] == 0.99
    assert got.as_dict()["confidence"] == got.confidence


def test_a_document_with_text_has_no_confidences() -> None:
    got = extract((FIXTURES / "reports" / "huaian-city-2024.pdf").read_bytes())
    assert got.confidence == {} and "confidence" not in got.as_dict()


def test_a_blank_scanned_page_is_unreadable_because_ocr_found_no_text() -> None:
    got = extract((FORMATS / "bad" / "blank-page.png").read_bytes())
    assert (got.format, [w.detail for w in got.warnings if w.code == "unreadable"]) == (
        "image",
        ["OCR found no text in the image"],
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims to be width × height pixels: its header, one empty data chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))


@pytest.mark.parametrize("side", [12_000, 100_000])
def test_an_image_too_large_to_be_a_page_is_refused_before_it_is_decoded(side: int) -> None:
    start = time.monotonic()
    with pytest.raises(Unreadable, match=r"pixels|cannot be opened"):
        ocr.read(png_header(side, side))
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("size", [(1800, 1), (1800, 4), (4000, 300)])
def test_an_image_not_the_shape_of_a_page_is_refused_before_ocr(size: tuple[int, int]) -> None:
    out = io.BytesIO()
    Image.new("L", size, 255).save(out, "PNG")
    start = time.monotonic()
    with pytest.raises(Unreadable, match="not the shape of a page"):
        ocr.read(out.getvalue())
    assert time.monotonic() - start < 2


def test_every_page_of_a_tiff_is_checked_before_it_is_decoded() -> None:
    out = io.BytesIO()
    page = Image.open(FORMATS / "huaian-city-2024.review.png").convert("1")
    huge = Image.new("1", (12_000, 12_000), 1)
    page.save(out, "TIFF", save_all=True, append_images=[huge], compression="group4")
    doc = ocr.read(out.getvalue())
    assert "page 2 of the image was not read" in doc.meta["truncated"]
    assert "over the 80000000 limit" in doc.meta["truncated"]


def test_a_damaged_image_is_unreadable_with_the_reason() -> None:
    data = (FORMATS / "huaian-city-2024.review.png").read_bytes()
    with pytest.raises(Unreadable, match="image"):
        ocr.read(data[:2000])


def test_only_the_first_pages_of_a_long_scan_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "MAX_PAGES", 1)
    page = Image.open(FORMATS / "huaian-city-2024.review.png")
    out = io.BytesIO()
    page.save(out, "TIFF", save_all=True, append_images=[page])
    doc = ocr.read(out.getvalue())
    assert doc.meta["truncated"] == "the image holds 2 pages; the first 1 were read"
