"""OFD (China's fixed-layout format): its text objects and rules laid out as a PDF's page is;
what cannot be read is said."""

from __future__ import annotations

import io
import zipfile

import pytest

from extract import extract
from extract.readers import Unreadable, ofd
from tests.conftest import FIXTURES

OFD = FIXTURES / "formats" / "jingyuan-shimen-2021.ofd"


def rezipped(changes: dict[str, bytes | None]) -> bytes:
    """The fixture OFD with some parts replaced (None: removed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(OFD) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name not in changes:
                dst.writestr(name, src.read(name))
        for name, data in changes.items():
            if data is not None:
                dst.writestr(name, data)
    return out.getvalue()


def test_an_ofd_reads_as_the_pdf_it_was_converted_from() -> None:
    got = extract(OFD.read_bytes())
    printed = extract((FIXTURES / "formats" / "jingyuan-shimen-2021.pdf").read_bytes())
    assert (got.format, got.title, got.agency) == ("ofd", printed.title, printed.agency)
    assert got.cells == printed.cells


def test_an_ofd_is_known_by_its_contents_not_its_name() -> None:
    assert extract(OFD.read_bytes(), "application/zip").format == "ofd"


def test_an_ofd_whose_pages_are_images_says_it_is_a_scan() -> None:
    blank = (
        b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">'
        b'<ofd:ImageObject ID="2" Boundary="0 0 210 297" ResourceID="9"/>'
        b"</ofd:Layer></ofd:Content></ofd:Page>"
    )
    with zipfile.ZipFile(OFD) as src:
        pages = [n for n in src.namelist() if n.endswith("Content.xml")]
    with pytest.raises(Unreadable, match="no text objects"):
        ofd.read(rezipped(dict.fromkeys(pages, blank)))


def test_an_ofd_with_a_broken_page_says_which_part() -> None:
    with pytest.raises(Unreadable, match=r"Page_0/Content\.xml is not well-formed"):
        ofd.read(rezipped({"Doc_0/Pages/Page_0/Content.xml": b"<ofd:Page><unclosed>"}))


def test_an_ofd_missing_its_document_says_so() -> None:
    with pytest.raises(Unreadable, match=r"lacks its part Doc_0/Document\.xml"):
        ofd.read(rezipped({"Doc_0/Document.xml": None}))


def test_an_ofd_that_unzips_past_its_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ofd, "MAX_UNZIPPED", 10_000)
    with pytest.raises(Unreadable, match="over the 10000-byte limit"):
        ofd.read(OFD.read_bytes())
