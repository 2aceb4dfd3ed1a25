"""Render every real report we hold into the article body a government portal would publish.

The replica portals (replicas/, served on 127.0.0.1) need report pages whose numbers are known
exactly, so that a crawl of them can be checked end to end. This script takes each real report in
tests/fixtures (its hand-checked expected JSON for the numbers, its real text for the prose) and
writes an HTML fragment shaped like a Word export pasted into a portal CMS: prose paragraphs, the
official tables (MsoNormalTable, merged header cells), closing prose and a signature. The tables
come from the fixture renderer tests/fixtures/html/build.py, imported, not copied. Each report
is also written as the DOCX an agency attaches (python-docx: merged cells, repeated header
rows, every other report's table 三 split by a page break) into tests/fixtures/formats, for the
golden corpus, and for the replicas that publish it as an attachment; and as XLSX, as the
DOC and XLS LibreOffice saves from those, as the PDF it prints from the DOCX, and as the OFD
an OFD converter makes of that PDF (text runs and rules where the PDF prints them). Two printed
reports are rasterised as a scanner returns them (an image-only PDF, and the page of table 四
as JPEG and PNG), for OCR. Nothing is random, so reruns give the same bytes (but for what
LibreOffice writes, which carries its save time).

After writing, every fragment (wrapped in a minimal page) and every DOCX is run through
extract() and compared with its expected JSON cell by cell; the script exits non-zero on any
mismatch.

Run: .venv/bin/python scripts/build_replica_reports.py
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
import lxml.etree
import lxml.html
import openpyxl
import pypdfium2
import pypdfium2.raw as pdfium_raw
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from extract import extract
from extract.readers import ole
from extract.readers import pdf as pdf_reader

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "replicas" / "data"
# Every report as a DOCX attachment, for the golden corpus (tests/fixtures/formats).
FORMATS = ROOT / "tests" / "fixtures" / "formats"
# The reports the replica portals publish as a DOCX attachment rather than on the page.
ATTACHED_DOCX = {"jingyuan-shimen-2021", "sanjiang-2020"}
# The office formats every report is rendered in, beside its HTML: the PDF is LibreOffice's print
# of the DOCX, the OFD that PDF as an OFD converter saves it.
OFFICE = ("docx", "xlsx", "doc", "xls", "pdf", "ofd")
# The report also saved as an encrypted PDF (bad input for the readers' tests).
ENCRYPTED_SLUG = "sanjiang-2020"
# Reports also rasterised into an image-only PDF, as a scanned attachment (OCR, tens of seconds).
SCANNED = ("huaian-city-2024", "jingyuan-shimen-2021")
# A scan's resolution: an office scanner's default for documents.
SCAN_DPI = 150
# A fixed date for the scans' PDF info, so that reruns give the same bytes.
SCAN_DATE = dt.datetime(2025, 1, 31, 9, 0, 0)
RENDERER = ROOT / "tests" / "fixtures" / "html" / "build.py"

# slug -> the real report (repo path); its expected JSON sits in expected/<stem>.json beside it.
SOURCES = {
    "shucheng-2020": "tests/fixtures/seeds/002_6aecb46b9b52e8b6.txt",
    "jinzhai-huashi-2020": "tests/fixtures/seeds/000_4d0d487dab0ad5cb.txt",
    "boai-xiaojing-2020": "tests/fixtures/seeds/001_72224a9d5305aabc.txt",
    "jingyuan-shimen-2021": "tests/fixtures/seeds/003_6ec675e0a26dcb8f.txt",
    "sanjiang-2020": "tests/fixtures/seeds/004_c7d460d051a2fe28.txt",
    "huaian-city-2024": "tests/fixtures/reports/huaian-city-2024.txt",
    "shuyang-fgj-2023": "tests/fixtures/reports/shuyang-fgj-2023.html",
    "shuyang-gov-2025": "tests/fixtures/reports/shuyang-gov-2025.txt",
}


def load_renderer() -> ModuleType:
    """tests/fixtures/html/build.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("fixture_html_build", RENDERER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


R = load_renderer()

# ---------------------------------------------------------------------------------------------
# The real document as a list of paragraphs
# ---------------------------------------------------------------------------------------------

BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"}
PAGE_NUMBER = re.compile(r"^[-—–]\s*\d+\s*[-—–]$")
# Where a new paragraph begins: 一、 （一） (1) 1. 1、 第… 一是…
HEAD_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[、．.]"
    r"|第[一二三四五六七八九十]+|[一二三四五六七八九十]是)"
)
END_PUNCT = tuple("。！？；：）)」”")
DATE = re.compile(r"^[（(]?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[）)]?$")


