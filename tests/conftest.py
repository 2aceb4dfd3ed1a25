from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def golden_corpus() -> list[tuple[Path, Path]]:
    """Every real report we hold in a format the extractor reads, with its expected extraction."""
    pairs = [
        (doc, FIXTURES / "seeds" / "expected" / f"{doc.stem}.json")
        for doc in sorted((FIXTURES / "seeds").glob("*.txt"))
    ]
    pairs += [
        (doc, FIXTURES / "reports" / "expected" / f"{doc.stem}.json")
        for doc in sorted((FIXTURES / "reports").iterdir())
        if doc.suffix in (".html", ".txt")
    ]
    return pairs


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
