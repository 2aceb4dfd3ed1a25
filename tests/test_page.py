"""A web page's main content (trafilatura): the report's prose for search, its title and date."""

from __future__ import annotations

from extract.page import main_content
from replicas.site import Request
from replicas.trs import TrsSite
from tests.conftest import FIXTURES


def test_main_content_is_the_reports_prose_without_tables_or_menus() -> None:
    page = main_content((FIXTURES / "reports" / "shuyang-fgj-2023.html").read_bytes())
    assert page.title == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert page.text is not None and page.text.startswith("根据《中华人民共和国政府信息公开条例》")
    assert "本年制发件数" not in page.text  # a table label: the tables come from extract()


def test_a_portal_page_gives_its_date_and_not_its_menus() -> None:
    site = TrsSite("trs", ["shucheng-2020"])
    path = site.entry + site.articles[0].href[2:]
    page = main_content(site.handle(Request("GET", path)).body)
    assert page.date == "2021-01-31"
    assert page.text is not None and "相关解读" not in page.text and "首页" not in page.text


def test_a_stub_page_gives_no_text() -> None:
    html = "<html><body><p>详见附件。</p><a href='a.pdf'>附件</a></body></html>".encode()
    assert main_content(html).text is None
