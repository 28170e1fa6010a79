"""Divisions on both sides of 1 July 2025 (issue 13, item 5).

Before 1 July 2025 Vietnam had 63 provinces, districts ("quận, huyện, thị xã, thành phố thuộc tỉnh") and
about 10,000 communes; since then 34 provinces and 3,321 communes/wards/special zones, without districts.
``vietnam-provinces`` (2026.x) carries both lists (``vietnam_provinces.legacy`` for the old one) and the
official conversion table old commune → new commune(s) ("Bảng chuyển đổi ĐVHC mới – cũ"). Most old
communes went whole into one new commune; a few were split among several (``is_partly_merged``): for
those only the officer can say which new commune an address belongs to.

Codes: both lists use 5-digit codes and the same number may name an old and a new commune (old 30742
Phường Vĩnh Thanh Vân, new 30742 Phường Rạch Giá), so an old commune is never stored as an area: the
areas table holds the current communes only, old names are converted on the way in.

``area_choices`` (migration m018): an imported organization whose old commune was split; the import wrote
the first candidate that the unit covers and records all of them; ``choose_area`` is the officer's pick.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.registry import organizations
from models.registry.units import official_ward
from models.text.normalize import clean, fold

MERGER_DATE = dt.date(2025, 7, 1)  # the two-level local government; EFFECTIVE_DATE of the conversion table

# Division words before a name (folded), and the short forms lists use ("P. Vĩnh Lạc", "TP Rạch Giá").
_WARD_PREFIXES = ("thi tran ", "phuong ", "xa ", "tt ", "tt. ", "p. ", "p ", "x. ", "x ")
_DISTRICT_PREFIXES = ("thanh pho ", "thi xa ", "quan ", "huyen ", "tp. ", "tp ", "tx. ", "tx ", "q. ", "h. ", "q ", "h ")


@dataclass(frozen=True)
class OldWard:
    """A commune of before 1 July 2025 and the current commune(s) it went into."""

    code: str  # old 5-digit code
    name: str  # "Phường Vĩnh Thanh Vân"
    district_code: str
    district_name: str  # "Thành phố Rạch Giá"
    province_code: str  # old 2-digit province code
    province_name: str
    new_codes: tuple[str, ...]  # current 5-digit codes; more than one: split, the officer chooses
    split: bool

    @property
    def label(self) -> str:
        return f"{self.name}, {self.district_name}"


def is_before_merger(day: dt.date | str | None) -> bool:
    if day is None:
        return False
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return day < MERGER_DATE


def legacy_province_codes(province_code: str) -> list[str]:
    """The old provinces (2-digit codes) that went into the current province ``province_code``."""
    from vietnam_provinces import Province, ProvinceCode

    try:
        province = Province.from_code(ProvinceCode(int(province_code)))
    except ValueError as exc:
        raise UserError(f"Không có tỉnh, thành phố mã «{province_code}»") from exc
    return [f"{int(p.code):02d}" for p in province.get_legacy_sources()]


@lru_cache(maxsize=64)
def _old_wards_of(province_code: str) -> tuple[OldWard, ...]:
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW  # the official table (library module)
    from vietnam_provinces.legacy import District, Province, Ward
    from vietnam_provinces.legacy.codes import DistrictCode, ProvinceCode, WardCode

    wanted = {int(c) for c in legacy_province_codes(province_code)}
    districts: dict[int, str] = {}
    provinces: dict[int, str] = {}
    result = []
    for old_code, entry in OLD_TO_NEW.items():
        old = entry.old_ward
        if old.province_code not in wanted:
            continue
        try:
            ward = Ward.from_code(WardCode(old_code))
        except ValueError:
            continue
        if old.district_code not in districts:
            districts[old.district_code] = District.from_code(DistrictCode(old.district_code)).name
        if old.province_code not in provinces:
            provinces[old.province_code] = Province.from_code(ProvinceCode(old.province_code)).name
        new_codes = tuple(dict.fromkeys(f"{n.code:05d}" for n in entry.new_wards))
        result.append(OldWard(f"{old_code:05d}", ward.name, f"{old.district_code:03d}", districts[old.district_code],
                              f"{old.province_code:02d}", provinces[old.province_code], new_codes,
                              len(new_codes) > 1))
    return tuple(sorted(result, key=lambda w: (fold(w.district_name), fold(w.name))))


def old_wards(province_code: str) -> list[OldWard]:
    """Every commune of before 1 July 2025 in the old provinces that make up ``province_code`` today."""
    return list(_old_wards_of(f"{int(province_code):02d}"))


def old_sources(new_code: str) -> list[OldWard]:
    """The old communes that went (whole or in part) into the current commune ``new_code``."""
    ward = official_ward(new_code)
    return [w for w in old_wards(ward.province_code) if ward.code in w.new_codes]


def old_names_of(new_code: str) -> str:
    """«Phường Vĩnh Thanh Vân, Phường Vĩnh Thanh…» for a report of a period before the merger ("" if the
    code is not an official current commune)."""
    try:
        sources = old_sources(new_code)
    except (UserError, ValueError):
        return ""
    return ", ".join(dict.fromkeys(w.name + (" (một phần)" if w.split else "") for w in sources))


# ---- matching old names in addresses and lists ------------------------------------------------------
def _bare(folded: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


def in_district(ward: OldWard, text: str) -> bool:
    """Whether ``text`` ("Huyện Kiên Lương", "h. Kiên Lương", "kien luong") names the old ward's district."""
    return _bare(fold(ward.district_name), _DISTRICT_PREFIXES) == _bare(fold(text), _DISTRICT_PREFIXES)


