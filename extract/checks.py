"""The arithmetic a correct report satisfies (勾稽关系), and its prose against its tables.

A failed check is a finding to show, never a reason to change or drop a value. A check runs only
where the figures it needs are printed: a blank cell is null, and null is not 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from extract import schema
from extract.model import Check

Cells = Mapping[str, int | float | None]
_OUTCOMES: dict[str, tuple[str, ...]] = {
    "2019": (
        "granted",
        "partially_granted",
        "denied_state_secret",
        "denied_prohibited_by_law",
        "denied_security_stability",
        "denied_third_party",
        "denied_internal_affairs",
        "denied_process_info",
        "denied_enforcement_files",
        "denied_query_matters",
        "unable_not_held",
        "unable_needs_creation",
        "unable_unclear",
        "rejected_petition",
        "rejected_repeated",
        "rejected_publications",
        "rejected_excessive",
        "rejected_confirmation",
        "other_handling",
    ),
}
_OUTCOMES["2021"] = (
    *_OUTCOMES["2019"][:-1],
    "other_no_correction",
    "other_unpaid_fee",
    "other_misc",
)
_PROSE = (
    (
        "prose.applications_received",
        "applications.new_received.total",
        re.compile(
            r"(?:新收|收到|受理|接收|接到)[^。；;，,\d\n]{0,16}?申请[^。；;，,\d\n]{0,10}?(\d+)\s*[件个份条]"
        ),
    ),
    (
        "prose.applications_received",
        "applications.new_received.total",
        re.compile(r"(?:未|没有)(?:收到|受理|接到)[^。；;，,\d\n]{0,12}?申请"),
    ),
    (
        "prose.review",
        "review_litigation.review.total",
        re.compile(r"行政复议[^。；;，,\d\n]{0,6}?(\d+)\s*[件起个]"),
    ),
)


# A stated figure may also count these: applications received including those carried over.
_ALSO_COUNTED = {"applications.new_received.total": "applications.carried_over.total"}


def run(cells: Cells, template: str | None, text: str = "") -> list[Check]:
    if template not in ("2019", "2021"):
        return []
    return [
        *_balance(cells),
        *_outcomes(cells, template),
        *_row_totals(cells, template),
        *_review_totals(cells),
        *prose(cells, text),
    ]


def _get(cells: Cells, key: str) -> int | float | None:
    return cells.get(key)


def _balance(cells: Cells) -> list[Check]:
    out = []
    for col in schema.APPLICANT_COLUMNS:
        keys = [
            f"applications.{r}.{col}"
            for r in ("new_received", "carried_over", "total_handled", "carried_forward")
        ]
        n, c, h, f = (_get(cells, k) for k in keys)
        if n is None or c is None or h is None or f is None:
            continue
        out.append(
            Check(
                f"applications.balance.{col}",
                n + c == h + f,
                f"new_received {n} + carried_over {c} = {n + c}; "
                f"total_handled {h} + carried_forward {f} = {h + f}",
            )
        )
    return out


def _sum_check(
    rule: str,
    total_key: str,
    total: int | float | None,
    parts: list[tuple[str, int | float | None]],
) -> Check | None:
    printed = [(k, v) for k, v in parts if v is not None]
    if total is None or not printed:
        return None
    s = sum(v for _, v in printed if v is not None)
    blanks = len(parts) - len(printed)
    terms = " + ".join(f"{k} {v}" for k, v in printed if v) or "all 0"
    note = f" ({blanks} blank)" if blanks else ""
    return Check(rule, abs(s - total) < 1e-6, f"{total_key} {total} vs sum {s} = {terms}{note}")


def _outcomes(cells: Cells, template: str) -> list[Check]:
    out = []
    for col in schema.APPLICANT_COLUMNS:
        parts = [(r, _get(cells, f"applications.{r}.{col}")) for r in _OUTCOMES[template]]
        check = _sum_check(
            f"applications.outcomes.{col}",
            f"total_handled.{col}",
            _get(cells, f"applications.total_handled.{col}"),
            parts,
        )
        if check:
            out.append(check)
    return out


def _row_totals(cells: Cells, template: str) -> list[Check]:
    out = []
    for row in schema.rows_of(template, "applications"):
        parts = [(c, _get(cells, f"applications.{row}.{c}")) for c in schema.APPLICANT_COLUMNS[:-1]]
        check = _sum_check(
            f"applications.row_total.{row}",
            f"{row}.total",
            _get(cells, f"applications.{row}.total"),
            parts,
        )
        if check:
            out.append(check)
    return out


def _review_totals(cells: Cells) -> list[Check]:
    out = []
    for group in schema.REVIEW_GROUPS:
        parts = [
            (c, _get(cells, f"review_litigation.{group}.{c}")) for c in schema.REVIEW_COLUMNS[:-1]
        ]
        check = _sum_check(
            f"review_litigation.total.{group}",
            f"{group}.total",
            _get(cells, f"review_litigation.{group}.total"),
            parts,
        )
        if check:
            out.append(check)
    return out


def prose(cells: Cells, text: str) -> list[Check]:
    """Figures the narrative states against the table's cells, where both are printed."""
    out: list[Check] = []
    done: set[str] = set()
    for rule, key, pattern in _PROSE:
        if rule in done or _get(cells, key) is None:
            continue
        m = pattern.search(text)
        if not m:
            continue
        stated = int(m.group(1)) if m.groups() else 0
        table = _get(cells, key)
        done.add(rule)
        detail = f"the text says {m.group(0)!r} ({stated}); the table has {key} = {table}"
        ok = stated == table
        also = _get(cells, _ALSO_COUNTED.get(key, ""))
        if not ok and table is not None and also is not None:
            # 受理…749件 often counts last year's carried-over applications too.
            ok = stated == table + also
            detail += f" (+ {_ALSO_COUNTED[key]} = {also})"
        out.append(Check(rule, ok, detail))
    return out


def carry_over(earlier: Cells, later: Cells, earlier_year: int, later_year: int) -> list[Check]:
    """Across years, same agency: what year N carried forward is what year N+1 carried over."""
    if later_year != earlier_year + 1:
        return []
    out = []
    for col in schema.APPLICANT_COLUMNS:
        fwd = _get(earlier, f"applications.carried_forward.{col}")
        over = _get(later, f"applications.carried_over.{col}")
        if fwd is None or over is None:
            continue
        out.append(
            Check(
                f"cross_year.carried_over.{col}",
                fwd == over,
                f"{earlier_year} carried_forward {fwd}; {later_year} carried_over {over}",
            )
        )
    return out
