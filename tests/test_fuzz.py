"""Any bytes at all give a report, never an exception, in bounded time: 1,200 mutations of the
real documents we hold, text, HTML, PDF (WPS's and LibreOffice's), DOCX, XLSX and OFD (byte
flips, cuts, splices, re-encodings, tag soup, a package's XML broken inside a sound zip)."""

from __future__ import annotations

import io
import random
import time
import zipfile
from collections.abc import Callable

import pytest

from extract import extract, schema
from tests.conftest import FIXTURES

DOCS = [p.read_bytes() for p in sorted(FIXTURES.glob("seeds/*.txt"))]
DOCS += [p.read_bytes() for p in sorted(FIXTURES.glob("reports/*.html"))]
DOCS += [p.read_bytes() for p in sorted(FIXTURES.glob("html/*.html"))]
DOCS += [p.read_bytes() for p in sorted(FIXTURES.glob("reports/*.pdf"))]
DOCS += [(FIXTURES / "formats" / "shuyang-gov-2025.pdf").read_bytes()]  # LibreOffice's print
DOCS += [(FIXTURES / "formats" / "shuyang-gov-2025.ofd").read_bytes()]
DOCS += [p.read_bytes() for p in sorted(FIXTURES.glob("formats/*.docx"))]
DOCS += [p.read_bytes() for p in sorted(FIXTURES.glob("formats/*.xlsx"))]
SECONDS_PER_DOCUMENT = 5.0


def flip(r: random.Random, d: bytes) -> bytes:
    b = bytearray(d)
    for _ in range(r.randint(1, 50)):
        b[r.randrange(len(b))] = r.randrange(256)
    return bytes(b)


def cut(r: random.Random, d: bytes) -> bytes:
    return d[: r.randrange(len(d))]


def splice(r: random.Random, d: bytes) -> bytes:
    other = r.choice(DOCS)
    i, j = r.randrange(len(d)), r.randrange(len(other))
    return d[:i] + other[j : j + r.randint(1, 5000)] + d[i:]


def drop(r: random.Random, d: bytes) -> bytes:
    i = r.randrange(len(d))
    return d[:i] + d[i + r.randint(1, 20000) :]


def reencode(r: random.Random, d: bytes) -> bytes:
    text = d.decode("utf-8", "replace")
    return text.encode(r.choice(["gb18030", "big5", "utf-16", "gbk"]), "replace")


def tags(r: random.Random, d: bytes) -> bytes:
    soup = r.choice(
        [
            b"<table>",
            b"</td>",
            b"<tr>",
            b"<td rowspan=99999>",
            b"<div>" * 3000,
            b"<td colspan=-3>",
            b"\x00",
            b"</table></table>",
            b"<![CDATA[",
            b"|||",
        ]
    )
    i = r.randrange(len(d))
    return d[:i] + soup * r.randint(1, 20) + d[i:]


def digits(r: random.Random, d: bytes) -> bytes:
    text = d.decode("utf-8", "replace")
    return "".join(
        str(r.randrange(10)) if c.isdigit() and r.random() < 0.3 else c for c in text
    ).encode()


def inside(r: random.Random, d: bytes) -> bytes:
    """A zip (DOCX) whose largest member is mutated and zipped again: a broken document in a
    sound package."""
    try:
        with zipfile.ZipFile(io.BytesIO(d)) as src:
            members = {i.filename: src.read(i) for i in src.infolist()}
    except Exception:  # not a sound zip (any more): zipfile raises what its damage makes it
        return d
    name = max(members, key=lambda n: len(members[n]))
    members[name] = r.choice([flip, cut, drop, tags, digits])(r, members[name]) or b" "
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, data in members.items():
            dst.writestr(n, data)
    return out.getvalue()


MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    inside,
    flip,
    cut,
    splice,
    drop,
    reencode,
    tags,
    digits,
]


def mutants(count: int, seed: int) -> list[bytes]:
    r = random.Random(seed)
    out = []
    for _ in range(count):
        doc = r.choice(DOCS)
        for _ in range(r.randint(1, 3)):
            doc = r.choice(MUTATIONS)(r, doc) or b" "
        out.append(doc)
    return out


def check_one(data: bytes) -> None:
    start = time.perf_counter()
    report = extract(data)
    assert time.perf_counter() - start < SECONDS_PER_DOCUMENT
    if report.template in schema.TEMPLATES:
        assert set(report.cells) == set(schema.keys_of(report.template))
    assert all(v is None or isinstance(v, int | float) for v in report.cells.values())
    assert all(w.code and w.detail for w in report.warnings)


def test_a_hundred_mutated_documents_give_reports() -> None:
    for data in mutants(100, seed=7):
        check_one(data)


@pytest.mark.slow
def test_twelve_hundred_mutated_documents_give_reports() -> None:
    for data in mutants(1200, seed=2026):
        check_one(data)
