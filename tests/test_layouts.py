"""The same real report in every layout a text export or a page may use gives the same cells:
each real text report, re-rendered with one cell per line, one row per line, as a markdown
table and as an HTML table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extract import extract
from extract.model import Block, Paragraph, Table
from extract.readers import text as text_reader
from tests.conftest import golden_corpus, load_expected


def cell_lines(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        lines += [b.text] if isinstance(b, Paragraph) else [c for r in b.rows for c in r if c]
    return "\n".join(lines)


def row_lines(blocks: list[Block]) -> str:
    return "\n".join(
        line
        for b in blocks
        for line in (
            [b.text] if isinstance(b, Paragraph) else [" ".join(c for c in r if c) for r in b.rows]
        )
    )


def markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
            continue
        width = max(len(r) for r in b.rows)
        for i, row in enumerate(b.rows):
            lines.append("| " + " | ".join(row + [""] * (width - len(row))) + " |")
            if i == 0:
                lines.append("|" + "---|" * width)
        lines.append("")
    return "\n".join(lines)


def html_tables(blocks: list[Block]) -> str:
    parts = ["<html><body>"]
    for b in blocks:
        if isinstance(b, Table):
            rows = ("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in b.rows)
            parts.append("<table>" + "".join(rows) + "</table>")
        else:
            parts.append(f"<p>{b.text}</p>")
    return "".join(parts)


LAYOUTS: dict[str, Callable[[list[Block]], str]] = {
    "cell-per-line": cell_lines,
    "row-per-line": row_lines,
    "markdown": markdown,
    "html": html_tables,
}
TEXT_REPORTS = [(d, e) for d, e in golden_corpus() if d.suffix == ".txt"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("doc,expected", TEXT_REPORTS, ids=lambda p: p.stem[:12])
def test_every_layout_of_a_real_report_gives_its_cells(
    doc: Path, expected: Path, layout: str
) -> None:
    blocks = text_reader.read(doc.read_text(encoding="utf-8")).blocks
    rendered = LAYOUTS[layout](blocks).encode("utf-8")
    want = load_expected(expected)
    report = extract(rendered)
    assert report.cells == want["cells"]
    assert (report.year, report.template) == (want["year"], want["template"])
