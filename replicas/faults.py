"""A hostile portal: a plain county site whose 年报 column links a report page for each way a
real server fails a crawler. Every fault is one the crawl must record with its reason and get
past:

* 500 on every try; 429 with Retry-After: 1, then the report; 503 with Retry-After: 3600;
* 412, a web application firewall's script challenge;
* an answer slower than the download timeout; a connection reset; a body cut short of its
  Content-Length;
* a page in GBK whose header says UTF-8;
* a gzip decompression bomb; an attachment of 250 MB;
* a redirect loop and a redirect off the site;
* a page robots.txt disallows;
* and, when NIANBAO_REPLICA_CHANGES says {"layout": {"faults": "scripted"}}, the column
  redrawn so that its links are script calls: a list that leads nowhere any more.

The slow answer waits `STALL` seconds: over the download timeout of a crawl of the replicas
(crawler/run.py), under the default of a real one.
"""

from __future__ import annotations

import gzip
import html
from functools import cache

from replicas.site import Request, Response, changes, reports

SITE_NAME = "示范镇人民政府（故障）"
COLUMN = "/xxgk/gknb/"
STALL = 4.0
# The bomb: this many zero bytes, gzipped to about a thousandth of it.
BOMB = 300 * 1024 * 1024
HUGE = 250 * 1024 * 1024

# Each entry: (article id, what is wrong with it).
FAULTS = [
    (9101, "500"),
    (9102, "429"),
    (9103, "503"),
    (9104, "412"),
    (9105, "slow"),
    (9106, "reset"),
    (9107, "truncated"),
    (9108, "charset"),
    (9109, "bomb"),
    (9110, "huge"),
    (9111, "loop"),
    (9112, "offsite"),
    (9113, "private"),
]
# The real report behind the pages that do answer.
REPORT = "shuyang-gov-2025"

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="{column}">政府信息公开年报</a></div>
<div class="main">{main}</div></body></html>"""


def _page(title: str, main: str) -> bytes:
    return PAGE.format(title=html.escape(title), column=COLUMN, main=main).encode()


def path(article: int, fault: str) -> str:
    folder = "private/" if fault == "private" else ""
    return f"/content/{folder}2025-01/31/content_{article}.html"


def title(fault: str) -> str:
    return f"示范镇2024年政府信息公开工作年度报告（{fault}）"


@cache
def bomb() -> bytes:
    return gzip.compress(bytes(BOMB), compresslevel=9)


class FaultySite:
    platform = "generic"

    def __init__(self, id: str = "faults") -> None:
        self.id = id
        self.tries: dict[str, int] = {}
        self._faults = {path(a, f): f for a, f in FAULTS}

    @property
    def entry(self) -> str:
        return "/"

    def handle(self, request: Request) -> Response:
        p = request.path
        if p == "/robots.txt":
            return Response(
                b"User-agent: *\nDisallow: /content/private/\n", content_type="text/plain"
            )
        if p in ("/", "/index.html"):
            return Response(_page(SITE_NAME, f'<a href="{COLUMN}">政府信息公开年报</a>'))
        if p in (COLUMN, COLUMN + "index.html"):
            return Response(self._column())
        if p.startswith("/loop/"):
            other = "/loop/b.html" if p == "/loop/a.html" else "/loop/a.html"
            return Response(b"", status=302, headers={"Location": other})
        if p == "/files/report.pdf":
            return Response(b"", content_type="application/pdf", fault=f"stream:{HUGE}")
        fault = self._faults.get(p)
        if fault is None:
            return Response(b"<html><body>404</body></html>", status=404)
        self.tries[p] = self.tries.get(p, 0) + 1
        return self._fault(fault, self.tries[p])

    def _column(self) -> bytes:
        scripted = changes().get("layout", {}).get(self.id) == "scripted"
        if scripted:  # the redesign: every link a script call, nothing a crawler can follow
            items = "".join(
                f'<li onclick="openArticle({a})">{html.escape(title(f))}</li>' for a, f in FAULTS
            )
        else:
            items = "".join(
                f'<li><a href="{path(a, f)}">{html.escape(title(f))}</a>'
                f"<span>2025-01-31</span></li>"
                for a, f in FAULTS
            )
        return _page("政府信息公开年报", f"<ul class='list'>{items}</ul>")

    def _fault(self, fault: str, tries: int) -> Response:
        report = reports()[REPORT]
        page = _page(report.title, f"<h1>{html.escape(report.title)}</h1>{report.body}")
        if fault == "500":
            return Response(b"<h1>500 Internal Server Error</h1>", status=500)
        if fault == "429":
            if tries == 1:
                return Response(b"Too Many Requests", status=429, headers={"Retry-After": "1"})
            return Response(page)
        if fault == "503":
            return Response(b"Service Unavailable", status=503, headers={"Retry-After": "3600"})
        if fault == "412":
            challenge = (
                b"<html><script>var _0x2a=['\\x63\\x6f\\x6f\\x6b\\x69\\x65'];</script></html>"
            )
            return Response(challenge, status=412)
        if fault == "slow":
            return Response(page, fault=f"stall:{STALL}")
        if fault == "reset":
            return Response(b"", fault="reset")
        if fault == "truncated":
            return Response(page, fault="truncate")
        if fault == "charset":
            return Response(page.decode().replace("utf-8", "gbk").encode("gbk", "replace"))
        if fault == "bomb":
            return Response(bomb(), headers={"Content-Encoding": "gzip"})
        if fault == "huge":
            link = '<p>附件：<a href="/files/report.pdf">年度报告全文.pdf</a></p>'
            return Response(_page(report.title, f"<h1>{html.escape(report.title)}</h1>{link}"))
        if fault == "loop":
            return Response(b"", status=302, headers={"Location": "/loop/a.html"})
        if fault == "offsite":
            return Response(b"", status=302, headers={"Location": "http://example.invalid/nb.html"})
        return Response(page)  # private: served, but robots.txt forbids it


def sites() -> list[FaultySite]:
    return [FaultySite()]
