"""Title, report year, agency and publication date, from the page's metadata and its text."""

from __future__ import annotations

import re

from extract import regions

_CJK = "\u4e00-\u9fff"
_TITLE = re.compile(
    rf"(?P<prefix>[{_CJK}（）()·]{{0,40}}?)(?P<year>(?:19|20)\d{{2}})\s*年度?\s*"
    rf"(?P<mid>[{_CJK}（）()]{{0,24}}?)"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报|报告)"
)
# Words that make a match part of a sentence or a notice's name, not the report's own title.
_NOT_TITLE = (
    "关于",
    "做好",
    "通知",
    "编制",
    "印发",
    "根据",
    "依据",
    "按照",
    "要求",
    "现将",
    "公布",
)
_LEADING_NOISE = re.compile(r"^(?:现将|现向社会公布|本机关|我单位|我局|我县|我市|我区)")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_YEAR_IN_TEXT = (
    re.compile(r"((?:19|20)\d{2})\s*年度?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"),
    re.compile(
        r"统计(?:期限|时限|时间|期间)(?:为|是|自)?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
    ),
    re.compile(
        r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|-|—)\s*(?:(?:19|20)\d{2}\s*年\s*)?12\s*月\s*31\s*日"
    ),
)
_ORGAN = re.compile(
    r"(人民政府|政府|办事处|委员会|管理委员会|管委会|局|委|办公室|办公厅|办|厅|院|中心|所|站|队|部|"
    r"署|馆|处|司|会|社|集团|公司|分局|支队|大队|中队|法院|检察院)$"
)
_PLACE_END = re.compile(r"(民族乡|乡|镇|苏木|县|市|区|旗|自治县|自治州|州|盟|省|自治区)$")
_CONTACT = re.compile(
    rf"(?:请与|联系单位[:：]?|向)([{_CJK}]{{3,30}}?(?:人民政府|办事处|局|委员会|办公室))"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def title(meta: dict[str, str], text: str) -> tuple[str | None, re.Match[str] | None]:
    """The report's own title and its parts: from the page's title fields, then the text."""
    candidates = [meta.get("title", "")]
    candidates += [v for k, v in sorted(meta.items()) if k.startswith("title_candidate")]
    head = "".join(line.strip() for line in text[:800].split("\n"))
    candidates += [head, text[:20000]]
    for candidate in candidates:
        candidate = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), candidate)
        for m in _TITLE.finditer(candidate):
            if not any(w in m.group(0) for w in _NOT_TITLE):
                return re.sub(r"\s+", "", m.group(0)), m
    return None, None


def year(match: re.Match[str] | None, text: str) -> int | None:
    """The year reported on (not the year of publication)."""
    if match is not None:
        return int(match["year"])
    for pattern in _YEAR_IN_TEXT:
        m = pattern.search(text[:20000])
        if m:
            return int(m.group(1))
    return None


def agency(match: re.Match[str] | None, meta: dict[str, str], text: str) -> str | None:
    """The agency in its fullest form: the title's, completed by the text (石门乡人民政府 →
    靖远县石门乡人民政府 when the text names it so)."""
    base = ""
    if match is not None:
        base = _LEADING_NOISE.sub("", match["prefix"]) or match["mid"]
    base = base.strip("（）() ") or meta.get("publisher", "")
    if not base:
        m = _CONTACT.search(text)
        base = m.group(1) if m else ""
    if not base:
        return None
    if not _ORGAN.search(base) and _PLACE_END.search(base):
        base += "办事处" if base.endswith("街道") else "人民政府"
    return _with_county(base, text)


def _with_county(name: str, text: str) -> str:
    """Prefix a township government's name with its county where the text writes it so."""
    peeled, rest = regions.peel(name)
    if peeled or not re.match(r"[\u4e00-\u9fff]{1,10}?(乡|镇|街道|苏木)", rest):
        return name
    g = regions.gazetteer()
    for m in re.finditer(re.escape(name), text):
        before = text[max(0, m.start() - 12) : m.start()]
        for size in range(min(len(before), 12), 1, -1):
            place = before[-size:]
            if any(p.level == "county" for p in g.by_name.get(place, ())):
                return place + name
    return name


def published(meta: dict[str, str]) -> str | None:
    """The publication date the page states, as YYYY-MM-DD."""
    for key in ("published", "written"):
        m = _DATE.search(meta.get(key, ""))
        if m:
            y, mo, d = m.groups()
            return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None