def html_lines(raw: str) -> list[str]:
    """A page's text, one line per block element, tables, scripts and styles left out."""
    doc = lxml.html.document_fromstring(raw)
    for el in doc.xpath("//table|//script|//style"):
        el.drop_tree()
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        el.text = re.sub(r"\s+", " ", el.text or "")
        el.tail = re.sub(r"\s+", " ", el.tail or "")
        if el.tag in BLOCK_TAGS:
            el.text = "\n" + el.text
            el.tail = "\n" + el.tail
    return doc.text_content().split("\n")


def text_lines(raw: str) -> list[str]:
    """A text export's lines without Word bookmarks, markdown heading marks or page numbers."""
    out = []
    for line in raw.splitlines():
        line = re.sub(r"\[bookmark: [^\]]*\]", "", line)
        line = re.sub(r"^#+\s+", "", line.strip())
        out.append(line)
    return out


def width(line: str) -> int:
    """Printed width: CJK characters count twice."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in line)


def paragraphs(lines: list[str]) -> list[str]:
    """Join the lines of one paragraph that a PDF's line wrap or a page break cut apart.

    A PDF text layer wraps every paragraph at the page width, so its long lines all have about
    the same width, and a line (nearly) that wide goes on into the next one. Otherwise, each line
    is a paragraph, unless a long line stops mid-sentence (an OCR page break). A line that opens
    like a heading or a numbered point never continues the line before it.
    """
    lines = [x.strip() for x in lines]
    lines = [x for x in lines if x and not PAGE_NUMBER.match(x)]
    widths = [width(x) for x in lines]
    long = sorted(w for w in widths if w >= 40)
    page = long[len(long) // 2] if long else 0
    wrapped = len(long) >= 10 and long[-1] <= 1.3 * page
    out: list[str] = []
    joining = False
    for line, w in zip(lines, widths, strict=True):
        if joining and not HEAD_START.match(line):
            out[-1] += line
        else:
            out.append(line)
        if wrapped:
            joining = w >= 0.85 * page
        else:
            joining = len(out[-1]) >= 40 and not out[-1].endswith(END_PUNCT)
    return out


@dataclass
class Prose:
    """The real report's paragraphs around its tables."""

    before: list[str]  # introduction and 一、总体情况 …
    headings: dict[str, str]  # table section (二, 三, 四) -> its heading as the report prints it
    after: list[str]  # 五、… 六、…
    date: dt.date | None  # the signature date (or the date line under the title)


def _find(paras: list[str], start: int, pattern: str, limit: int = 40) -> int:
    for i in range(start, len(paras)):
        if re.match(pattern, paras[i]) and len(paras[i]) <= limit:
            return i
    raise ValueError(f"no paragraph matches {pattern!r}")


def _date(text: str) -> dt.date | None:
    m = DATE.match(re.sub(r"\s+", "", text))
    return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None


def split_prose(paras: list[str]) -> Prose:
    """Cut the document at its section headings; what lies between 二 and 五 is table dump."""
    one = _find(paras, 0, r"^[一1]\s*、")
    start = one
    while start > 0 and paras[start - 1].endswith("。") and len(paras[start - 1]) >= 40:
        start -= 1  # the introduction paragraph(s) before 一、总体情况
    two = _find(paras, one + 1, r"^二、")
    three = _find(paras, two + 1, r"^三、")
    four = _find(paras, three + 1, r"^四、.*行政")
    try:
        five = _find(paras, four + 1, r"^[五六]、", limit=60)
    except ValueError:
        five = len(paras)
    after = paras[five:]
    date = None
    dates = [i for i, p in enumerate(after) if _date(p)]
    if dates:  # the signature: agency line and date line; anything after is page furniture
        end = dates[-1]
        date = _date(after[end])
        if end > 0 and len(after[end - 1]) <= 30 and not after[end - 1].endswith(END_PUNCT):
            end -= 1
        after = after[:end]
    if date is None:  # a date line under the title, as in 《…年度报告》(2026年1月23日)
        date = next((d for p in paras[:start] if (d := _date(p))), None)
    return Prose(
        before=paras[start:two],
        headings={"二": paras[two], "三": paras[three], "四": paras[four]},
        after=after,
        date=date,
    )


