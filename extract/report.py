"""One document's bytes → one report: sniff, read, normalise, map, describe, check."""

from __future__ import annotations

from extract import checks, mapper, metadata, regions, sections, sniff
from extract.model import Document, Paragraph, Recognised, Report
from extract.readers import Unreadable, docx, html, ocr, ofd, ole, pdf, text, xlsx

# A report page is rarely over 5 MB; past this the bytes are not a report we can read in time.
MAX_BYTES = 64 * 1024 * 1024
# What nianbao cannot read (yet), and why, by the format sniffed from the bytes.
_UNREAD = {
    "rtf": "RTF documents are not read yet",
    "json": "JSON data, not a report document",
}
# The readers of binary formats, by the format sniffed from the bytes.
_READERS = {
    "pdf": pdf.read,
    "docx": docx.read,
    "xlsx": xlsx.read,
    "ole": ole.read,
    "image": ocr.read,
    "ofd": ofd.read,
}
# Warnings about reading the document, which stand even when it is not a report.
_READING = frozenset({"unreadable", "markup_broken", "truncated"})
# Headings of the report's parts besides its tables.
_PARTS = ("总体情况", "存在的主要问题", "其他需要报告的事项")
_REPORT_WORDS = ("政府信息公开", "政务公开", "信息公开")


def extract(data: bytes, content_type: str | None = None) -> Report:
    """The report a document holds; what could not be read is said in `warnings`, never raised."""
    kind = sniff.sniff(data)
    report = Report(format=kind)
    if kind == "empty":
        report.warn("unreadable", "the document is empty")
        return report
    if len(data) > MAX_BYTES:
        report.warn("unreadable", f"{len(data)} bytes is over the {MAX_BYTES}-byte limit")
        return report
    if kind in _READERS:
        try:
            return from_document(_READERS[kind](data), report)
        except Unreadable as e:
            report.warn("unreadable", str(e))
            return report
    if kind not in ("html", "text"):
        reason = _UNREAD.get(kind, f"the bytes are not a document format nianbao reads ({kind})")
        report.warn("unreadable", reason)
        return report
    decoded, encoding = sniff.decode(data, _charset(content_type))
    doc = (html.read if kind == "html" else text.read)(decoded, encoding)
    return from_document(doc, report)


def from_document(doc: Document, report: Report | None = None) -> Report:
    """Map a document any reader produced (the seam for the other formats' readers)."""
    report = report or Report(format=doc.format)
    report.format = doc.format  # what the reader read: `doc` or `xls` for a compound file
    report.encoding = doc.encoding
    report.text = doc.text()
    for note in ("markup_broken", "truncated"):
        if note in doc.meta:
            report.warn(note, doc.meta[note])
    found = metadata.title(doc.meta, report.text)
    report.title = found.text if found else None
    report.year = metadata.year(found, report.text)
    report.agency = metadata.agency(found, doc.meta, report.text)
    report.published = metadata.published(doc.meta)
    _correct_place(report)
    report.region, report.level = regions.resolve(report.agency, report.text)
    report.agency_key = _agency_key(report)
    tables = sections.split(doc.blocks)
    mapped = mapper.map_tables(tables, report.year)
    report.template = mapped.template
    report.cells, report.raw, report.units = mapped.cells, mapped.raw, mapped.units
    report.warnings.extend(mapped.warnings)
    _flag_doubtful(report, "ocr" in doc.meta)
    if not _looks_like_report(report, tables):
        report.template = None
        report.cells, report.raw, report.units = {}, {}, {}
        report.warnings = [w for w in report.warnings if w.code in _READING]
        report.warn("not_a_report", "no annual-report title and none of its tables were found")
        return report
    prose = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    report.checks = checks.run(report.cells, report.template, prose)
    for check in report.checks:
        if not check.ok and check.rule.startswith("prose."):
            report.warn("prose_mismatch", check.detail)
    return report


def _flag_doubtful(report: Report, scanned: bool) -> None:
    """Every figure OCR read keeps its confidence; one read with doubt is named in a warning.
    In a scan, a figure whose confidence was lost on the way (read from a line of prose, a
    table OCR did not see ruled) counts as doubtful too."""
    read = {k: v for k, v in report.raw.items() if isinstance(v, Recognised)}
    report.confidence = {k: round(v.confidence, 3) for k, v in read.items()}
    doubtful = [k for k, v in read.items() if v.confidence < ocr.SURE and v.strip()]
    if scanned:
        doubtful += [k for k, v in report.raw.items() if k not in read and v.strip()]
    if doubtful:
        shown = ", ".join(
            f"{k} = {report.raw[k]!r} ({report.confidence.get(k, 0):.2f})" for k in sorted(doubtful)
        )
        report.warn(
            "ocr_uncertain",
            f"{len(doubtful)} figures were read by OCR with less than {ocr.SURE:.0%}"
            f" confidence; check them against the scan: {shown}",
            keys=sorted(doubtful),
        )


def _agency_key(report: Report) -> str | None:
    """The agency named after the place its code stands for, then its own name."""
    if not report.agency:
        return None
    base = regions.peel(report.agency)[1] or report.agency
    r = report.region
    place = r.county or r.city or r.province or ""
    return base if base.startswith(place) else place + base


def _correct_place(report: Report) -> None:
    """A place misprinted by OCR (沐阳县 for 沭阳县) resolved to the real division, and said."""
    fixed = regions.corrected(report.agency or "")
    if fixed is None:
        return
    name, agency = fixed
    wrong = (report.agency or "")[: len(name)]
    report.warn("place_corrected", f"{wrong} is not a division; read as {name}, one stroke away")
    report.agency = agency
    if report.title:
        report.title = report.title.replace(wrong, name)


def _looks_like_report(report: Report, found: dict[str, sections.Rows]) -> bool:
    """A report's title with its tables or its parts' headings, or its tables without a title.
    (A list page of links to reports shows titles, but neither tables nor parts.)"""
    if report.template == "older":
        return True
    tables = sum(1 for rows in found.values() if rows.rows)
    if report.title and (tables or any(p in report.text for p in _PARTS)):
        return True
    return tables >= 2 and any(w in report.text for w in _REPORT_WORDS)


def _charset(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=")[-1].split(";")[0].strip()
    return None
