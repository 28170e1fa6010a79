"""The unit using the app and the areas (communes/wards) it covers.

Since 1 March 2025 district police no longer exist: a unit is just a name, a parent unit, a province
and the list of areas it covers (a provincial PC06 desk, a commune/ward police…). The unit is the
``units`` row whose id is setting ``unit_id``; its areas are ``areas`` rows with ``unit_id`` set.

The official current two-level divisions (34 provinces, 3,321 communes/wards/special zones since
1 July 2025) come from the ``vietnam-provinces`` package (GPL-3.0-or-later) with official codes:
provinces 2 digits ("91" An Giang), communes/wards 5 digits ("30742" Phường Rạch Giá). A unit may also
type areas by hand or import its own list (csv/xlsx/xls/ods with a code and a name column).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.tabular import column_letter, read_table
from models.text.normalize import clean, fold

UNIT_FIELDS = ("code", "name", "short_name", "parent_name", "province_code", "province_name", "place_name", "kind")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    division_type: str
    province_code: str | None = None


def official_provinces() -> list[Division]:
    """The 34 provinces and centrally-run cities, sorted by name (Vietnamese, diacritics ignored)."""
    from vietnam_provinces import Province

    # vietnam-provinces 2026 writes "Tỉnh An Giang"; the app (and the documents' headers) say "An Giang"
    # for a province and "Thành phố Hà Nội" for a centrally-run city, as the 2025 lists did.
    items = [Division(f"{int(p.code):02d}", p.name.removeprefix("Tỉnh "), p.division_type.value)
             for p in Province.iter_all()]
    return sorted(items, key=lambda d: fold(d.name))


def official_province(code: str) -> Division:
    for division in official_provinces():
        if division.code == f"{int(code):02d}":
            return division
    raise UserError(f"Không có tỉnh, thành phố mã «{code}» trong danh mục hành chính hiện hành")


def official_wards(province_code: str) -> list[Division]:
    """Communes, wards and special zones of one province, sorted by name."""
    from vietnam_provinces import ProvinceCode, Ward

    try:
        pcode = ProvinceCode(int(province_code))
    except ValueError as exc:
        raise UserError(f"Không có tỉnh, thành phố mã «{province_code}»") from exc
    items = [Division(f"{int(w.code):05d}", w.name, w.division_type.value, f"{int(pcode):02d}")
             for w in Ward.iter_by_province(pcode)]
    return sorted(items, key=lambda d: (fold(d.name)))


def official_ward(code: str) -> Division:
    """One commune, ward or special zone by its official 5-digit code ("30307" Phường Long Xuyên)."""
    from vietnam_provinces import Ward

    text = clean(code)
    try:
        ward = Ward.from_code(int(text))
    except ValueError as exc:
        raise UserError(f"Không có xã, phường mã «{text}» trong danh mục hành chính hiện hành") from exc
    return Division(f"{int(ward.code):05d}", ward.name, ward.division_type.value, f"{int(ward.province_code):02d}")


def province_by_name(name: str) -> Division | None:
    """The province whose name is ``name``, with or without "Tỉnh"/"Thành phố", diacritics ignored."""
    wanted = fold(name).removeprefix("tinh ").removeprefix("thanh pho ").strip()
    for division in official_provinces():
        if fold(division.name).removeprefix("tinh ").removeprefix("thanh pho ").strip() == wanted:
            return division
    return None


# ---- the unit -----------------------------------------------------------------------------------
def current_unit(store: Store) -> dict | None:
    unit_id = store.get_setting("unit_id")
    if unit_id is None:
        return None
    return store.query_one("SELECT * FROM units WHERE id = ?", (int(unit_id),))


def save_unit(store: Store, values: dict, *, unit_id: int | None = None, make_current: bool = True) -> int:
    """Create or update a unit (``unit_id``, else by ``code``); ``make_current``: the unit using the app."""
    require(store, "unit.manage")
    data = {k: clean(values.get(k)) or None for k in UNIT_FIELDS}
    data["kind"] = data["kind"] or "local"
    if not data["name"]:
        raise UserError("Tên đơn vị không được để trống")
    if data["kind"] not in ("local", "province"):
        raise UserError("Loại đơn vị phải là 'local' hoặc 'province'")
    if data["province_code"]:
        province = official_province(data["province_code"])
        data["province_code"] = province.code
        data["province_name"] = data["province_name"] or province.name
    if not data["place_name"] and data["province_name"]:
        data["place_name"] = data["province_name"].removeprefix("Thành phố ").removeprefix("Tỉnh ")
    with store.atomic():
        existing = store.query_one("SELECT * FROM units WHERE id = ?", (unit_id,)) if unit_id else None
        if not data["code"]:
            data["code"] = existing["code"] if existing else \
                "-".join(w for w in fold(data["short_name"] or data["name"]).split())[:40].upper()
        if existing is None:
            existing = store.query_one("SELECT * FROM units WHERE code = ?", (data["code"],))
        else:
            clash = store.scalar("SELECT id FROM units WHERE code = ? AND id <> ?", (data["code"], existing["id"]))
            if clash:
                raise UserError(f"Mã đơn vị «{data['code']}» đã được dùng cho đơn vị khác")
        if existing:
            unit_id = existing["id"]
            data["short_name"] = data["short_name"] or existing["short_name"]
            data["province_name"] = data["province_name"] if data["province_code"] else existing["province_name"]
            store.execute(f"UPDATE units SET {', '.join(f'{k} = ?' for k in data)} WHERE id = ?",
                          (*data.values(), unit_id))
            store.audit_changes("unit", unit_id, {k: existing[k] for k in data}, data, "unit.update")
        else:
            cur = store.execute(
                f"INSERT INTO units({', '.join(data)}, created_at) VALUES ({', '.join('?' * len(data))}, ?)",
                (*data.values(), store.now_iso()))
            unit_id = cur.lastrowid
            store.audit("unit.create", "unit", unit_id, new={k: v for k, v in data.items() if v})
        if make_current:
            store.set_setting("unit_id", unit_id)
        store.notify(Table.UNITS, Kind.UPDATE if existing else Kind.INSERT, (unit_id,))
    return unit_id


def save_unit_with_areas(store: Store, values: dict, areas: list[Division | dict], *,
                         unit_id: int | None = None) -> int:
    """The unit dialog's save: the unit (made current) and exactly the areas it covers, in one
    transaction; a unit must cover at least one commune or ward. Returns the unit's id."""
    require(store, "unit.manage")
    if not areas:
        raise UserError("Chọn ít nhất một xã, phường mà đơn vị phụ trách")
    with store.atomic():
        unit_id = save_unit(store, values, unit_id=unit_id)
        set_unit_areas(store, unit_id, areas)
    return unit_id


