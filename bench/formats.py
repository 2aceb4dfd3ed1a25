"""Seconds per report in each format the extractor reads, on the real reports of the golden
corpus (the same reports as HTML, text, DOCX and XLSX; the real PDFs), with baselines measured
in the same run:

- text PDFs: extraction ÷ a bare pypdfium2 text pass over the same file (goal ≤ 2×);
- DOCX and XLSX: extraction ÷ opening the package with python-docx / openpyxl alone;
- DOC and XLS: extraction ÷ LibreOffice's conversion alone;
- peak RSS of the process after all of it.

Run: .venv/bin/python bench/formats.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

# Keep this script's folder off the import path, as the other benches do.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import docx  # noqa: E402
import openpyxl  # noqa: E402
import pypdfium2  # noqa: E402

from extract import extract  # noqa: E402
from extract.readers import ole  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def median_time(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pdfium_text(data: bytes) -> str:
    """The bare pass: every page's text layer, nothing else."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    finally:
        pdf.close()


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
        kind = name.rsplit(".", 1)[1]
        by_format.setdefault(kind, []).append((FIXTURES / "formats" / name).read_bytes())
    return by_format


BASELINES: dict[str, tuple[str, Callable[[bytes], object]]] = {
    "pdf": ("a bare pypdfium2 text pass", pdfium_text),
    "docx": ("python-docx opening it", lambda d: docx.Document(BytesIO(d))),
    "xlsx": ("openpyxl loading it", lambda d: openpyxl.load_workbook(BytesIO(d), data_only=True)),
    "doc": ("LibreOffice converting it", lambda d: ole.convert(d, "doc", "docx")),
    "xls": ("LibreOffice converting it", lambda d: ole.convert(d, "xls", "xlsx")),
}
GOALS = {"pdf": 2.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    by_format = documents()
    extract(by_format["html"][0])  # gazetteer and label tables loaded once, outside timing
    print(f"{'format':6} {'docs':>4} {'ms/report':>10}  baseline (same files, same run)")
    for kind, docs in by_format.items():
        took = median_time(lambda docs=docs: [extract(d) for d in docs], args.rounds)
        line = f"{kind:6} {len(docs):4} {1000 * took / len(docs):10.1f}"
        if kind in BASELINES:
            label, base = BASELINES[kind]
            bare = median_time(lambda docs=docs, base=base: [base(d) for d in docs], args.rounds)
            goal = f" (goal ≤ {GOALS[kind]:.0f}×)" if kind in GOALS else ""
            line += f"  {took / bare:5.2f}× {label}{goal}"
        print(line)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
