"""A portal whose annual-report list exists only after JavaScript runs.

Many portals draw their lists in the browser: the HTML holds an empty `<ul>`, and a script
computes a signed request to the site's search service and writes the links. The service
answers a request without the script's token with a 412 WAF challenge, as real sites do, so a
plain HTTP client sees no list at all; a browser sees it. Pages are `?page=N`, drawn by the same
script. Report pages themselves are plain HTML.
"""

from __future__ import annotations

import base64
import html
import json

from replicas.site import NOT_FOUND, Report, Request, Response, reports

PER_PAGE = 2
SECRET = "nianbao"  # what the obfuscated script below assembles

LIST = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>政府信息公开年报 - {site}</title>
<link rel="stylesheet" href="/css/main.css"></head>
<body>
<div class="header"><a href="/">{site}</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt;
<a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="main"><h2 class="col-title">政府信息公开年报</h2>
<ul id="list" class="list"><li class="loading">加载中……</li></ul>
<div id="pager" class="pager"></div>
</div>
<script>
(function () {{
  var _0x = ["o", "a", "b", "n", "a", "i", "n"].reverse().join("");
  var page = parseInt((location.search.match(/page=(\\d+)/) || [0, "1"])[1], 10);
  var token = btoa(_0x + "-" + page);
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "/api/search?column=xxgknb&page=" + page + "&token=" + encodeURIComponent(token));
  xhr.onload = function () {{
    var data = JSON.parse(xhr.responseText), list = document.getElementById("list");
    list.innerHTML = data.items.map(function (it) {{
      return '<li><a href="' + it.path + '" title="' + it.title + '">' + it.title +
        '</a><span class="date">' + it.date + "</span></li>";
    }}).join("");
    var pager = [];
    for (var i = 1; i <= data.pages; i++) {{
      pager.push(i === page ? "<span>" + i + "</span>" : '<a href="?page=' + i + '">' + i + "</a>");
    }}
    document.getElementById("pager").innerHTML = pager.join(" ");
  }};
  xhr.send();
}})();
</script>
</body></html>
"""

ARTICLE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<meta name="PubDate" content="{date}"></head>
<body><div class="crumb">当前位置：<a href="/">首页</a> &gt;
<a href="/zwgk/xxgknb/">政府信息公开年报</a></div>
<div class="article"><h1>{title}</h1><div class="info">发布日期：{date}</div>
<div class="content">{body}</div></div></body></html>
"""


class ScriptedSite:
    """A county portal (hand-made CMS) whose 年报 column is drawn by script."""

    platform = "scripted"

    def __init__(self, id: str, slugs: list[str], name: str = "仿真县人民政府") -> None:
        self.id = id
        self.name = name
        found = [reports()[s] for s in slugs]
        self.reports: list[Report] = sorted(found, key=lambda r: r.published, reverse=True)
        self.paths = {f"/zwgk/xxgknb/{r.published[:4]}/{r.slug}.html": r for r in self.reports}

    @property
    def entry(self) -> str:
        return "/zwgk/xxgknb/"

    def handle(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return Response(b"User-agent: *\nAllow: /\n", content_type="text/plain")
        if request.path in ("/zwgk/xxgknb/", "/zwgk/xxgknb/index.html"):
            return Response(LIST.format(site=self.name).encode("utf-8"))
        if request.path == "/api/search":
            return self._search(request)
        report = self.paths.get(request.path)
        if report:
            page = ARTICLE.format(
                title=html.escape(report.title), date=report.published, body=report.body
            )
            return Response(page.encode("utf-8"))
        return NOT_FOUND

    def _search(self, request: Request) -> Response:
        page = int(request.arg("page", "1") or 1)
        expected = base64.b64encode(f"{SECRET}-{page}".encode()).decode()
        if request.arg("token") != expected:
            return Response(
                b"<html><body>412 Precondition Failed: please enable JavaScript</body></html>",
                status=412,
            )
        pages = max(1, -(-len(self.reports) // PER_PAGE))
        chosen = self.reports[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = [
            {"title": r.title, "date": r.published, "path": path}
            for path, r in self.paths.items()
            if r in chosen
        ]
        body = json.dumps({"page": page, "pages": pages, "items": items}, ensure_ascii=False)
        return Response(body.encode("utf-8"), content_type="application/json; charset=utf-8")


def sites() -> list[ScriptedSite]:
    return [
        ScriptedSite("scripted", ["shuyang-gov-2025", "boai-xiaojing-2020", "jingyuan-shimen-2021"])
    ]
