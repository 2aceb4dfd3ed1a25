"""The old binary Office formats (DOC, WPS, XLS: OLE compound files) → DOCX or XLSX through
LibreOffice, headless, then the reader of that format. The conversion runs in its own process
with its own throwaway profile and a time limit: a document LibreOffice hangs on costs that
long, and the rest of the batch goes on.

Which one a file is comes from its bytes (the stream a compound file holds: Word's or Excel's),
never from its name: a `.wps` is usually a Word document, sometimes a DOCX or a zip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extract.model import Document
from extract.readers import Unreadable, docx, xlsx

# LibreOffice converts a report in two or three seconds; past this it is stuck.
TIMEOUT_SECONDS = 60
# Stream names, as a compound file's directory spells them (UTF-16LE).
_WORD = "WordDocument".encode("utf-16-le")
_EXCEL = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def kind(data: bytes) -> str | None:
    """`doc` (Word, WPS), `xls` (Excel, ET), or None for another compound file."""
    if _WORD in data:
        return "doc"
    if any(name in data for name in _EXCEL):
        return "xls"
    return None


def read(data: bytes) -> Document:
    found = kind(data)
    if found is None:
        raise Unreadable("an OLE compound file that is neither a Word nor an Excel document")
    target = "docx" if found == "doc" else "xlsx"
    converted = convert(data, found, target)
    doc = (docx.read if target == "docx" else xlsx.read)(converted)
    doc.format = found
    return doc


def convert(data: bytes, suffix: str, target: str, export: str | None = None) -> bytes:
    """The document converted by LibreOffice (`soffice --convert-to`), in a scratch folder;
    `export` is the export filter and its options (`writer_pdf_Export:{…}`)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise Unreadable(
            f"a {suffix.upper()} document needs LibreOffice to be read (Debian's"
            " libreoffice-writer-nogui and libreoffice-calc-nogui); it is not installed"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as scratch:
        folder = Path(scratch)
        source = folder / f"document.{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            f"{target}:{export}" if export else target,
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        # Its own process group: `soffice` is a script that starts soffice.bin, and a stuck
        # conversion is ended with every process it started.
        process = subprocess.Popen(
            command,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise Unreadable(
                f"LibreOffice took over {TIMEOUT_SECONDS} s converting the {suffix.upper()}"
            ) from None
        finally:  # on time out, or a caller's own time limit (nianbao.batch) cutting in
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        result = folder / "out" / f"document.{target}"
        if not result.exists():
            raise Unreadable(f"LibreOffice could not convert the {suffix.upper()}: it is damaged")
        return result.read_bytes()
