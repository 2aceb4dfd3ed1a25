"""勾稽关系: each rule, its numbers in the detail, and no check where a figure is not printed."""

from __future__ import annotations

from extract import checks, schema

APPS = "applications"


def cells_2019(**overrides: int | None) -> dict[str, int | float | None]:
    cells: dict[str, int | float | None] = dict.fromkeys(schema.keys_of("2019"), 0)
    cells.update({k.replace("__", "."): v for k, v in overrides.items()})
    return cells


def rule(found: list, name: str):
    (check,) = [c for c in found if c.rule == name]
    return check


def test_balance_holds_when_received_plus_carried_equals_handled_plus_forwarded() -> None:
    cells = cells_2019(
        applications__new_received__natural_person=5,
        applications__total_handled__natural_person=4,
        applications__carried_forward__natural_person=1,
    )
    assert rule(checks.run(cells, "2019"), "applications.balance.natural_person").ok


def test_balance_fails_with_the_numbers_named() -> None:
    cells = cells_2019(applications__new_received__total=30)
    check = rule(checks.run(cells, "2019"), "applications.balance.total")
    assert not check.ok
    assert "new_received 30" in check.detail and "total_handled 0" in check.detail


def test_outcomes_sum_to_total_handled() -> None:
    cells = cells_2019(
        applications__granted__total=3,
        applications__other_handling__total=2,
        applications__total_handled__total=6,
    )
    check = rule(checks.run(cells, "2019"), "applications.outcomes.total")
    assert not check.ok and "sum 5" in check.detail


def test_the_2021_outcomes_include_the_three_other_rows() -> None:
    cells: dict[str, int | float | None] = dict.fromkeys(schema.keys_of("2021"), 0)
    cells["applications.other_misc.total"] = 2
    cells["applications.total_handled.total"] = 2
    assert rule(checks.run(cells, "2021"), "applications.outcomes.total").ok


def test_a_row_total_is_the_sum_of_the_six_applicant_columns() -> None:
    cells = cells_2019(
        applications__granted__natural_person=2,
        applications__granted__research=1,
        applications__granted__total=4,
    )
    check = rule(checks.run(cells, "2019"), "applications.row_total.granted")
    assert not check.ok and "granted.total 4 vs sum 3" in check.detail


def test_table_four_group_total_is_the_sum_of_its_outcomes() -> None:
    cells = cells_2019(review_litigation__review__pending=1, review_litigation__review__total=1)
    assert rule(checks.run(cells, "2019"), "review_litigation.total.review").ok


def test_no_check_runs_on_figures_that_are_not_printed() -> None:
    cells = cells_2019(applications__new_received__research=None)
    rules = {c.rule for c in checks.run(cells, "2019")}
    assert "applications.balance.research" not in rules


def test_the_narrative_is_checked_against_the_table() -> None:
    cells = cells_2019()
    (check,) = checks.prose(cells, "今年共受理网上政府信息公开申请30件，均在规定时间内答复。")
    assert not check.ok and "30" in check.detail


def test_a_narrative_saying_none_were_received_agrees_with_zero() -> None:
    (check,) = checks.prose(cells_2019(), "2020年度我乡未收到政府信息公开申请。")
    assert check.ok


def test_carried_over_matches_the_previous_years_carried_forward() -> None:
    earlier = cells_2019(applications__carried_forward__total=3)
    later = cells_2019(applications__carried_over__total=2)
    check = rule(checks.carry_over(earlier, later, 2020, 2021), "cross_year.carried_over.total")
    assert not check.ok and "2020 carried_forward 3" in check.detail


def test_every_real_report_in_the_corpus_fails_exactly_the_checks_it_breaks() -> None:
    """Real reports pass their own arithmetic, but for those whose expected file lists what
    they break (`failed_checks`)."""
    from extract import extract
    from tests.conftest import golden_corpus, load_expected

    for doc, expected in golden_corpus():
        report = extract(doc.read_bytes())
        failed = sorted(
            c.rule for c in report.checks if not c.ok and not c.rule.startswith("prose")
        )
        assert failed == load_expected(expected).get("failed_checks", []), doc.name
