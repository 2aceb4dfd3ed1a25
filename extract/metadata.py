"""Title, report year, agency and publication date, from the page's metadata and its text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extract import regions

_CJK = "\u4e00-\u9fff"
_TITLE = re.compile(
    rf"(?P<prefix>[{_CJK}（）()· \u3000]{{0,40}}?)(?P<year>(?:19|20)\d{{2}})\s*年度?\s*"
    rf"(?P<mid>[{_CJK}（）()]{{0,24}}?)"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报|报告)"
)
# Words that make a match part of a sentence, not the report's own title.
_SENTENCE = ("做好", "编制", "印发", "转发", "根据", "依据", "按照", "要求", "通知")
# What follows a notice's name (关于做好2021年…年度报告编发工作的通知), never a title.
_NOTICE_AFTER = re.compile(r"\s*(?:编发|编制|编报|报送|发布工作|工作的?通知|的通知|通知)")
# What a sentence puts before the title it names: 现向社会公布…, 现将…
_LEAD = re.compile(r"^.*?(?:现将|现向社会公布|现予公布|公布|发布|本机关|我单位)")
_CRUMB = re.compile(r"[>›»＞→]|当前位置|您的位置|您现在的位置")
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
_PLACE_END = re.compile(r"(民族乡|乡|镇|苏木|街道|县|市|区|旗|自治县|自治州|州|盟|省|自治区)$")
# The organs that govern a place, as reports name them after it.
_GOVERNMENT = r"(人民政府|管理委员会|管委会|街道办事处|办事处)"
_CONTACT = re.compile(
    rf"(?:请与|联系单位[:：]?|向)([{_CJK}]{{3,30}}?(?:人民政府|办事处|局|委员会|办公室))"
)
_SIGNATURE = re.compile(
    rf"([{_CJK}]{{2,30}}(?:人民政府|办事处|委员会|管委会|局|办公室|办公厅|厅|中心))\s*"
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


@dataclass(frozen=True)
class Title:
    """A report title as printed, with the parts that name its agency and its year."""

    text: str
    prefix: str
    mid: str
    year: int


def title(meta: dict[str, str], text: str) -> Title | None:
    """The report's own title: from the page's title fields, then the head of the text, then
    anywhere in it."""
    candidates = [meta.get("title", "")]
    candidates += [v for k, v in sorted(meta.items()) if k.startswith("title_candidate")]
    # A title broken over lines is rejoined; a breadcrumb line (首页 > 政务公开) is not.
    head = "".join("。" if _CRUMB.search(line) else line.strip() for line in text[:800].split("\n"))
    candidates += [head, text[:20000]]
    for candidate in candidates:
        candidate = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), candidate)
        for m in _TITLE.finditer(candidate):
            found = _title(m, candidate)
            if found is not None:
                return found
    return None


def _title(m: re.Match[str], candidate: str) -> Title | None:
    if _NOTICE_AFTER.match(candidate, m.end()):
        return None
    lead = _LEAD.match(m["prefix"])
    prefix = m["prefix"][lead.end() :] if lead else m["prefix"]
    if any(w in prefix for w in _SENTENCE):
        return None
    prefix = prefix.strip("（）() \u3000")
    issuer = prefix.split("关于")[0]
    if issuer and not (_ORGAN.search(issuer) or _PLACE_END.search(issuer)):
        prefix = issuer = ""  # 正文, 标题: a word before the title, not its agency
    printed = prefix + m.group(0)[m.start("year") - m.start() :]
    return Title(re.sub(r"\s+", "", printed), re.sub(r"\s+", "", issuer), m["mid"], int(m["year"]))


def year(found: Title | None, text: str) -> int | None:
    """The year reported on (not the year of publication)."""
    if found is not None:
        return found.year
    for pattern in _YEAR_IN_TEXT:
        m = pattern.search(text[:20000])
        if m:
            return int(m.group(1))
    return None


def agency(found: Title | None, meta: dict[str, str], text: str) -> str | None:
    """The agency in its fullest form: the title's, completed by the text (石门乡人民政府 →
    靖远县石门乡人民政府 when the text names it so)."""
    base = ""
    if found is not None:
        base = found.prefix or found.mid
    base = base or meta.get("publisher", "") or _signed(text)
    if not base:
        m = _CONTACT.search(text)
        base = m.group(1) if m else ""
    if not base:
        return None
    if not _ORGAN.search(base) and _PLACE_END.search(base):
        base += _organ_of(base, text)
    return _with_county(base, text)


def _organ_of(place: str, text: str) -> str:
    """The organ a place's report comes from, as the text names it (平潭综合实验区管委会), else
    the usual one: a township's or county's 人民政府, a sub-district's 办事处."""
    named = Counter(m.group(1) for m in re.finditer(re.escape(place) + _GOVERNMENT, text))
    if named:
        return named.most_common(1)[0][0]
    return "办事处" if place.endswith("街道") else "人民政府"


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


def _signed(text: str) -> str:
    """The agency that signs the report: its name above the date at the end."""
    m = _SIGNATURE.search(text[-1500:])
    return m.group(1) if m else ""


def published(meta: dict[str, str]) -> str | None:
    """The publication date the page states, as YYYY-MM-DD."""
    for key in ("published", "written"):
        m = _DATE.search(meta.get(key, ""))
        if m:
            y, mo, d = m.groups()
            return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None