def read_prose(source: Path) -> Prose:
    raw = source.read_text(encoding="utf-8")
    if source.suffix == ".html":  # paragraphs are marked up already
        return split_prose([x.strip() for x in html_lines(raw) if x.strip()])
    return split_prose(paragraphs(text_lines(raw)))


# ---------------------------------------------------------------------------------------------
# The fragment
# ---------------------------------------------------------------------------------------------


def render_tables(_sec: str, tables: list[Any]) -> str:
    # A table the report does not print at all (every cell null) stays out, heading kept.
    return R.render_word(_sec, tables) if tables else ""


def fragment(expected: dict[str, Any], prose: Prose, sign_date: dt.date) -> str:
    """The article body: prose, the official tables after their headings, the signature."""
    units = {k: v for k, v in expected["units"].items() if v}
    cells = expected["cells"]
    tables = R.build_tables(expected["template"], cells, R.make_formatter(units))
    sections = {"二": "proactive", "三": "applications", "四": "review_litigation"}
    printed = {
        sec: [tables[sec]]
        if any(v is not None for k, v in cells.items() if k.startswith(name + "."))
        else []
        for sec, name in sections.items()
    }
    rep = R.Report(
        title=expected["title"],
        agency=expected["agency"],
        before=prose.before,
        tables={sec: [prose.headings[sec]] for sec in sections},
        after=prose.after,
        sign=[expected["agency"], f"{sign_date.year}年{sign_date.month}月{sign_date.day}日"],
    )
    body = R.article(rep, printed, render_tables)
    return "\n".join(line for line in body.split("\n") if line) + "\n"


def word_document(expected: dict[str, Any], prose: Prose, sign_date: dt.date, split: bool) -> bytes:
    """The same report as the DOCX an agency attaches: title, prose, the official tables with
    Word's merged cells (gridSpan, vMerge) and repeated header rows, the signature. `split`
    cuts table 三 in two at a page break, as a pasted table often is."""
    units = {k: v for k, v in expected["units"].items() if v}
    cells = expected["cells"]
    tables = R.build_tables(expected["template"], cells, R.make_formatter(units))
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    core = doc.core_properties
    core.title, core.author = expected["title"], expected["agency"]
    core.created = core.modified = dt.datetime(sign_date.year, sign_date.month, sign_date.day)
    core.last_modified_by, core.revision = expected["agency"], 1
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(expected["title"]).bold = True
    for text in prose.before:
        doc.add_paragraph(text)
    sections = {"二": "proactive", "三": "applications", "四": "review_litigation"}
    for sec, name in sections.items():
        doc.add_paragraph(prose.headings[sec])
        if not any(v is not None for k, v in cells.items() if k.startswith(name + ".")):
            continue  # a table the report does not print at all
        parts = [tables[sec]]
        if split and sec == "三":
            parts = list(R.split_table(tables[sec], "denied_third_party"))
        for i, table in enumerate(parts):
            if i:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _word_table(doc, table)
        doc.add_paragraph()
    for text in prose.after:
        doc.add_paragraph(text)
    for line in (expected["agency"], f"{sign_date.year}年{sign_date.month}月{sign_date.day}日"):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = BytesIO()
    doc.save(out)
    return _reproducible(out.getvalue())