# ---- areas --------------------------------------------------------------------------------------
def unit_areas(store: Store, unit_id: int | None = None) -> list[dict]:
    """Areas covered by the unit (default: the current unit), sorted by name."""
    if unit_id is None:
        unit = current_unit(store)
        if unit is None:
            return []
        unit_id = unit["id"]
    return store.query("SELECT * FROM areas WHERE unit_id = ? ORDER BY name_fold", (unit_id,))


def all_areas(store: Store) -> list[dict]:
    return store.query("SELECT * FROM areas ORDER BY name_fold")


def filter_areas(store: Store) -> list[dict]:
    """Every area (code, name) for a commune filter: the current unit's own first, then the others
    (areas of organizations outside the unit), each part by name."""
    return store.query("SELECT code, name FROM areas ORDER BY unit_id IS NULL, name_fold")


def area_names(store: Store) -> dict[str, str]:
    return {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}


def upsert_areas(store: Store, areas: list[Division | dict]) -> int:
    """Insert or rename areas (by code) without changing which unit covers them; returns the count."""
    rows = [_area_row(a) for a in areas]
    with store.atomic():
        for row in rows:
            store.execute(
                "INSERT INTO areas(code, name, division_type, province_code, name_fold) VALUES (?,?,?,?,?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold, "
                "division_type = COALESCE(excluded.division_type, areas.division_type), "
                "province_code = COALESCE(excluded.province_code, areas.province_code)",
                (row["code"], row["name"], row["division_type"], row["province_code"], row["name_fold"]),
            )
        if rows:
            store.notify(Table.AREAS, Kind.BULK)
    return len(rows)


