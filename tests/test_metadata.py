"""Title, year, agency, region and its code, from real documents' own words."""

from __future__ import annotations

from extract import extract, regions
from extract.metadata import title
from tests.conftest import FIXTURES


def test_a_title_broken_over_two_lines_is_joined() -> None:
    text = "[bookmark: _GoBack] 金寨县花石乡2020年政府信息公开工作\n年度报告\n本报告依据"
    assert title({}, text).text == "金寨县花石乡2020年政府信息公开工作年度报告"


def test_a_breadcrumb_above_the_title_is_not_part_of_it() -> None:
    text = "网站首页 > 政务公开\n金寨县花石乡2020年政府信息公开工作年度报告\n本报告依据"
    assert title({}, text).text == "金寨县花石乡2020年政府信息公开工作年度报告"


def test_a_document_without_a_title_line_takes_it_from_the_sentence_naming_it() -> None:
    text = (
        "根据《甘肃省人民政府信息公开办公室关于做好2021年政府信息公开工作年度报告编发工作的"
        "通知》要求,编制了《石门乡2021年政府信息公开工作年度报告》。"
    )
    assert title({}, text).text == "石门乡2021年政府信息公开工作年度报告"


def test_a_page_title_loses_the_sites_suffix() -> None:
    found = title(
        {"title_candidate_0": "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"}, ""
    )
    assert found is not None
    assert found.text == "沭阳县发展和改革局2023年政府信息公开年度报告"


def test_a_sentence_naming_the_report_gives_the_title_without_its_lead() -> None:
    found = title({}, "现向社会公布沭阳县发展和改革局2023年度政府信息公开年度报告。")
    assert found is not None and found.prefix == "沭阳县发展和改革局"
    assert found.text == "沭阳县发展和改革局2023年度政府信息公开年度报告"


def test_an_issuer_before_guanyu_is_the_agency() -> None:
    from extract.metadata import agency

    found = title({}, "舒城县人民政府关于2020年政府信息公开工作年度报告\n一、总体情况")
    assert agency(found, {}, "") == "舒城县人民政府"


def test_a_report_titled_without_its_agency_is_signed_by_it() -> None:
    from extract.metadata import agency

    text = "2020年政府信息公开工作年度报告\n一、总体情况\n……\n花石乡人民政府\n2021年1月20日"
    assert agency(title({}, text), {}, text) == "花石乡人民政府"


def test_the_report_year_is_not_the_publication_year() -> None:
    report = extract((FIXTURES / "reports" / "shuyang-fgj-2023.html").read_bytes())
    assert report.year == 2023
    assert report.published == "2024-01-17"


def test_a_township_agency_takes_its_county_from_the_text() -> None:
    report = extract((FIXTURES / "seeds" / "003_6ec675e0a26dcb8f.txt").read_bytes())
    assert report.agency == "靖远县石门乡人民政府"
    assert report.level == "township"


def test_the_region_has_full_names_and_the_most_specific_code() -> None:
    region, level = regions.resolve("金寨县花石乡人民政府", "")
    assert (region.province, region.city, region.county, region.township) == (
        "安徽省",
        "六安市",
        "金寨县",
        "花石乡",
    )
    assert region.code == "341524" and level == "township"


def test_a_development_zone_with_its_own_code_is_the_county() -> None:
    region, _ = regions.resolve("三江乡人民政府", "可以在赣州经济技术开发区网站下载")
    assert region.county == "赣州经济技术开发区" and region.city == "赣州市"
    assert region.code == "360791"


def test_a_municipality_is_both_province_and_city() -> None:
    region, level = regions.resolve("上海市嘉定区人民政府", "")
    assert (region.province, region.city, region.county) == ("上海市", "上海市", "嘉定区")
    assert level == "county"


def test_a_city_government_has_no_county() -> None:
    region, level = regions.resolve("淮安市人民政府", "")
    assert (region.province, region.city, region.county, region.code) == (
        "江苏省",
        "淮安市",
        None,
        "320800",
    )
    assert level == "city"


def test_a_county_name_shared_by_several_cities_is_settled_by_the_text() -> None:
    region, _ = regions.resolve("朝阳区人民政府", "吉林省长春市")
    assert region.city == "长春市"


def test_an_agency_named_without_its_city_takes_the_city_the_text_names() -> None:
    region, level = regions.resolve(
        "市发展和改革委员会", "淮安市人民政府网站 江苏省 淮安市清江浦区"
    )
    assert (region.city, region.county, level) == ("淮安市", None, "city")


def test_a_place_name_misprinted_by_ocr_resolves_to_the_real_division() -> None:
    assert regions.corrected("沐阳县人民政府") == ("沭阳县", "沭阳县人民政府")
    report = extract((FIXTURES / "reports" / "shuyang-gov-2025.txt").read_bytes())
    assert (report.agency, report.region.county, report.region.code) == (
        "沭阳县人民政府",
        "沭阳县",
        "321322",
    )
    assert "place_corrected" in {w.code for w in report.warnings}


def test_a_real_place_name_is_never_corrected() -> None:
    assert regions.corrected("泗阳县人民政府") is None
    assert regions.corrected("发展和改革局") is None


def test_a_zone_on_a_countys_land_resolves_to_the_county() -> None:
    region, _ = regions.resolve("平潭综合实验区管委会", "")
    assert (region.province, region.city, region.county) == ("福建省", "福州市", "平潭县")


def test_an_agency_ending_in_a_place_takes_the_organ_the_text_names() -> None:
    from extract.metadata import agency

    text = "平潭综合实验区2019年度政府信息公开工作年度报告\n请与平潭综合实验区管委会办公室联系"
    assert agency(title({}, text), {}, text) == "平潭综合实验区管委会"