def _word_table(doc: Any, table: Any) -> None:
    """One table of the fixture renderer's model, merged cells merged as Word merges them."""
    columns = len(table.widths) or max(
        c + cell.colspan
        for row, starts in zip(table.rows, R.positions(table.rows), strict=True)
        for c, cell in zip(starts, row.cells, strict=True)
    )
    word = doc.add_table(rows=len(table.rows), cols=columns)
    word.style = "Table Grid"
    for r, (row, starts) in enumerate(zip(table.rows, R.positions(table.rows), strict=True)):
        if r < table.header_rows:  # repeated on every page the table runs over
            row_props = word.rows[r]._tr.get_or_add_trPr()
            row_props.append(OxmlElement("w:tblHeader"))
        for c, cell in zip(starts, row.cells, strict=True):
            target = word.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(word.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = cell.text
            if cell.value:
                target.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def workbook(expected: dict[str, Any], prose: Prose, sign_date: dt.date) -> bytes:
    """The same report as a workbook some agencies attach: one sheet, the prose a line a row
    in column A, each official table placed on the grid with its merged cells, figures typed
    as numbers (a blank stays blank)."""
    units = {k: v for k, v in expected["units"].items() if v}
    cells = expected["cells"]
    tables = R.build_tables(expected["template"], cells, R.make_formatter(units))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "年报"
    stamp = dt.datetime(sign_date.year, sign_date.month, sign_date.day)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = book.properties.lastModifiedBy = expected["agency"]
    row = 1

    def line(text: str) -> None:
        nonlocal row
        sheet.cell(row, 1, text)
        row += 1

    line(expected["title"])
    for text in prose.before:
        line(text)
    sections = {"二": "proactive", "三": "applications", "四": "review_litigation"}
    for sec, name in sections.items():
        line(prose.headings[sec])
        if not any(v is not None for k, v in cells.items() if k.startswith(name + ".")):
            continue
        table = tables[sec]
        for r, (cells_row, starts) in enumerate(
            zip(table.rows, R.positions(table.rows), strict=True)
        ):
            for c, cell in zip(starts, cells_row.cells, strict=True):
                sheet.cell(row + r, c + 1, _typed(cell.text) if cell.value else cell.text)
                if cell.rowspan > 1 or cell.colspan > 1:
                    sheet.merge_cells(
                        start_row=row + r,
                        start_column=c + 1,
                        end_row=row + r + cell.rowspan - 1,
                        end_column=c + cell.colspan,
                    )
        row += len(table.rows) + 1  # a blank row after the table
    for text in prose.after:
        line(text)
    line(expected["agency"])
    line(f"{sign_date.year}年{sign_date.month}月{sign_date.day}日")
    out = BytesIO()
    book.save(out)
    return _reproducible(out.getvalue())


def _typed(text: str) -> int | float | str | None:
    """A figure as typed into a spreadsheet: a number when it is one."""
    if not text.strip():
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _reproducible(package: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01: reruns give the same bytes."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time it saved
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)", data)
                if created:
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + created[1], data)
            dst.writestr(fixed, data)
    return out.getvalue()


def page(title: str, body: str) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


# ---------------------------------------------------------------------------------------------
# Build and check
# ---------------------------------------------------------------------------------------------


def expected_path(source: Path) -> Path:
    return source.parent / "expected" / f"{source.stem}.json"


def build() -> list[dict[str, Any]]:
    """Write every fragment; return the reports.json entries (in SOURCES order)."""
    (OUT / "reports").mkdir(parents=True, exist_ok=True)
    FORMATS.mkdir(parents=True, exist_ok=True)
    entries = []
    for slug, rel in SOURCES.items():
        source = ROOT / rel
        expected = json.loads(expected_path(source).read_text(encoding="utf-8"))
        prose = read_prose(source)
        note = None
        date = prose.date
        if date is None:
            date = dt.date(expected["year"] + 1, 1, 31)
            note = (
                "The report prints no date: published and the signature date are January 31 "
                "of the following year, the legal deadline for the report, not a real date."
            )
        body = fragment(expected, prose, date)
        (OUT / "reports" / f"{slug}.html").write_text(body, encoding="utf-8")
        word = word_document(expected, prose, date, split=len(entries) % 2 == 1)
        (FORMATS / f"{slug}.docx").write_bytes(word)
        sheet = workbook(expected, prose, date)
        (FORMATS / f"{slug}.xlsx").write_bytes(sheet)
        # The old binary formats, as LibreOffice saves them (their bytes carry its save time).
        (FORMATS / f"{slug}.doc").write_bytes(ole.convert(word, "docx", "doc"))
        (FORMATS / f"{slug}.xls").write_bytes(ole.convert(sheet, "xlsx", "xls"))
        printed = ole.convert(word, "docx", "pdf")
        (FORMATS / f"{slug}.pdf").write_bytes(printed)
        (FORMATS / f"{slug}.ofd").write_bytes(ofd_document(printed, expected["title"]))
        if slug in SCANNED:
            scan(printed, slug)
        if slug == ENCRYPTED_SLUG:
            bad_input(word)
        if slug in ATTACHED_DOCX:
            (OUT / "attachments" / f"{slug}.docx").write_bytes(word)
        region = expected.get("region") or {}
        entries.append(
            {
                "slug": slug,
                "title": expected["title"],
                "agency": expected["agency"],
                "year": expected["year"],
                "template": expected["template"],
                "published": date.isoformat(),
                "note": note,
                "province": region.get("province"),
                "city": region.get("city"),
                "county": region.get("county"),
                "source": rel,
            }
        )
    return entries


