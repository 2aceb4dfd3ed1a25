"""The archive as researchers see it: a real Datasette over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

from archive.publish.serve import metadata_for
from archive.store import Archive
from tests.conftest import FIXTURES

SEED = FIXTURES / "seeds" / "000_4d0d487dab0ad5cb.txt"


def get(base: str, path: str, **params: str) -> tuple[int, dict[str, str], bytes]:
    url = base + urllib.parse.quote(path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


def rows(base: str, path: str, **params: str) -> list[dict]:
    return json.loads(get(base, path, _shape="array", **params)[2])


def test_the_reports_table_page_has_its_facets(site: str) -> None:
    status, _, body = get(site, "/archive/reports")
    page = body.decode()
    assert status == 200
    assert "安徽省" in page and "province" in page and "checks_failed" in page


def facets(site: str, **params: str) -> dict[str, dict[str, int]]:
    page = json.loads(get(site, "/archive/reports.json", **params)[2])
    return {
        name: {str(v["value"]): v["count"] for v in facet["results"]}
        for name, facet in page["facet_results"].items()
    }


def test_browsing_reports_counts_them_by_province_level_year_and_checks(site: str) -> None:
    found = facets(site)
    assert set(found) >= {"province", "city", "level", "year", "template", "checks_failed"}
    assert found["province"]["安徽省"] == 2 and found["year"]["2024"] == 1


def test_a_search_lists_its_matches_and_facets_them_only_when_asked(site: str) -> None:
    assert facets(site, _search="复议") == {}
    assert facets(site, _search="复议", _facet="province") == {
        "province": {"安徽省": 2, "江苏省": 2, "江西省": 1, "河南省": 1, "甘肃省": 1}
    }


def test_applications_by_area_lists_each_agency_with_its_source(site: str) -> None:
    found = rows(
        site,
        "/archive/applications_by_area.json",
        province="安徽省",
        level="county",
        year_from="2019",
        year_to="2023",
    )
    assert [(r["机关"], r["本年新收"], r["上年结转"]) for r in found] == [("舒城县人民政府", 31, 1)]
    assert found[0]["原件"].startswith("/-/captures/")


def test_failed_checks_show_the_rule_and_its_numbers(site: str) -> None:
    (row,) = rows(site, "/archive/failed_checks.json")
    assert row["机关"] == "靖远县石门乡人民政府" and "30" in row["明细"]


def test_coverage_counts_reports_per_province_and_year(site: str) -> None:
    found = {(r["省"], r["年度"]): r["报告数"] for r in rows(site, "/archive/coverage.json")}
    assert found[("安徽省", 2020)] == 2 and found[("江苏省", 2024)] == 1


def test_an_agencys_history_lists_its_years(site: str) -> None:
    (row,) = rows(site, "/archive/agency_history.json", agency="淮安市人民政府")
    assert (row["年度"], row["本年新收"], row["结转下年度"]) == (2024, 3119, 103)


def test_carry_over_breaks_is_empty_when_no_agency_has_two_years(site: str) -> None:
    assert rows(site, "/archive/carry_over_breaks.json") == []


def search(site: str, words: str) -> list[str]:
    found = rows(site, "/archive/reports.json", _search=words, _col="agency_name")
    return sorted(r["agency_name"] for r in found)


def test_search_finds_a_word_inside_a_sentence(site: str) -> None:
    assert search(site, "蝠牌茶业") == ["金寨县花石乡人民政府"]


def test_search_finds_a_two_character_word(site: str) -> None:
    assert search(site, "雨露") == ["金寨县花石乡人民政府"]
    assert len(search(site, "复议")) == 7


def test_search_finds_a_single_character_and_requires_every_term(site: str) -> None:
    assert search(site, "蝠") == ["金寨县花石乡人民政府"]
    assert search(site, "蝠牌 淮安") == []


def test_the_capture_link_returns_the_original_bytes(site: str) -> None:
    (report,) = rows(site, "/archive/reports.json", agency_name="金寨县花石乡人民政府")
    status, headers, body = get(site, f"/-/captures/{report['capture']}")
    assert status == 200 and body == SEED.read_bytes()
    assert headers["X-Capture-Url"].endswith(SEED.name)


def test_every_view_exports_csv(site: str) -> None:
    status, headers, body = get(site, "/archive/applications_wide.csv", _stream="on")
    assert status == 200 and headers["content-type"].startswith(("text/csv", "text/plain"))
    assert "一、本年新收政府信息公开申请数量·自然人" in body.decode("utf-8")


def test_the_archive_is_served_read_only(site: str) -> None:
    (db,) = json.loads(get(site, "/-/databases.json")[2])
    assert db["is_mutable"] is False


def test_every_table_and_column_is_titled_and_described(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    described = metadata_for(archive.path)["databases"]["archive"]["tables"]
    tables = [t for t in archive.db.table_names() if not t.startswith(("_", "reports_search"))]
    for table in tables:
        meta = described[table]
        assert meta.get("title"), table
        missing = set(archive.db.table(table).columns_dict) - set(meta.get("columns", {}))
        assert not missing, (table, missing)


def canned(name: str) -> str:
    return metadata_for(Path("archive.db"))["databases"]["archive"]["queries"][name]["sql"]


def test_carry_over_breaks_find_an_agency_whose_years_disagree(tmp_path: Path) -> None:
    from nianbao import ingest

    later = tmp_path / "huashi-2021.txt"
    text = SEED.read_text(encoding="utf-8").replace("2020年", "2021年")
    lines = text.split("\n")
    at = lines.index("\t二、上年结转政府信息公开申请数量")
    lines[at + 1], lines[at + 7] = "\t2", "\t2"  # carried over 2, the 2020 report forwarded 0
    later.write_text("\n".join(lines), encoding="utf-8")
    archive = Archive(tmp_path / "archive.db")
    ingest.add(archive, [SEED, later], timeout=30)
    found = [dict(r) for r in archive.db.query(canned("carry_over_breaks"))]
    assert [(r["机关"], r["年度"], r["结转下年度"], r["次年上年结转"]) for r in found] == [
        ("金寨县花石乡人民政府", 2020, 0, 2)
    ]