class OldWardIndex:
    """Old commune names (with or without "xã/phường/thị trấn", diacritics ignored) of some provinces."""

    def __init__(self, province_codes: list[str] | set[str]):
        self.by_name: dict[str, list[OldWard]] = {}
        self.by_code: dict[str, OldWard] = {}
        for province_code in sorted(set(province_codes)):
            try:
                wards = old_wards(province_code)
            except (UserError, ValueError):
                continue
            for ward in wards:
                self.by_name.setdefault(_bare(fold(ward.name), _WARD_PREFIXES), []).append(ward)
                self.by_code[ward.code] = ward

    def __bool__(self) -> bool:
        return bool(self.by_code)

    def find(self, text: str) -> list[OldWard]:
        """Old communes named in ``text``: "Xã Vĩnh Châu", "xã Vĩnh Châu, TP Châu Đốc", or a whole address
        whose last parts name the commune and the district. Several hits = the name is ambiguous."""
        parts = [p for p in (fold(x) for x in re.split(r"[,;\-–]", text or "")) if p]
        for index in range(len(parts) - 1, -1, -1):
            hits = self.by_name.get(_bare(parts[index], _WARD_PREFIXES), [])
            if not hits:
                continue
            later = [_bare(p, _DISTRICT_PREFIXES) for p in parts[index + 1:]]
            narrowed = [w for w in hits if _bare(fold(w.district_name), _DISTRICT_PREFIXES) in later]
            return narrowed or hits
        return []


@dataclass(frozen=True)
class Conversion:
    """An old name found in a list, and the current commune(s) it became."""

    old: tuple[OldWard, ...]
    candidates: tuple[str, ...]  # current codes, in the unit's areas first

    @property
    def needs_choice(self) -> bool:
        return len(self.candidates) > 1

    @property
    def old_label(self) -> str:
        return "; ".join(w.label for w in self.old)


def convert(index: OldWardIndex, text: str, known_codes: set[str] | None = None) -> Conversion | None:
    """The current commune(s) of the old commune named in ``text``; ``known_codes`` (the areas table):
    only those count, listed first in the table's order of preference."""
    hits = index.find(text)
    if not hits:
        return None
    codes = list(dict.fromkeys(c for w in hits for c in w.new_codes))
    if known_codes is not None:
        codes = [c for c in codes if c in known_codes]
    if not codes:
        return Conversion(tuple(hits), ())
    return Conversion(tuple(hits), tuple(codes))


def convert_for_store(store: Store, text: str) -> Conversion | None:
    """``convert`` against the areas table of ``store`` (its provinces, its communes): for one address or
    commune typed in a dossier or a list of dossiers."""
    rows = store.query("SELECT code, province_code FROM areas")
    provinces = {r["province_code"] for r in rows if r["province_code"]}
    unit_province = store.scalar("SELECT u.province_code FROM units u WHERE u.id = ?",
                                 (store.get_setting("unit_id"),)) if store.get_setting("unit_id") else None
    if unit_province:
        provinces.add(unit_province)
    if not provinces or not clean(text):
        return None
    conversion = convert(OldWardIndex(provinces), text, {r["code"] for r in rows})
    return conversion if conversion is not None and conversion.candidates else None