def scan(printed: bytes, slug: str) -> None:
    """The printed PDF as a scanner gives it back: grey pages at SCAN_DPI, images only (no text
    layer); and the page holding table 四 as a JPEG photo and a PNG screenshot of it."""
    pdf = pypdfium2.PdfDocument(printed)
    pages = [pdf[i].render(scale=SCAN_DPI / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    out = BytesIO()
    pages[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=SCAN_DPI,
        creationDate=SCAN_DATE.timetuple(),
        modDate=SCAN_DATE.timetuple(),
    )
    (FORMATS / f"{slug}.scan.pdf").write_bytes(out.getvalue())
    review = next(
        i
        for i in range(len(pdf))
        if "复议后起诉" in "".join(pdf[i].get_textpage().get_text_bounded().split())
    )
    pages[review].save(FORMATS / f"{slug}.review.jpg", quality=85)
    pages[review].save(FORMATS / f"{slug}.review.png", optimize=True)


# Bad input for the readers' tests (tests/fixtures/formats/bad): what a folder of downloaded
# attachments holds besides reports.
BAD = FORMATS / "bad"
# LibreOffice's PDF export with an open password, as agencies sometimes protect a report.
ENCRYPTED = (
    'writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"nianbao"}}'
)


def bad_input(word: bytes) -> None:
    """An encrypted PDF of a real report, and a scanned page with no text (a blank sheet)."""
    BAD.mkdir(exist_ok=True)
    (BAD / "encrypted.pdf").write_bytes(ole.convert(word, "docx", "pdf", ENCRYPTED))
    blank = Image.new("L", (1240, 1754), 250)
    blank.save(BAD / "blank-page.png", optimize=True)


OFD_NS = "http://www.ofdspec.org/2016"
# PDF points in a millimetre, OFD's unit.
MM = 72 / 25.4


def ofd_document(printed: bytes, title: str) -> bytes:
    """The printed PDF as an OFD converter saves it: per page, a text object for each run of
    characters on a line (their advances in DeltaX) and a path object for each rule."""
    pdf = pypdfium2.PdfDocument(printed)
    width, height = pdf[0].get_size()
    parts: dict[str, bytes] = {}
    ids = iter(range(1, 1_000_000))
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        layer = _ofd("Layer", ID=str(next(ids)))
        for run in _runs(page.get_textpage()):
            layer.append(_text_object(run, height, str(next(ids))))
        for x0, top, x1, bottom in pdf_reader.rules(page, height):
            w, h = (x1 - x0) / MM, (bottom - top) / MM
            path = _ofd(
                "PathObject",
                ID=str(next(ids)),
                Boundary=_mm(x0 / MM, top / MM, w, h),
                LineWidth="0.25",
            )
            data = f"M 0 0 L {w:.3f} 0" if h < w else f"M 0 0 L 0 {h:.3f}"
            path.append(_ofd("AbbreviatedData", text=data))
            layer.append(path)
        content = _ofd("Page")
        content.append(_ofd("Content"))
        content[0].append(layer)
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = _xml(content)
        pages.append(_ofd("Page", ID=str(next(ids)), BaseLoc=f"Pages/Page_{i}/Content.xml"))
    document = _ofd("Document")
    common = _ofd("CommonData")
    common.append(_ofd("MaxUnitID", text=str(next(ids))))
    area = _ofd("PageArea")
    area.append(_ofd("PhysicalBox", text=_mm(0, 0, width / MM, height / MM)))
    common.append(area)
    document.append(common)
    listing = _ofd("Pages")
    listing.extend(pages)
    document.append(listing)
    parts["Doc_0/Document.xml"] = _xml(document)
    root = _ofd("OFD", Version="1.0", DocType="OFD")
    body = _ofd("DocBody")
    info = _ofd("DocInfo")
    info.append(_ofd("Title", text=title))
    body.append(info)
    body.append(_ofd("DocRoot", text="Doc_0/Document.xml"))
    root.append(body)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("OFD.xml", (1980, 1, 1, 0, 0, 0)), _xml(root))
        for name, data in parts.items():
            package.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def _runs(textpage: Any) -> list[list[tuple[str, tuple[float, float, float, float], float]]]:
    """Characters (text, box in points y up, font size) in runs along one line."""
    runs: list[list[tuple[str, tuple[float, float, float, float], float]]] = []
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if not char.isprintable() or not char.strip():  # a break pdfium inserts, a control
            if runs and runs[-1]:
                runs.append([])
            continue
        box = textpage.get_charbox(i)
        size = pdfium_raw.FPDFText_GetFontSize(textpage.raw, i)
        last = runs[-1][-1] if runs and runs[-1] else None
        if last and abs(last[1][1] - box[1]) < 1 and box[0] - last[1][2] < size:
            runs[-1].append((char, box, size))
        else:
            runs.append([(char, box, size)])
    return [run for run in runs if run]


def _text_object(
    run: list[tuple[str, tuple[float, float, float, float], float]], height: float, id_: str
) -> Any:
    size = max(c[2] for c in run)
    left = run[0][1][0]
    top = max(c[1][3] for c in run)
    baseline = min(c[1][1] for c in run)
    right = run[-1][1][2]
    obj = _ofd(
        "TextObject",
        ID=id_,
        Font="1",
        Size=f"{size / MM:.3f}",
        Boundary=_mm(left / MM, (height - top) / MM, (right - left) / MM, (top - baseline) / MM),
    )
    deltas = " ".join(f"{(b[1][0] - a[1][0]) / MM:.3f}" for a, b in itertools.pairwise(run))
    code = _ofd(
        "TextCode", X="0", Y=f"{(top - baseline) / MM:.3f}", text="".join(c[0] for c in run)
    )
    if deltas:
        code.set("DeltaX", deltas)
    obj.append(code)
    return obj


def _ofd(tag: str, text: str | None = None, **attributes: str) -> Any:
    element = lxml.etree.Element(f"{{{OFD_NS}}}{tag}", nsmap={"ofd": OFD_NS}, **attributes)
    if text is not None:
        element.text = text
    return element


def _xml(element: Any) -> bytes:
    return lxml.etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def _mm(*values: float) -> str:
    return " ".join(f"{v:.3f}" for v in values)


def kinds(slug: str) -> tuple[str, ...]:
    """The formats a report is rendered in whole (the page images hold only table 四)."""
    return OFFICE + (("scan.pdf",) if slug in SCANNED else ())


def check(entry: dict[str, Any]) -> bool:
    """Extract the wrapped fragment and compare it as tests/test_golden.py does."""
    body = (OUT / "reports" / f"{entry['slug']}.html").read_text(encoding="utf-8")
    html_ok = compare(entry, "html", page(entry["title"], body).encode("utf-8"))
    formats = [
        compare(entry, k, (FORMATS / f"{entry['slug']}.{k}").read_bytes())
        for k in kinds(entry["slug"])
    ]
    return html_ok and all(formats)


def compare(entry: dict[str, Any], kind: str, data: bytes) -> bool:
    expected = json.loads(expected_path(ROOT / entry["source"]).read_text(encoding="utf-8"))
    got = extract(data)
    wrong = [
        k
        for k, v in expected["cells"].items()
        if k not in got.cells or got.cells[k] != v or (v is None) != (got.cells[k] is None)
    ]
    extra = [k for k in got.cells if k not in expected["cells"]]
    meta = [
        f"{f}: {getattr(got, f)!r} != {expected[f]!r}"
        for f in ("agency", "year", "template")
        if getattr(got, f) != expected[f]
    ]
    total = len(expected["cells"])
    print(f"{entry['slug']} ({kind}): cells {total - len(wrong)}/{total}", end="")
    print(", meta ok" if not meta else f", meta wrong: {'; '.join(meta)}", end="")
    if wrong or extra:
        print(f", wrong: {wrong[:10]}{' …' if len(wrong) > 10 else ''} extra: {extra}", end="")
    print()
    return not (wrong or extra or meta)


def main() -> int:
    entries = build()
    ok = [check(e) for e in entries]
    listed = [e for e, good in zip(entries, ok, strict=True) if good]  # a mismatch stays out
    index = {  # each rendered file → its real report's expected extraction (tests/conftest.py)
        f"{e['slug']}.{kind}": str(expected_path(ROOT / e["source"]).relative_to(FORMATS.parent))
        for e in listed
        for kind in kinds(e["slug"])
    }
    (FORMATS / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    (OUT / "reports.json").write_text(
        json.dumps(listed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
