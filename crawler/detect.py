"""Which platform serves a page: how an operator tries a new portal from its URL alone."""

from __future__ import annotations

import re

# Each platform's fingerprints, most specific first: (platform, URL pattern, page pattern).
FINGERPRINTS: list[tuple[str, str | None, str | None]] = [
    ("gkmlpt", r"/gkmlpt/", r"window\._CONFIG\s*=\s*\{"),
    ("anhui", r"/public/column/\d+", r"/site/label/8888|publicInfoList"),
    ("jpaas", None, r"jpaas-publish-server/front/page/build/unit"),
    ("hanweb", r"/col/col\d+/", r"<datastore>|jpage/dataproxy\.jsp"),
    ("vsb", r"/info/\d+/\d+\.htm|/list/\d+\.htm", r"class=\"?p_pages|_sitegray|v_news_content"),
    ("trs", None, r"createPageHTML\(|class=\"?TRS_Editor|\./\d{6}/t\d{8}_\d+\.s?html?"),
]


def platform_of(url: str, html: str) -> str:
    """The platform whose fingerprints the URL or page carries; `generic` when none do (the
    generic spider then looks for the annual-report column itself)."""
    for platform, url_pattern, page_pattern in FINGERPRINTS:
        if page_pattern and re.search(page_pattern, html):
            return platform
        if url_pattern and re.search(url_pattern, url):
            return platform
    return "generic"
