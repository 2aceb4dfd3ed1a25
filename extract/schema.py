"""The canonical cells of both templates, from `data/cells.tsv` (a copy of the spec's table)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from extract.resources import read_tsv

TEMPLATES = ("2019", "2021")
SECTIONS = ("proactive", "applications", "review_litigation")
APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
    "total",
)
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


@dataclass(frozen=True)
class Cell:
    section: str
    row: str
    column: str
    templates: tuple[str, ...]
    row_label: str
    column_label: str

    @property
    def key(self) -> str:
        return f"{self.section}.{self.row}.{self.column}"


@lru_cache(maxsize=1)
def all_cells() -> tuple[Cell, ...]:
    cells = []
    for r in read_tsv("cells.tsv"):
        templates = TEMPLATES if r["template"] == "both" else (r["template"],)
        cells.append(
            Cell(r["section"], r["row"], r["column"], templates, r["row_label"], r["column_label"])
        )
    return tuple(cells)


@lru_cache(maxsize=4)
def cells_of(template: str) -> tuple[Cell, ...]:
    """The cells of one template, in the official order."""
    return tuple(c for c in all_cells() if template in c.templates)


@lru_cache(maxsize=4)
def keys_of(template: str) -> tuple[str, ...]:
    return tuple(c.key for c in cells_of(template))


def row_columns(template: str, section: str, row: str) -> tuple[str, ...]:
    """The columns a row has in a template, in the official order."""
    return tuple(c.column for c in cells_of(template) if c.section == section and c.row == row)


def rows_of(template: str, section: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for c in cells_of(template):
        if c.section == section:
            seen.setdefault(c.row)
    return tuple(seen)
