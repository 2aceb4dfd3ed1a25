"""PDF: ruled tables rebuilt from the lines a page draws, over page breaks; the text layer
between them read as text; what cannot be read said, in bounded time."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image

from extract import extract
from extract.model import Table
from extract.readers import Unreadable, grid, pdf
from tests.conftest import FIXTURES

# LibreOffice's prints of real reports (scripts/build_replica_reports.py): it writes the text
# layer row by row, so cells are known only from the page's lines.
PRINTED = FIXTURES / "formats" / "huaian-city-2024.pdf"
SPLIT = FIXTURES / "formats" / "jingyuan-shimen-2021.pdf"


def rows(path: Path) -> list[list[str]]:
    doc = pdf.read(path.read_bytes())
    return [row for b in doc.blocks if isinstance(b, Table) for row in b.rows]


def test_a_ruled_table_is_rebuilt_from_the_lines_the_page_draws() -> None:
    (row,) = [r for r in rows(PRINTED) if r and r[0] == "一、本年新收政府信息公开申请数量"]
    assert [c for c in row if c != row[0]] == ["3001", "53", "0", "0", "61", "4", "3119"]


def test_a_table_over_several_pages_keeps_its_header_rows_once() -> None:
    headers = [r for r in rows(SPLIT) if "申请人情况" in r]
    assert len(headers) == 1


def test_a_row_a_page_break_cuts_is_joined_again() -> None:
    labels = {c for r in rows(SPLIT) for c in r}
    assert "3.补正后申请内容仍不明确" in labels
    assert "明确" not in labels


def test_the_cells_of_a_merged_header_span_the_columns_below_them() -> None:
    # Two rows over three columns: the top row one cell across all three.
    lines = [
        (0, 0, 300, 1),
        (0, 50, 300, 51),
        (0, 100, 300, 101),
        (0, 0, 1, 100),
        (100, 50, 101, 100),
        (200, 50, 201, 100),
        (299, 0, 300, 100),
    ]
    (table,) = grid.tables(lines, 2)
    raw = grid.raw_table(table, lambda box: f"{box[0]:.0f}-{box[2]:.0f}", 2)
    assert raw.rows == [0, 1, 1, 1]
    assert raw.spans == [(1, 3), (1, 1), (1, 1), (1, 1)]
    assert raw.texts[0] == "0-300"


def test_a_pdf_writer_that_fills_the_text_layer_cell_by_cell_reads_the_same() -> None:
    # WPS's real PDF (tests/fixtures/reports) and LibreOffice's print of the same report.
    real = extract((FIXTURES / "reports" / "huaian-city-2024.pdf").read_bytes())
    printed = extract(PRINTED.read_bytes())
    assert real.cells == printed.cells


def test_an_encrypted_pdf_is_unreadable_with_the_reason() -> None:
    encrypted = (FIXTURES / "formats" / "bad" / "encrypted.pdf").read_bytes()
    (warning,) = [w for w in extract(encrypted).warnings if w.code == "unreadable"]
    assert "encrypted" in warning.detail


def page_tree(count: int) -> bytes:
    """A PDF whose page tree lists one page `count` times: a page-count bomb, 1 KB."""
    kids = b" ".join(b"3 0 R" for _ in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_a_pdf_of_a_million_pages_is_refused_by_its_page_count_in_bounded_time() -> None:
    start = time.monotonic()
    with pytest.raises(Unreadable, match="over the 300-page limit"):
        pdf.read(page_tree(1_000_000))
    assert time.monotonic() - start < 10


def test_a_pdf_of_blank_pages_is_unreadable_without_being_sent_to_ocr() -> None:
    start = time.monotonic()
    (warning,) = [w for w in extract(page_tree(3)).warnings if w.code == "unreadable"]
    assert warning.detail == "the PDF's pages hold no text and no scanned image: it is blank"
    assert time.monotonic() - start < 1


@pytest.mark.slow
def test_a_scanned_page_of_a_huge_size_is_read_at_a_page_s_resolution() -> None:
    # The review page saved as a PDF at 8 dpi: a page of 155 × 219 inches.
    page = Image.open(FIXTURES / "formats" / "huaian-city-2024.review.png")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=8)
    start = time.monotonic()
    doc = pdf.read(out.getvalue())
    assert time.monotonic() - start < 30
    assert "行政复议" in doc.text() and doc.meta["ocr"] == "1 pages"
