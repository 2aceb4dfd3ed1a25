"""The data every stage passes on: a document as blocks, and the report extracted from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Table:
    """Rows of cell strings, spans resolved. `grid` says blank cells hold places (HTML, tabs)."""

    rows: list[list[str]]
    grid: bool = True


class Recognised(str):
    """Text read by OCR, with how sure the engine was of it (0–1): a figure read with doubt is
    flagged to the user, never taken as read."""

    confidence: float

    def __new__(cls, text: str, confidence: float) -> Recognised:
        made = super().__new__(cls, text)
        made.confidence = confidence
        return made

    def __getnewargs__(self) -> tuple[str, float]:  # type: ignore[override]
        return str(self), self.confidence


@dataclass
class Paragraph:
    text: str


Block = Table | Paragraph


@dataclass
class Document:
    """What a reader gives: blocks in reading order, plus what the container said about itself."""

    blocks: list[Block]
    format: str
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                parts.extend("\t".join(row) for row in block.rows)
        return "\n".join(parts)


@dataclass
class Finding:
    code: str
    detail: str
    table: str | None = None
    keys: list[str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Check:
    rule: str
    ok: bool
    detail: str


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    code: str | None = None


@dataclass
class Report:
    title: str | None = None
    agency: str | None = None
    # One spelling of the agency however the document prints it (花石乡人民政府 and
    # 金寨县花石乡人民政府 are both 金寨县花石乡人民政府): with the division code, its identity.
    agency_key: str | None = None
    year: int | None = None
    template: str | None = None
    level: str | None = None
    region: Region = field(default_factory=Region)
    published: str | None = None
    cells: dict[str, int | float | None] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    format: str | None = None
    encoding: str | None = None
    text: str = ""
    # How sure OCR was of each figure it read (0–1), by cell; empty for a document with text.
    confidence: dict[str, float] = field(default_factory=dict)

    def warn(self, code: str, detail: str, **extra: Any) -> None:
        self.warnings.append(Finding(code, detail, **extra))

    def as_dict(self, with_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "level": self.level,
            "region": asdict(self.region),
            "published": self.published,
            "format": self.format,
            "encoding": self.encoding,
            "cells": self.cells,
            "raw": self.raw,
            "units": self.units,
            "checks": [asdict(c) for c in self.checks],
            "warnings": [w.as_dict() for w in self.warnings],
        }
        if self.confidence:
            out["confidence"] = self.confidence
        if with_text:
            out["text"] = self.text
        return out
