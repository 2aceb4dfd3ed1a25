"""Chinese full-text search in plain SQLite FTS5, with no segmenter.

Report text is indexed as overlapping character bigrams (行政复议 → 行政 政复 复议) and as single
characters, in a contentless FTS5 table using the stock unicode61 tokenizer. A query becomes a
phrase of its bigrams, so any string of two or more characters is found inside a sentence
(预算, 复议, 政府信息公开), and a single character searches the characters. Datasette's own
search box uses it through `query()`, which the plugin installs as Datasette's `escape_fts`.

Chosen over the trigram tokenizer, which cannot match fewer than three characters, and over
jieba, whose words miss strings it segments differently; see bench/search.py.
"""

from __future__ import annotations

import re

# Runs of Chinese characters, and words of anything else that a reader would search for.
_RUNS = re.compile(r"[\u3400-\u9fff]+|[0-9A-Za-z\u00c0-\u024f]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def tokens(text: str) -> tuple[str, str]:
    """The two indexed columns of a text: bigrams (and Latin words), and single characters."""
    bigrams: list[str] = []
    unigrams: list[str] = []
    for run in _RUNS.findall(text or ""):
        if _CJK.match(run):
            bigrams.extend(map(str.__add__, run[:-1], run[1:]))
            unigrams.extend(run)
        else:
            bigrams.append(run.lower())
    return " ".join(bigrams), " ".join(unigrams)


def query(text: str) -> str:
    """An FTS5 query for what a reader typed: every term must occur, each as a phrase."""
    terms = []
    for run in _RUNS.findall(text or ""):
        if _CJK.match(run) and len(run) == 1:
            terms.append(f'unigrams : "{run}"')
        elif _CJK.match(run):
            phrase = " ".join(run[i : i + 2] for i in range(len(run) - 1))
            terms.append(f'bigrams : "{phrase}"')
        else:
            terms.append(f'bigrams : "{run.lower()}"')
    return " AND ".join(terms) or '""'