# ---- the officer's choice for split communes (table area_choices, m018) --------------------------------
def record_choices(store: Store, import_id: int, choices: dict[int, Conversion]) -> int:
    """After an import: one open choice per organization whose old commune was split (``choices`` by the
    row number in the file). Returns how many were recorded."""
    if not choices:
        return 0
    count = 0
    with store.atomic():
        rows = store.query("SELECT org_id, row_number FROM org_sources WHERE import_id = ?", (import_id,))
        by_row = {r["row_number"]: r["org_id"] for r in rows}
        for row_number, conversion in sorted(choices.items()):
            org_id = by_row.get(row_number)
            if org_id is None:
                continue
            store.execute("DELETE FROM area_choices WHERE org_id = ? AND chosen_code IS NULL", (org_id,))
            cur = store.execute(
                "INSERT INTO area_choices(org_id, import_id, row_number, old_name, old_codes, candidates, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (org_id, import_id, row_number, conversion.old_label, json.dumps([w.code for w in conversion.old]),
                 json.dumps(list(conversion.candidates)), store.now_iso()))
            store.audit("area_choice.open", "organization", org_id,
                        detail={"old": conversion.old_label, "candidates": list(conversion.candidates),
                                "choice": cur.lastrowid})
            count += 1
        if count:
            store.notify(Table.ORGANIZATIONS, Kind.UPDATE, tuple(by_row.values()))
    return count


def chosen_before(store: Store, choices: dict[int, Conversion], records: list) -> int:
    """Before an import is written: a split commune the officer already chose for the same organization
    (same tax code, same old commune) keeps that choice instead of being reopened. ``records``: the
    analysis' records (``.row``, ``.values``); ``choices`` loses the rows so settled. Returns their count."""
    if not choices:
        return 0
    by_row = {r.row: r for r in records}
    settled = 0
    for row_number, conversion in list(choices.items()):
        record = by_row.get(row_number)
        tax_code = record.values.get("tax_code") if record is not None else None
        if not tax_code:
            continue
        chosen = store.scalar(
            "SELECT c.chosen_code FROM area_choices c JOIN organizations o ON o.id = c.org_id "
            "WHERE o.tax_code = ? AND c.old_codes = ? AND c.chosen_code IS NOT NULL ORDER BY c.id DESC LIMIT 1",
            (tax_code, json.dumps([w.code for w in conversion.old])))
        if chosen and chosen in conversion.candidates:
            record.values["area_code"] = chosen
            del choices[row_number]
            settled += 1
    return settled


def open_choices(store: Store) -> list[dict]:
    """Organizations waiting for the officer's choice of commune: id, org, name, address, old name, the
    commune written now and the candidates (code, name)."""
    rows = store.query(
        "SELECT c.id, c.org_id, c.old_name, c.candidates, c.row_number, o.name, o.address, o.area_code "
        "FROM area_choices c JOIN organizations o ON o.id = c.org_id "
        "WHERE c.chosen_code IS NULL ORDER BY o.name")
    names = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}
    for row in rows:
        row["candidates"] = [(code, names.get(code, code)) for code in json.loads(row["candidates"])]
        row["area_name"] = names.get(row["area_code"], row["area_code"] or "")
    return rows


def choose_area(store: Store, choice_id: int, code: str) -> None:
    """The officer's pick among the candidates (the commune the organization is written in moves to it)."""
    require(store, "registry.edit")
    with store.atomic():
        row = store.query_one("SELECT * FROM area_choices WHERE id = ?", (choice_id,))
        if row is None:
            raise UserError(f"Không tìm thấy mục chọn địa bàn số {choice_id}")
        candidates = json.loads(row["candidates"])
        if code not in candidates:
            raise UserError(f"Xã, phường mã «{code}» không nằm trong các xã, phường mới của «{row['old_name']}»")
        organizations.update(store, row["org_id"], {"area_code": code}, action="organization.area_choice")
        store.execute("UPDATE area_choices SET chosen_code = ?, chosen_by = ?, chosen_at = ? WHERE id = ?",
                      (code, store.actor.id, store.now_iso(), choice_id))
        store.audit("area_choice.choose", "organization", row["org_id"], field="area_code", new=code,
                    detail={"old": row["old_name"]})
        store.notify(Table.ORGANIZATIONS, Kind.UPDATE, (row["org_id"],))
