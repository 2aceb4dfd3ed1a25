"""Normalisation, done once, up front, so every later stage sees one spelling of the same thing."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

from extract.resources import read_tsv

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# A pinyin annotation a mirror site put after each character: 開(kāi), 條(tiáo).
_PINYIN = re.compile(
    r"[(（](?<=[\u3400-\u9fff?][(（])[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zü]*[)）]"
)
_FOLD = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c).isalnum()}
_FOLD.update(
    {
        "\u3000": " ",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u2028": "\n",
        "\u2029": "\n",
        "\ufffd": "?",
        "\r\n": "\n",
        "\r": "\n",
    }
)
_TO_FOLD = re.compile("\r\n?|[" + "".join(k for k in _FOLD if len(k) == 1) + "]")
_CJK = r"\u3400-\u9fff"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
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
    raw = _TO_FOLD.sub(lambda m: _FOLD[m.group(0)], raw)
    return _converter().convert(raw)


def cell(raw: str) -> str:
    """A table cell as one line: inner line breaks and spaces between characters removed."""
    joined = " ".join(raw.split())
    return _SPACE_IN_CJK.sub("", joined) if " " in joined else joined


@lru_cache(maxsize=1)
def _typos() -> tuple[tuple[str, str], ...]:
    return tuple((row["typo"], row["fix"]) for row in read_tsv("typos.tsv"))


@lru_cache(maxsize=1 << 16)
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
