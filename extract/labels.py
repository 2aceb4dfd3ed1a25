"""Matching printed labels against the synonyms of `data/labels.tsv`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from extract.normalise import label_key
from extract.resources import read_tsv


@dataclass(frozen=True)
class Label:
    section: str
    kind: str
    key: str
    text: str
    requires: str


@lru_cache(maxsize=1)
def _labels() -> tuple[Label, ...]:
    labels = [
        Label(r["section"], r["kind"], r["key"], label_key(r["label"]), r["requires"])
        for r in read_tsv("labels.tsv")
    ]
    return tuple(sorted(labels, key=lambda lb: -len(lb.text)))


@lru_cache(maxsize=1 << 16)
def match(
    key: str, section: str, kinds: tuple[str, ...], active: frozenset[str] = frozenset()
) -> Label | None:
    """The longest label of `section` and one of `kinds` inside `key` whose context is open."""
    for lb in _labels():
        if (
            lb.section == section
            and lb.kind in kinds
            and lb.text in key
            and (not lb.requires or lb.requires in active)
        ):
            return lb
    return None


@lru_cache(maxsize=1 << 14)
def columns_in(key: str, section: str) -> tuple[Label, ...]:
    """Every column header in a cell, left to right: a text layer prints a header row as one
    line (信息内容 本年制发件数 本年废止件数 现行有效件数)."""
    found: list[tuple[int, Label]] = []
    taken = [False] * len(key)
    for lb in _labels():
        if lb.section != section or lb.kind not in ("column", "header") or not lb.text:
            continue
        start = key.find(lb.text)
        while start >= 0:
            end = start + len(lb.text)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(lb.text)
                found.append((start, lb))
            start = key.find(lb.text, end)
    return tuple(lb for _, lb in sorted(found, key=lambda f: f[0]))


@lru_cache(maxsize=1 << 14)
def heading(text: str) -> str | None:
    """The section a heading line opens (`end` for the parts after the tables), else None."""
    key = label_key(text)
    if not key or len(key) > 30:
        return None
    for lb in _labels():
        if lb.kind == "heading" and lb.text in key and len(key) <= len(lb.text) + 8:
            return lb.section
    return None


def score(keys: Iterable[str]) -> dict[str, int]:
    """How many label cells each section recognises: tells which table a headless block is."""
    counts: dict[str, int] = {}
    for key in keys:
        for section in ("proactive", "applications", "review_litigation"):
            if match(key, section, ("row", "column", "group")):
                counts[section] = counts.get(section, 0) + 1
    return counts
