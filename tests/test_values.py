from extract.values import is_value, parse, split_numeric_line, unit_in


def test_a_plain_count_is_an_integer() -> None:
    assert parse("243").number == 243


def test_zeng_is_an_increase_and_jian_a_decrease() -> None:
    assert parse("增10").number == 10
    assert parse("减3").number == -3


def test_an_amount_keeps_its_figure_and_reports_its_unit() -> None:
    value = parse("15922.04万元")
    assert value.number == 15922.04
    assert value.unit == "万元"


def test_a_blank_cell_is_null_never_zero() -> None:
    assert parse("").number is None
    assert parse(None).number is None


def test_a_real_zero_stays_zero() -> None:
    assert parse("0").number == 0
    assert parse("0.00").number == 0


def test_a_dash_or_slash_prints_no_figure() -> None:
    assert is_value("—") and parse("—").number is None
    assert is_value("/") and parse("/").number is None


def test_thousands_separators_and_lost_characters_are_read_through() -> None:
    assert parse("3,985,758").number == 3985758
    assert parse("?0").number == 0


def test_numbered_labels_are_not_values() -> None:
    assert not is_value("1.属于国家秘密")
    assert is_value("2.7")


def test_a_header_names_its_money_unit() -> None:
    assert unit_in("采购总金额（单位：万元，保留4位小数）") == "万元"
    assert unit_in("采购项目数量") is None


def test_a_row_flattened_into_one_line_splits_into_cells() -> None:
    assert split_numeric_line("行政许可 5 0 243") == ["行政许可", "5", "0", "243"]
    assert split_numeric_line("0 0 0 0 0") == ["0"] * 5
    assert split_numeric_line("本年度共收到申请 5 件") is None
