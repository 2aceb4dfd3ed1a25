"""Normalisation, done once, up front, so every later stage sees one spelling of the same thing."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

from extract.resources import read_tsv

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# A pinyin annotation a mirror site put after each character: 開(kāi), 條(tiáo).
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff?])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zü]*[)）]")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c).isalnum()}
_SPACES = {
    0x3000: " ",
    0x00A0: " ",
    0x2002: " ",
    0x2003: " ",
    0x2009: " ",
    0x200B: None,
    0xFEFF: None,
    0x2028: "\n",
    0x2029: "\n",
    0xFFFD: "?",
}
_CJK = r"\u3400-\u9fff"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_ENUMERATOR = re.compile(
    r"^(?:第?[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、](?!\d))"
)
_NOT_KEY = re.compile(rf"[^{_CJK}a-z0-9/]")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def text(raw: str) -> str:
    """Simplified characters, no pinyin noise or bookmarks, half-width digits and letters."""
    raw = _BOOKMARK.sub("", raw)
    raw = _PINYIN.sub("", raw)
    raw = raw.translate(_FULLWIDTH).translate(_SPACES)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _converter().convert(raw)


def cell(raw: str) -> str:
    """A table cell as one line: inner line breaks and spaces between characters removed."""
    joined = " ".join(part.strip() for part in raw.split("\n") if part.strip())
    return _SPACE_IN_CJK.sub("", joined).strip()


@lru_cache(maxsize=1)
def _typos() -> tuple[tuple[str, str], ...]:
    return tuple((row["typo"], row["fix"]) for row in read_tsv("typos.tsv"))


def label_key(label: str) -> str:
    """The comparable core of a printed label: no numbering, spaces, punctuation or known typos."""
    key = re.sub(r"\s+", "", label.lower())
    while True:
        stripped = _ENUMERATOR.sub("", key)
        if stripped == key:
            break
        key = stripped
    key = _NOT_KEY.sub("", key.replace("?", ""))
    for typo, fix in _typos():
        key = key.replace(typo, fix)
    return key
