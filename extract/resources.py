"""The package's data files (labels, typos, cells, zones), read once."""

from __future__ import annotations

import csv
from importlib import resources


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated file in `extract/data/`, lines starting with `#` skipped."""
    text = resources.files("extract").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [
        {k: (v or "") for k, v in row.items()}
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    ]
