"""Where an agency sits: province, city, county, township and the GB/T 2260 code.

Names and codes come from the division list JioNLP ships (civil-affairs data, province to county
with codes, townships by name), plus `data/zones.tsv` for development zones that the statistics
bureau codes as counties. Resolution reads the agency's own name first, then what the text
mentions, weighing a county that holds the agency's township.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extract.model import Region
from extract.resources import read_tsv

_LEVELS = ("province", "city", "county")
_TOWNSHIP = re.compile(
    r"^([\u4e00-\u9fff]{1,10}?(?:民族乡|乡|镇|街道|苏木))(?=人民政府|政府|办事处|$)"
)
# An agency named without its place (市发改委, 县财政局) sits at the level its first character says.
_UNNAMED = {"省": "province", "市": "city", "县": "county", "区": "county", "旗": "county"}
_PLACE_ENDS = "省市县区旗州盟"
_SUFFIX = re.compile(f"[{_PLACE_ENDS}]")
# Names too common as plain words to count as mentions (城区 is a district of 阳泉 and a word).
_MIN_MENTION = 3


@dataclass(frozen=True)
class Place:
    name: str
    code: str
    level: str
    parent: str | None


@dataclass
class Gazetteer:
    places: dict[str, Place] = field(default_factory=dict)
    by_name: dict[str, list[Place]] = field(default_factory=dict)
    townships: dict[str, list[str]] = field(default_factory=dict)
    by_prefix: dict[str, list[str]] = field(default_factory=dict)
    longest: int = 0

    def add(self, place: Place, *aliases: str) -> None:
        self.places.setdefault(place.code, place)
        for name in (place.name, *aliases):
            self.by_name.setdefault(name, []).append(place)
            self.by_prefix.setdefault(name[:2], []).append(name)
            self.longest = max(self.longest, len(name))

    def mentions(self, text: str) -> Counter[str]:
        """How often each place name occurs in `text`: the longest name ending at each place
        suffix (省, 市, 县, 区, …), so a scan costs a few lookups per suffix, not per character."""
        found: Counter[str] = Counter()
        for m in _SUFFIX.finditer(text):
            end = m.end()
            for size in range(min(self.longest, end), _MIN_MENTION - 1, -1):
                if text[end - size : end] in self.by_name:
                    found[text[end - size : end]] += 1
                    break
        return found


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    g = Gazetteer()
    with zipfile.ZipFile(_location_file()) as z:
        text = z.read(z.namelist()[0]).decode("utf-8")
    parents: list[str | None] = [None, None, None]
    county: str | None = None
    for line in io.StringIO(text):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 3:
            continue
        parts = line.strip().split("\t")
        if depth == 3:
            if county:
                g.townships.setdefault(parts[0], []).append(county)
            continue
        if len(parts) < 2 or parts[0] == "省直辖行政区划":
            parents[depth] = parents[depth - 1] if depth else None
            continue
        place = Place(parts[0], parts[1], _LEVELS[depth], parents[depth - 1] if depth else None)
        g.add(place)
        parents[depth] = place.code
        county = place.code if depth == 2 else None
    for zone in read_tsv("zones.tsv"):
        aliases = [a for a in zone["aliases"].split(",") if a]
        if zone["code"] in g.places:  # a zone on a county's land, under the county's code
            g.add(g.places[zone["code"]], zone["name"], *aliases)
        else:
            g.add(Place(zone["name"], zone["code"], "county", zone["city_code"]), *aliases)
    return g


def _location_file() -> Path:
    """JioNLP's division list, found without importing JioNLP (which loads a segmenter)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jionlp package, which holds the division list, is not installed")
    return Path(spec.submodule_search_locations[0]) / "dictionary" / "china_location.zip"


def resolve(agency: str | None, text: str) -> tuple[Region, str | None]:
    """The region and level of an agency, from its name and the document's text."""
    g = gazetteer()
    peeled, rest = peel(agency or "")
    township = _township(rest)
    counted: list[Counter[str]] = []

    def mentions() -> Counter[str]:
        """The text's place names, counted only when the agency's own name leaves a doubt."""
        if not counted:
            counted.append(g.mentions(text))
        return counted[0]

    chosen: dict[str, Place] = {}
    for name in peeled:
        places = g.by_name[name]
        place = places[0] if len(places) == 1 else _pick(places, mentions(), g)
        chosen.setdefault(place.level, place)
    unnamed = _UNNAMED.get((agency or "")[:1]) if not chosen else None
    if unnamed in ("province", "city"):
        named = _most_mentioned(g, mentions(), unnamed)
        if named:
            chosen[unnamed] = named
    elif "county" not in chosen and (township or not chosen):
        county = _county_from_text(g, township, mentions(), chosen)
        if county:
            chosen["county"] = county
    _fill_parents(g, chosen)
    region = Region(
        province=_name(chosen.get("province")),
        city=_name(chosen.get("city")),
        county=_name(chosen.get("county")),
        township=township,
    )
    for lv in ("county", "city", "province"):
        if lv in chosen:
            region.code = chosen[lv].code
            break
    level: str | None = (
        "township"
        if township
        else next((lv for lv in ("county", "city", "province") if lv in chosen), None)
    )
    return region, level


