"""The golden corpus: every real report we hold, scored cell by cell against its expected
extraction; CI fails below the recorded floor."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from extract import extract
from extract.model import Report
from tests.conftest import golden_corpus, load_expected

FLOOR = json.loads((Path(__file__).parent / "golden_floor.json").read_text())
META_FIELDS = ("title", "year", "template", "agency")
REGION_FIELDS = ("province", "city", "county", "township")


@functools.cache
def extracted(doc: Path) -> Report:
    """Each document read once for all the tests here (a DOC or XLS is converted by
    LibreOffice, seconds each)."""
    return extract(doc.read_bytes())


def score(doc: Path, expected_path: Path) -> tuple[int, int, int, int, list[str]]:
    expected = load_expected(expected_path)
    got = extracted(doc)
    wrong = [
        k
        for k, v in expected["cells"].items()
        if k not in got.cells or got.cells[k] != v or (v is None) != (got.cells[k] is None)
    ]
    wrong += [f"extra cell {k}" for k in got.cells if k not in expected["cells"]]
    meta_wrong = [f for f in META_FIELDS if getattr(got, f) != expected[f]]
    meta_wrong += [
        f"region.{f}" for f in REGION_FIELDS if getattr(got.region, f) != expected["region"][f]
    ]
    cells_total = len(expected["cells"])
    meta_total = len(META_FIELDS) + len(REGION_FIELDS)
    return (
        cells_total - len([w for w in wrong if not w.startswith("extra")]),
        cells_total,
        meta_total - len(meta_wrong),
        meta_total,
        wrong + meta_wrong,
    )


def is_scan(doc: Path) -> bool:
    return doc.name.endswith(".scan.pdf")


# Scans are read by OCR, half a minute each: in the full run only.
CORPUS = [
    pytest.param(doc, expected, id=doc.name, marks=[pytest.mark.slow] if is_scan(doc) else [])
    for doc, expected in golden_corpus()
]
# OCR may misread a figure, but never silently: this share of a scan's cells is right, and
# every wrong one is flagged in `ocr_uncertain`.
SCAN_FLOOR = 0.99


@pytest.mark.parametrize("doc,expected", CORPUS)
def test_golden_report_matches_its_expected_extraction(doc: Path, expected: Path) -> None:
    cells_ok, cells_total, meta_ok, meta_total, wrong = score(doc, expected)
    said = f"{doc.name}: {cells_ok}/{cells_total} cells, {meta_ok}/{meta_total} meta"
    if is_scan(doc):
        flagged = {
            k for w in extracted(doc).warnings if w.code == "ocr_uncertain" for k in w.keys or []
        }
        assert cells_ok / cells_total >= SCAN_FLOOR, said
        assert [w for w in wrong if w not in flagged] == [], said
    else:
        assert wrong == [], said


# A rendering (tests/fixtures/formats) prints the report's names as corrected, not its typos.
ORIGINALS = [(d, e) for d, e in golden_corpus() if d.parent.name != "formats"]


@pytest.mark.parametrize("doc,expected", ORIGINALS, ids=lambda p: p.name)
def test_golden_report_raises_the_warnings_its_expected_file_lists(
    doc: Path, expected: Path
) -> None:
    wanted = load_expected(expected).get("warnings", [])
    got = extracted(doc).warnings
    for w in wanted:
        assert any(g.code == w["code"] and g.table == w.get("table", g.table) for g in got), w


@pytest.mark.parametrize("doc,expected", CORPUS)
def test_golden_report_units_match(doc: Path, expected: Path) -> None:
    assert extracted(doc).units == load_expected(expected)["units"]


def test_golden_corpus_scores_at_or_above_its_floor() -> None:
    totals = [0, 0, 0, 0]
    for doc, expected in [(d, e) for d, e in golden_corpus() if not is_scan(d)]:
        for i, n in enumerate(score(doc, expected)[:4]):
            totals[i] += n
    cells, metadata = totals[0] / totals[1], totals[2] / totals[3]
    print(f"golden corpus: cells {totals[0]}/{totals[1]}, metadata {totals[2]}/{totals[3]}")
    assert cells >= FLOOR["cells"]
    assert metadata >= FLOOR["metadata"]
