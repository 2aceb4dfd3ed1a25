"""The archive in a real browser: Debian's chromium, headless, through Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium flags for a machine with no network and no display, run as root.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path(__file__).parent.parent / "docs" / "datasette-report.png"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def test_the_front_page_lists_the_archive(browser: object, site: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/")
    assert "nianbao" in page.title() and "年报" in page.content()
    page.close()


def test_a_report_page_shows_its_figures_and_links_the_original(browser: object, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(site + "/archive/reports?agency_name=金寨县花石乡人民政府")
    with page.expect_navigation():
        page.click("text=341524-金寨县花石乡人民政府-2020-v1")
    page.wait_for_selector("text=安徽省")
    link = page.locator("a", has_text="原件 / original").first
    href = link.get_attribute("href")
    assert href is not None and href.startswith("/-/captures/")
    if os.environ.get("NIANBAO_SCREENSHOT"):  # refresh the README's picture
        page.goto(site + "/archive/reports")
        page.locator(".facet-results").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOT))
    original = page.request.get(site + href)
    assert original.status == 200 and "金寨县花石乡".encode() in original.body()
    page.close()


def test_a_query_page_draws_a_chart(browser: object, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(site + "/archive/coverage")
    page.click("text=Show charting options")
    page.check("input[name=mark][value=bar]")
    page.select_option("select[name=x_column]", "省")
    page.select_option("select[name=y_column]", "报告数")
    page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=15000)
    page.close()