def peel(name: str) -> tuple[list[str], str]:
    """Place names leading an agency's name (金寨县|花石乡人民政府), and what follows them."""
    g = gazetteer()
    peeled: list[str] = []
    while True:
        names = [n for n in g.by_prefix.get(name[:2], ()) if name.startswith(n)]
        if not names:
            return peeled, name
        best = max(names, key=len)
        peeled.append(best)
        name = name[len(best) :]


def corrected(agency: str) -> tuple[str, str] | None:
    """An agency whose leading place name is not a division but one character off a real one,
    by shape (OCR confuses 沭 and 沐): the real name and the agency named with it."""
    g = gazetteer()
    if not agency or peel(agency)[0]:
        return None
    for size in range(2, min(len(agency), 12) + 1):
        head = agency[:size]
        if head[-1] not in _PLACE_ENDS:
            continue
        near = [n for n in _same_shape_names(g, head) if n != head]
        if len(near) == 1:
            return near[0], near[0] + agency[size:]
    return None


def _same_shape_names(g: Gazetteer, head: str) -> list[str]:
    shapes = _shapes()
    found = []
    for name in g.by_name:
        if len(name) != len(head) or name[-1] != head[-1]:
            continue
        diff = [(a, b) for a, b in zip(name, head, strict=True) if a != b]
        if len(diff) == 1 and _looks_alike(shapes, *diff[0]):
            found.append(name)
    return found


def _looks_alike(shapes: dict[str, str], a: str, b: str) -> bool:
    """Two characters whose Wubi codes (which spell a character by its strokes) differ by one
    key, with the same first key: 沐 ISY and 沭 ISYY."""
    x, y = shapes.get(a, ""), shapes.get(b, "")
    if not x or not y or x[0] != y[0]:
        return False
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y, strict=True)) == 1
    short, long_ = sorted((x, y), key=len)
    return len(long_) - len(short) == 1 and any(
        long_[:i] + long_[i + 1 :] == short for i in range(len(long_))
    )


@lru_cache(maxsize=1)
def _shapes() -> dict[str, str]:
    """Each character's Wubi code, from JioNLP's character dictionary."""
    path = _location_file().with_name("chinese_char_dictionary.zip")
    with zipfile.ZipFile(path) as z:
        text = z.read(z.namelist()[0]).decode("utf-8")
    shapes = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) > 6 and len(parts[0]) == 1:
            shapes[parts[0]] = parts[6]
    return shapes


def _township(rest: str) -> str | None:
    m = _TOWNSHIP.match(rest)
    return m.group(1) if m else None


def _pick(places: list[Place], mentions: Counter[str], g: Gazetteer) -> Place:
    """Of places sharing a name, the one whose parents the text names most."""
    if len(places) == 1:
        return places[0]
    return max(places, key=lambda p: sum(mentions[a.name] for a in _ancestors(g, p)))


def _ancestors(g: Gazetteer, place: Place) -> list[Place]:
    found = []
    while place.parent and place.parent in g.places:
        place = g.places[place.parent]
        found.append(place)
    return found


def _county_from_text(
    g: Gazetteer, township: str | None, mentions: Counter[str], chosen: dict[str, Place]
) -> Place | None:
    holders = set(g.townships.get(township, ())) if township else set()
    named: Counter[str] = Counter()
    for name, count in mentions.items():
        for p in g.by_name[name]:
            if p.level == "county":
                named[p.code] += count
    allowed = {c.code for c in chosen.values()}
    best, best_score = None, 0
    for code in sorted(set(named) | holders):
        place = g.places[code]
        ancestors = _ancestors(g, place)
        if allowed and not allowed & {a.code for a in ancestors}:
            continue
        score = 10 * named[code] + 5 * (code in holders)
        score += sum(2 * mentions[a.name] for a in ancestors)
        if score > best_score:
            best, best_score = place, score
    if best is None or not (named[best.code] or len(holders) == 1):
        return None
    return best


def _most_mentioned(g: Gazetteer, mentions: Counter[str], level: str) -> Place | None:
    """The place of a level the text names most (市发改委's city), by names, then parents."""
    scores: Counter[str] = Counter()
    for name, count in mentions.items():
        for p in g.by_name[name]:
            if p.level == level:
                scores[p.code] += 10 * count + sum(mentions[a.name] for a in _ancestors(g, p))
    if not scores:
        return None
    return g.places[scores.most_common(1)[0][0]]


def _fill_parents(g: Gazetteer, chosen: dict[str, Place]) -> None:
    start = chosen.get("county") or chosen.get("city")
    if start is None:
        return
    for a in _ancestors(g, start):
        chosen.setdefault(a.level, a)
    province = chosen.get("province")
    if province and "city" not in chosen and province.name.endswith("市"):
        chosen["city"] = province
    city = chosen.get("city")
    if province and city and province.name == city.name:
        chosen["city"] = province


def _name(place: Place | None) -> str | None:
    return place.name if place else None
