"""DOC, WPS and XLS (OLE compound files): told apart by their bytes, converted by a real
LibreOffice within a time limit, read as DOCX or XLSX."""

from __future__ import annotations

import subprocess
import time

import pytest

from extract import extract
from extract.readers import Unreadable, ole
from tests.conftest import FIXTURES

DOC = FIXTURES / "formats" / "shucheng-2020.doc"
XLS = FIXTURES / "formats" / "shucheng-2020.xls"


def test_a_word_document_is_told_from_a_workbook_by_its_streams() -> None:
    assert ole.kind(DOC.read_bytes()) == "doc"
    assert ole.kind(XLS.read_bytes()) == "xls"


def test_a_doc_reads_as_its_docx_does_whatever_its_name() -> None:
    report = extract(DOC.read_bytes())
    assert (report.format, report.title) == ("doc", "舒城县人民政府2020年政府信息公开工作年度报告")
    assert report.cells["applications.new_received.total"] is not None


def test_without_libreoffice_a_doc_says_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ole.shutil, "which", lambda _: None)
    with pytest.raises(Unreadable, match="needs LibreOffice"):
        ole.read(DOC.read_bytes())


def test_a_conversion_that_takes_too_long_is_ended_with_its_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ole, "TIMEOUT_SECONDS", 0.3)
    start = time.monotonic()
    with pytest.raises(Unreadable, match=r"took over 0\.3 s"):
        ole.read(DOC.read_bytes())
    assert time.monotonic() - start < 5
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", "nianbao-soffice-"], capture_output=True, text=True)
    assert left.stdout == ""


def test_a_damaged_doc_is_a_clear_warning_in_bounded_time() -> None:
    damaged = DOC.read_bytes()[:4096]  # the header and directory of a Word file, no text
    start = time.monotonic()
    report = extract(damaged)
    assert time.monotonic() - start < ole.TIMEOUT_SECONDS
    assert report.warnings and all(w.detail for w in report.warnings)
    assert all(v is None for v in report.cells.values())


def test_a_callers_time_limit_ends_the_conversion_and_its_processes() -> None:
    from nianbao.batch import Timeout, time_limit

    with pytest.raises(Timeout), time_limit(0.3):
        ole.read(DOC.read_bytes())
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", "nianbao-soffice-"], capture_output=True, text=True)
    assert left.stdout == ""
