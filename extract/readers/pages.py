"""Pages of a fixed layout (a PDF's, a scan's, an OFD's) → one run of blocks: the text between
tables read as the text reader reads an export, and a table that runs over a page break joined
again. A page known as positioned texts (OCR's lines, an OFD's text objects) is laid out here."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from extract import normalise
from extract.model import Block, Recognised, Table
from extract.normalise import label_key
from extract.readers import grid, layout, text
from extract.values import is_value

# Rows this alike are one row printed again (OCR reads the same header a little differently).
_SAME_ROW = 0.9


@dataclass
class Page:
    """One page as parts in reading order: bands of text (str) and ruled tables."""

    parts: list[str | Table]
    scanned: bool = False


@dataclass(frozen=True)
class Word:
    """A text placed on the page: its box (x0, top, x1, bottom, y down), and how sure OCR was
    of it (None for a text the document holds as text)."""

    box: grid.Box
    text: str
    confidence: float | None = None

    @property
    def centre(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


def laid_out(
    words: list[Word], ruled: list[grid.Ruled], tolerance: float, scanned: bool = False
) -> Page:
    """The page's texts in reading order: each table's texts in the cells their centres fall
    in, the texts between tables as lines."""
    parts: list[str | Table] = []
    rest = [w for w in words if not any(_within(w, t.box) for t in ruled)]
    for table in ruled:
        parts.append(_lines([w for w in rest if w.centre[1] < table.box[1]]))
        rest = [w for w in rest if w.centre[1] >= table.box[1]]  # beside it: read after it
        inside = [w for w in words if _within(w, table.box)]
        raw = grid.raw_table(table, lambda box: "", tolerance)
        parts.append(layout.resolve(raw, [_cell(box, inside) for box in table.cells]))
    parts.append(_lines(rest))
    return Page(parts, scanned=scanned)


def _within(word: Word, box: grid.Box) -> bool:
    x, y = word.centre
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell(box: grid.Box, words: list[Word]) -> str:
    """A cell's text; read by OCR, it keeps the confidence of its least sure text."""
    mine = [w for w in words if _within(w, box)]
    if not mine:
        return ""
    text = normalise.cell("\n".join(_line_texts(mine)))
    sure = [w.confidence for w in mine if w.confidence is not None]
    return Recognised(text, min(sure)) if sure else text


def _lines(words: list[Word]) -> str:
    return "\n".join(_line_texts(words))


def _line_texts(words: list[Word]) -> list[str]:
    """Texts grouped into lines (centres within half a line's height), each read left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.centre[1]):
        if lines:
            last = lines[-1][-1]
            if abs(word.centre[1] - last.centre[1]) < (last.box[3] - last.box[1]) / 2:
                lines[-1].append(word)
                continue
        lines.append([word])
    return ["".join(_spaced(sorted(line, key=lambda w: w.box[0]))) for line in lines]


def _spaced(words: list[Word]) -> list[str]:
    """A line's texts, a space where a gap wider than a character separates two."""
    out: list[str] = []
    for i, word in enumerate(words):
        if i:
            before = words[i - 1]
            height = word.box[3] - word.box[1]
            out.append(" " if word.box[0] - before.box[2] > height / 2 else "")
        out.append(word.text)
    return out


def join(pages: list[Page]) -> list[Block]:
    """The pages' parts as one run of blocks: text bands read together (a paragraph or an
    unruled table goes on over the page break), and a table that goes on at the top of the
    next page joined to its first part, less the header rows it repeats."""
    blocks: list[Block] = []
    pending: list[str] = []
    last: tuple[int, Table] | None = None  # the last table read, and its page

    def flush() -> None:
        if pending:
            blocks.extend(text.read("\n".join(pending).replace("\r\n", "\n")).blocks)
            pending.clear()

    for number, page in enumerate(pages):
        for part in page.parts:
            if isinstance(part, str):
                if part.strip():
                    pending.append(part)
                continue
            if last is not None and last[0] == number - 1 and _furniture(pending):
                pending.clear()
                _continue(last[1], part)
                part = last[1]
            else:
                flush()
                blocks.append(part)
            last = (number, part)
    flush()
    return blocks


def _furniture(bands: list[str]) -> bool:
    """Only page numbers (and blank lines) between a table's end and the next page's table."""
    lines = "\n".join(bands).replace("\r\n", "\n").split("\n")
    return all(not line.strip() or text.is_page_number(line) for line in lines)


def _continue(table: Table, part: Table) -> None:
    """Join the part a page break cut off: its repeated header rows dropped, and a row the
    break split (a long label's tail over the page, its figures before it) joined again."""
    rows = part.rows
    n = 0
    while n < len(rows) and n < len(table.rows) and _same(rows[n], table.rows[n]):
        n += 1
    rows = rows[n:]
    if rows and table.rows and _is_tail(rows[0]) and any(map(is_value, table.rows[-1])):
        _append_tail(table.rows[-1], _squeeze(rows[0]))
        rows = rows[1:]
    table.rows.extend(rows)


def _squeeze(row: list[str]) -> list[str]:
    """A row's texts as printed: blanks and the copies a spanning cell left dropped."""
    out: list[str] = []
    for cell in row:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


def _same(a: list[str], b: list[str]) -> bool:
    """The same row printed again, whatever spaces, brackets or misread characters the text
    layer or OCR put in it."""
    first, second = ("".join(label_key(c) for c in _squeeze(row)) for row in (a, b))
    if not first or first == second:
        return bool(first)
    alike = SequenceMatcher(None, first, second, autojunk=False)
    # the cheap upper bounds first: most rows compared are not alike at all
    return (
        alike.real_quick_ratio() >= _SAME_ROW
        and alike.quick_ratio() >= _SAME_ROW
        and (alike.ratio() >= _SAME_ROW)
    )


def _is_tail(row: list[str]) -> bool:
    """Label text with blank cells where the figures stand: the rest of a row the break cut (a
    heading row across the table has no blank cells)."""
    return any(row) and "" in row and not any(map(is_value, row))


def _append_tail(row: list[str], tails: list[str]) -> None:
    """Each tail text to the label cell it continues, matched from the right: the label next to
    the figures continues on its own line, a group label left of it with it."""
    labels = [c for c in _squeeze(row) if not is_value(c)]
    for label, tail in zip(reversed(labels), reversed(tails), strict=False):
        row[:] = [cell + tail if cell == label else cell for cell in row]
