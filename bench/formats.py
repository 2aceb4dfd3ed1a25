"""Seconds per report in each format the extractor reads, on the real reports of the golden
corpus (the same reports as HTML, text, DOCX, XLSX, DOC, XLS, PDF, OFD and scans; the real
PDF), with baselines measured in the same run:

- text PDFs: extraction ÷ a bare pypdfium2 text pass over the same file (goal ≤ 2×), and the
  PDF reader alone (bytes to text and tables, before mapping) ÷ the same pass;
- DOCX and XLSX: extraction ÷ opening the package with python-docx / openpyxl alone;
- DOC and XLS: extraction ÷ LibreOffice's conversion alone;
- OFD: extraction ÷ parsing every XML part of the package with lxml;
- scans (image-only PDF, PNG, JPEG): extraction ÷ RapidOCR alone over the same page images
  (one round: OCR takes seconds a page);
- peak RSS of the process after all of it.

Run: .venv/bin/python bench/formats.py [--rounds N] [--only pdf docx …]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

# Keep this script's folder off the import path, as the other benches do.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import docx  # noqa: E402
import lxml.etree  # noqa: E402
import numpy  # noqa: E402
import openpyxl  # noqa: E402
import pypdfium2  # noqa: E402
from PIL import Image  # noqa: E402

from extract import extract  # noqa: E402
from extract.readers import ocr, ole  # noqa: E402
from extract.readers import pdf as pdf_reader  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired(
    fn: Callable[[], object], base: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """Median seconds of each, taken in alternate rounds: a busy spell of a shared machine
    then slows both rather than one."""
    times: list[tuple[float, float]] = [(timed(fn), timed(base)) for _ in range(rounds)]
    return statistics.median(t for t, _ in times), statistics.median(b for _, b in times)


def pdfium_text(data: bytes) -> str:
    """The bare pass: every page's text layer, nothing else."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    finally:
        pdf.close()


def ofd_parts(data: bytes) -> list[object]:
    """The bare pass: every XML part of the package parsed."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        return [lxml.etree.fromstring(package.read(n)) for n in package.namelist()]


def bare_ocr_pdf(data: bytes) -> list[object]:
    """The bare pass: each page rendered as the reader renders it, then RapidOCR on it."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return [ocr.recognise(pdf_reader.render(pdf[i])) for i in range(len(pdf))]
    finally:
        pdf.close()


def bare_ocr_image(data: bytes) -> list[object]:
    return ocr.recognise(numpy.asarray(Image.open(BytesIO(data)).convert("RGB")))


def documents() -> dict[str, list[bytes]]:
    index = json.loads((FIXTURES / "formats" / "index.json").read_text(encoding="utf-8"))
    by_format: dict[str, list[bytes]] = {
        "html": [
            p.read_bytes()
            for p in sorted(FIXTURES.glob("reports/*.html")) + sorted(FIXTURES.glob("html/*.html"))
        ],
        "text": [p.read_bytes() for p in sorted(FIXTURES.glob("seeds/*.txt"))],
        "pdf": [p.read_bytes() for p in sorted(FIXTURES.glob("reports/*.pdf"))],
    }
    for name in sorted(index):
        kind = name.split(".", 1)[1]
        by_format.setdefault(kind, []).append((FIXTURES / "formats" / name).read_bytes())
    for image in sorted(FIXTURES.glob("formats/*.review.*")):  # the page of table 四
        kind = image.suffix.lstrip(".")
        by_format.setdefault(kind, []).append(image.read_bytes())
    return by_format


BASELINES: dict[str, tuple[str, Callable[[bytes], object]]] = {
    "pdf": ("a bare pypdfium2 text pass", pdfium_text),
    "docx": ("python-docx opening it", lambda d: docx.Document(BytesIO(d))),
    "xlsx": ("openpyxl loading it", lambda d: openpyxl.load_workbook(BytesIO(d), data_only=True)),
    "doc": ("LibreOffice converting it", lambda d: ole.convert(d, "doc", "docx")),
    "xls": ("LibreOffice converting it", lambda d: ole.convert(d, "xls", "xlsx")),
    "ofd": ("lxml parsing its parts", ofd_parts),
    "scan.pdf": ("RapidOCR alone on its pages", bare_ocr_pdf),
    "png": ("RapidOCR alone on it", bare_ocr_image),
    "jpg": ("RapidOCR alone on it", bare_ocr_image),
}
GOALS = {"pdf": 2.0}
# The reader alone (bytes to blocks, before mapping), beside the whole extraction.
READERS: dict[str, Callable[[bytes], object]] = {"pdf": pdf_reader.read}
# Formats read by OCR: one round each.
SLOW = {"scan.pdf", "png", "jpg"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", nargs="+", metavar="FORMAT", help="These formats alone.")
    args = parser.parse_args()
    by_format = documents()
    warm = by_format["html"][0]
    if args.only:
        by_format = {k: v for k, v in by_format.items() if k in args.only}
    extract(warm)  # gazetteer and label tables loaded once, outside timing
    ocr.recognise(numpy.zeros((64, 64, 3), numpy.uint8))  # OCR's models loaded outside timing
    print(f"{'format':8} {'docs':>4} {'ms/report':>10}  baseline (same files, same run)")
    for kind, docs in by_format.items():
        rounds = 1 if kind in SLOW else args.rounds
        label, base = BASELINES.get(kind, ("", lambda d: None))
        runs = [(kind, extract)]
        if kind in READERS:
            runs.append((f"{kind} read", READERS[kind]))
        for name, fn in runs:
            took, bare = paired(
                lambda docs=docs, fn=fn: [fn(d) for d in docs],
                lambda docs=docs, base=base: [base(d) for d in docs],
                rounds,
            )
            line = f"{name:8} {len(docs):4} {1000 * took / len(docs):10.1f}"
            if kind in BASELINES:
                goal = f" (goal ≤ {GOALS[kind]:.0f}×)" if kind in GOALS else ""
                line += f"  {took / bare:5.2f}× {label}{goal}"
            print(line)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