def set_unit_areas(store: Store, unit_id: int, areas: list[Division | dict]) -> dict:
    """Make ``areas`` exactly the list the unit covers (creating/renaming them); returns counts.

    Areas dropped from the list stay in the table (organizations may refer to them) but are no longer
    covered by the unit.
    """
    require(store, "unit.manage")
    rows = [_area_row(a) for a in areas]
    codes = [r["code"] for r in rows]
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise UserError(f"Mã địa bàn «{dup}» bị lặp trong danh sách")
    with store.atomic():
        before = {r["code"] for r in store.query("SELECT code FROM areas WHERE unit_id = ?", (unit_id,))}
        upsert_areas(store, rows)
        store.execute("UPDATE areas SET unit_id = NULL WHERE unit_id = ?", (unit_id,))
        for code in codes:
            store.execute("UPDATE areas SET unit_id = ? WHERE code = ?", (unit_id, code))
        after = set(codes)
        added, removed = sorted(after - before), sorted(before - after)
        if added or removed:
            store.audit("unit.areas", "unit", unit_id, detail={"added": added, "removed": removed})
        store.notify(Table.AREAS, Kind.BULK)
    return {"areas": len(codes), "added": len(added), "removed": len(removed)}


def _area_row(area: Division | dict) -> dict:
    if isinstance(area, Division):
        area = {"code": area.code, "name": area.name, "division_type": area.division_type,
                "province_code": area.province_code}
    code = clean(area.get("code"))
    name = clean(area.get("name"))
    if not code:
        raise UserError(f"Địa bàn «{name}» thiếu mã")
    if not name:
        raise UserError(f"Địa bàn mã «{code}» thiếu tên")
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)  # a spreadsheet ate the leading zero of an official ward code
    return {"code": code, "name": name, "division_type": clean(area.get("division_type")) or _guess_type(name),
            "province_code": clean(area.get("province_code")) or None, "name_fold": fold(name)}


def _guess_type(name: str) -> str | None:
    folded = fold(name)
    for prefix, kind in (("phuong ", "phường"), ("xa ", "xã"), ("dac khu ", "đặc khu"), ("thi tran ", "thị trấn")):
        if folded.startswith(prefix):
            return kind
    return None


# ---- reading an area list from a file -------------------------------------------------------------
_CODE_HEADERS = {"ma", "ma so", "ma dia ban", "ma xa", "ma phuong", "ma dvhc", "code", "ma don vi hanh chinh"}
_NAME_HEADERS = {"ten", "ten dia ban", "ten xa", "ten phuong", "ten xa phuong", "name", "dia ban",
                 "ten don vi hanh chinh", "xa phuong"}


def read_area_file(path: str | Path) -> list[dict]:
    """Areas from a csv/xlsx/xls/ods file with a code column and a name column (header row needed).

    Error messages name the file, row (as seen in the spreadsheet) and column.
    """
    path = Path(path)
    rows = _read_rows(path)
    header_index = None
    for index, row in enumerate(rows[:20]):
        folded = [fold(c) for c in row]
        if any(c in _CODE_HEADERS for c in folded) and any(c in _NAME_HEADERS for c in folded):
            header_index = index
            break
    if header_index is None:
        raise UserError(f"Tệp «{path.name}»: không tìm thấy dòng tiêu đề có cột «Mã» và cột «Tên»")
    header = [fold(c) for c in rows[header_index]]
    code_col = next(i for i, c in enumerate(header) if c in _CODE_HEADERS)
    name_col = next(i for i, c in enumerate(header) if c in _NAME_HEADERS)
    areas: list[dict] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        code = _cell_text(row, code_col)
        name = _cell_text(row, name_col)
        if not code and not name:
            continue
        if fold(name).startswith("tong") and not code:
            continue  # footer "Tổng cộng"
        if not code:
            raise UserError(f"Tệp «{path.name}», dòng {offset}, cột {_col_letter(code_col)}: thiếu mã địa bàn")
        if not name:
            raise UserError(f"Tệp «{path.name}», dòng {offset}, cột {_col_letter(name_col)}: thiếu tên địa bàn")
        if code in seen:
            raise UserError(f"Tệp «{path.name}», dòng {offset}, cột {_col_letter(code_col)}: mã «{code}» "
                            f"đã có ở dòng {seen[code]}")
        seen[code] = offset
        areas.append({"code": code, "name": name})
    if not areas:
        raise UserError(f"Tệp «{path.name}» không có địa bàn nào dưới dòng tiêu đề")
    return areas


def _cell_text(row: list, index: int) -> str:
    if index >= len(row):
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(value)


def _col_letter(index: int) -> str:
    return column_letter(index)


def _read_rows(path: Path) -> list[list]:
    """Rows of the first sheet (csv in any common encoding/delimiter, xlsx, xls, ods)."""

    return read_table(path).rows
