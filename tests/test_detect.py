"""Which platform serves a page, from each replica's entry page as it serves it."""

from __future__ import annotations

import pytest

from crawler.detect import platform_of
from replicas.portals import sites
from replicas.site import Request


@pytest.mark.parametrize(
    "site_id, platform",
    [
        ("trs", "trs"),
        ("trs-records", "trs"),
        ("hanweb", "hanweb"),
        ("gkmlpt", "gkmlpt"),
        ("anhui", "anhui"),
        ("vsb", "vsb"),
        ("generic", "generic"),
    ],
)
def test_the_platform_is_told_from_the_entry_page(site_id: str, platform: str) -> None:
    (site,) = [s for s in sites() if s.id == site_id]
    path, _, query = site.entry.partition("?")
    page = site.handle(Request("GET", path, {k: [v] for k, v in _pairs(query)})).body
    url = "http://127.0.0.1:8600" + site.entry
    assert platform_of(url, page.decode("gb18030", "replace")) == platform


def test_the_url_alone_tells_a_platform_whose_page_is_a_shell() -> None:
    assert platform_of("https://www.ah.gov.cn/public/column/1681?type=3&action=list", "") == "anhui"
    assert platform_of("http://whly.gd.gov.cn/gkmlpt/annualreport", "<html></html>") == "gkmlpt"
    assert platform_of("http://www.jiangsu.gov.cn/col/col31251/index.html", "") == "hanweb"


def _pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(p.split("=", 1)) for p in query.split("&") if "=" in p]  # type: ignore[misc]
