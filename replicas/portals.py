"""The bundled replica portals, by the ids the portal registry names them with."""

from __future__ import annotations

from replicas.site import Site
from replicas.trs import TrsSite


def sites() -> list[Site]:
    return [
        TrsSite(
            "trs",
            ["shucheng-2020", "jinzhai-huashi-2020", "boai-xiaojing-2020", "huaian-city-2024"],
            pdf_of={"huaian-city-2024": "huaian-city-2024.pdf"},
        ),
        TrsSite(
            "trs-records",
            ["sanjiang-2020", "jingyuan-shimen-2021", "shuyang-fgj-2023"],
            column="/zwgk/ndbg/",
            per_page=2,
            pager_with_records=True,
        ),
    ]
