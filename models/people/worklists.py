"""Named worklists of the citizens' campaign ("5 rõ": clear person, task, progress, result, responsibility —
issue 16 item 3, seeds 003 IV.1.1 and 004 II.3).

THE definitions shared by the documents (``services/worklists.py``), the dialog and the ``people`` CLI:

* **an area officer's door-to-door list**: the residents of the villages he is in charge of
  (``officer_areas`` of the citizens' campaign, m021; a row with village '' is the whole commune) who have **not activated** an account and are **14 or over** on the
  list's day (a resident whose birth date is unknown is listed too: the officer checks at the door),
  sorted by commune, village, address (numbers in natural order: "Số 2" before "Số 10") and name;
* **an agency's list**: its staff (``agency_staff``) who have **no level-2 account** (``account_level`` < 2
  and no ``level2_issued_on``) **or have not activated** one — printed as the letter to the agency head;
* **the enterprises who did not come**: schedules (``enterprise_schedules``) whose date has passed, whose
  enterprise has no dossier at all and no issued account (``models.registry.pending``: state ``none``),
  and whose representative (the organization's ``rep_id_number``) has no level-2 account as a person.

``PeopleQuery`` is the general filter behind them (and the CLI): commune, officer, agency, "not activated",
"not level 2" (both given: a person lacking either is listed), eligible on a day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.people.persons import eligible_born_on_or_before
from models.registry.pending import account_ids_sql, open_ids_sql
from models.registry.units import current_unit
from models.reports.period import get_settings, letterhead_bodies
from models.text.identifiers import mask_personal_id
from models.text.normalize import fold
from models.text.vn_format import date_text

NOT_LEVEL2 = "(p.account_level < 2 AND p.level2_issued_on IS NULL)"
NOT_ACTIVATED = "p.activated_on IS NULL"
DOOR_TITLE = "Danh sách công dân chưa kích hoạt tài khoản định danh điện tử"
DOOR_HEADERS = ("STT", "Họ và tên", "Năm sinh", "Số định danh", "Thôn, tổ dân phố", "Địa chỉ", "Điện thoại",
                "Ghi chú, kết quả vận động")
AGENCY_HEADERS = ("STT", "Họ và tên", "Năm sinh", "Số định danh", "Chức vụ", "Điện thoại", "Tình trạng", "Ghi chú")
NO_SHOW_TITLE = "Danh sách doanh nghiệp đã đăng ký lịch nhưng chưa đến làm thủ tục"
NO_SHOW_HEADERS = ("STT", "Doanh nghiệp", "Mã số thuế", "Người đại diện", "Điện thoại", "Ngày hẹn", "Số lao động",
                   "Còn thiếu", "Ghi chú, kết quả")


@dataclass(frozen=True)
class PeopleQuery:
    area_code: str | None = None
    officer_id: int | None = None
    agency_id: int | None = None
    not_activated: bool = False
    not_level2: bool = False
    eligible_on: dt.date | None = None  # 14 or over on that day (unknown birth dates kept)


def natural_key(text: str | None) -> tuple:
    """Folded text with its numbers compared as numbers ("so 2" < "so 10")."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", fold(text or "")) if p)


def people_rows(store: Store, query: PeopleQuery) -> list[dict]:
    """The persons matching ``query``, sorted for a visit: commune, village, address, name. Each row has
    id, id_number (full: the caller masks), full_name, birth_date, phone, area_code, area_name, village,
    address, account_level, level2_issued_on, activated_on and, for an agency, position and agency."""
    require(store, "people.view")
    joins, clauses, params = [], [], []
    extra = ""
    if query.officer_id is not None:  # his villages, or his whole commune (village '')
        clauses.append("EXISTS (SELECT 1 FROM officer_areas v WHERE v.officer_id = ? AND v.area_code = p.area_code"
                       " AND v.village IN ('', p.village))")
        officer_param = [int(query.officer_id)]
    else:
        officer_param = []
    if query.agency_id is not None:
        joins.append("JOIN agency_staff s ON s.person_id = p.id AND s.agency_id = ? JOIN agencies g ON g.id = s.agency_id")
        params.append(int(query.agency_id))
        extra = ", s.position, s.phone AS staff_phone, s.preferred_on, g.name AS agency"
    params += officer_param  # joins' parameters first, then the WHERE clauses' in their order
    if query.area_code:
        clauses.append("p.area_code = ?")
        params.append(query.area_code)
    missing = [sql for flag, sql in ((query.not_level2, NOT_LEVEL2), (query.not_activated, NOT_ACTIVATED)) if flag]
    if missing:
        clauses.append(f"({' OR '.join(missing)})")
    if query.eligible_on is not None:
        clauses.append("(p.birth_date IS NULL OR p.birth_date <= ?)")
        params.append(eligible_born_on_or_before(query.eligible_on))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.query(
        "SELECT p.id, p.id_number, p.full_name, p.name_key, p.birth_date, p.phone, p.area_code,"
        " COALESCE(a.name, p.area_code, '') AS area_name, COALESCE(p.village, '') AS village, p.address,"
        f" p.account_level, p.level2_issued_on, p.activated_on{extra}"
        f" FROM persons p {' '.join(joins)} LEFT JOIN areas a ON a.code = p.area_code {where}", params)
    areas: dict[str, str] = {}
    villages: dict[str, tuple] = {}  # a few dozen distinct values over thousands of rows

    def key(r: dict) -> tuple:
        area = areas.get(r["area_name"])
        if area is None:
            area = areas[r["area_name"]] = fold(r["area_name"])
        village = villages.get(r["village"])
        if village is None:
            village = villages[r["village"]] = natural_key(r["village"])
        return r["area_code"] is None, area, village, natural_key(r["address"]), r["name_key"], r["id"]

    rows.sort(key=key)
    return rows


def account_state(row: dict) -> str:
    """What the person still has to do, in words (the agency list's "Tình trạng")."""
    if row["activated_on"]:
        return "Đã kích hoạt" if (row["account_level"] or 0) >= 2 or row["level2_issued_on"] else \
            "Đã kích hoạt mức 1, chưa có mức 2"
    if row["level2_issued_on"] or (row["account_level"] or 0) >= 2:
        return "Đã cấp mức 2, chưa kích hoạt"
    if (row["account_level"] or 0) == 1:
        return "Mức 1, chưa kích hoạt"
    return "Chưa đăng ký"


def officer_worklist(store: Store, officer_id: int, day: dt.date | None = None) -> list[dict]:
    """The area officer's door-to-door list (see the module docstring)."""
    return people_rows(store, PeopleQuery(officer_id=officer_id, not_activated=True,
                                          eligible_on=day or store.today()))


def agency_worklist(store: Store, agency_id: int) -> list[dict]:
    """The agency's staff without level 2 or not activated."""
    return people_rows(store, PeopleQuery(agency_id=agency_id, not_activated=True, not_level2=True))


def schedule_no_shows(store: Store, day: dt.date | None = None) -> list[dict]:
    """Enterprises whose chosen date is before ``day`` (default today) and who did not come: no dossier,
    no issued account, representative without level 2. By date, then name."""
    require(store, "people.view")
    day = day or store.today()
    rows = store.query(
        "SELECT s.id, s.org_id, s.scheduled_on, s.scheduled_time, s.staff_count, s.notes,"
        " COALESCE(s.representative, o.rep_name, '') AS representative, COALESCE(s.phone, o.rep_phone, '') AS phone,"
        " o.name, o.tax_code, o.rep_id_number, COALESCE(a.name, o.area_code, '') AS area_name,"
        " (SELECT p.level2_issued_on FROM persons p WHERE p.id_number = o.rep_id_number) AS rep_level2"
        " FROM enterprise_schedules s JOIN organizations o ON o.id = s.org_id"
        " LEFT JOIN areas a ON a.code = o.area_code"
        f" WHERE s.scheduled_on < ? AND o.id NOT IN ({account_ids_sql('issued', 'activated')})"
        f" AND o.id NOT IN ({open_ids_sql()})"
        " AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.id_number = o.rep_id_number"
        "                 AND (p.level2_issued_on IS NOT NULL OR p.account_level >= 2))"
        " ORDER BY s.scheduled_on, s.scheduled_time", (day.isoformat(),))
    # the latest missed date of each enterprise only
    seen: dict[int, dict] = {}
    for row in rows:
        seen[row["org_id"]] = row
    return sorted(seen.values(), key=lambda r: (r["scheduled_on"], fold(r["name"])))


# ---- documents ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Letterhead:
    parent_body: str
    unit_name: str
    place: str
    doc_date: str  # ISO
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    symbol_code: str = ""


@dataclass(frozen=True)
class WorklistDocument:
    """A printed worklist: title, scope, header, groups of rows (each row a tuple as ``headers``)."""

    head: Letterhead
    title: str
    scope: str
    headers: tuple[str, ...]
    shares: tuple[float, ...]
    groups: list[tuple[str, list[tuple]]]
    count: int
    unit_word: str = "người"
    signers: tuple[str, str] = ("NGƯỜI LẬP DANH SÁCH", "THỦ TRƯỞNG ĐƠN VỊ")


@dataclass(frozen=True)
class AgencyLetter:
    """The official letter (Công văn) to an agency head with its staff list annexed."""

    head: Letterhead
    agency: str
    agency_head: str
    liaison: str
    subject: str
    staff_total: int
    level2_done: int
    activated: int
    annex: WorklistDocument
    recipients: tuple[str, ...] = field(default_factory=tuple)


def letterhead(store: Store) -> Letterhead:
    parent, issuing = letterhead_bodies(store)
    unit = current_unit(store) or {}
    settings = get_settings(store)
    code = (settings.symbol or "").partition("-")[2].strip()
    return Letterhead(parent, issuing or unit.get("name") or "", unit.get("place_name") or unit.get("province_name") or "",
                      store.today().isoformat(), settings.signer_authority, settings.signer_title,
                      settings.signer_name, code)


def _id_text(value: str | None, full: bool) -> str:
    return (value if full else mask_personal_id(value)) if value else ""


def _year(birth: str | None) -> str:
    return birth[:4] if birth else ""


def door_to_door_document(store: Store, officer_id: int | None = None, *, area_code: str | None = None,
                          full_ids: bool = False) -> WorklistDocument:
    """The door-to-door sheet of an officer (his villages) or of a whole commune (``area_code``)."""
    day = store.today()
    if officer_id is not None:
        officer = store.query_one("SELECT full_name, rank FROM officers WHERE id = ?", (int(officer_id),))
        if officer is None:
            raise UserError(f"Không có cán bộ số {officer_id}")
        rows = officer_worklist(store, officer_id, day)
        places = store.query("SELECT village FROM officer_areas WHERE officer_id = ?", (int(officer_id),))
        villages = sum(1 for p in places if p["village"])
        communes = len(places) - villages
        what = ", ".join(x for x in (f"{villages} thôn, tổ dân phố" if villages else "",
                                     f"{communes} xã, phường" if communes else "") if x) or "chưa được phân công"
        scope = f"Cán bộ phụ trách: {officer['full_name']} — {what}"
    elif area_code:
        rows = people_rows(store, PeopleQuery(area_code=area_code, not_activated=True, eligible_on=day))
        name = store.scalar("SELECT name FROM areas WHERE code = ?", (area_code,)) or area_code
        scope = f"{name} — mọi thôn, tổ dân phố"
    else:
        raise UserError("Chọn cán bộ phụ trách hoặc xã, phường để lập danh sách")
    groups: list[tuple[str, list[tuple]]] = []
    for n, r in enumerate(rows, start=1):
        label = f"{r['area_name']} — {r['village'] or '(chưa rõ thôn, tổ)'}"
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append((n, r["full_name"], _year(r["birth_date"]), _id_text(r["id_number"], full_ids),
                              r["village"], r["address"] or "", r["phone"] or "", ""))
    return WorklistDocument(letterhead(store), DOOR_TITLE, f"{scope}; tính đến ngày {date_text(day)}",
                            DOOR_HEADERS, (0.05, 0.16, 0.055, 0.105, 0.11, 0.2, 0.085, 0.235), groups, len(rows))


def agency_letter(store: Store, agency_id: int, *, full_ids: bool = False) -> AgencyLetter:
    agency = store.query_one("SELECT * FROM agencies WHERE id = ?", (int(agency_id),))
    if agency is None:
        raise UserError(f"Không có cơ quan, đơn vị số {agency_id}")
    rows = agency_worklist(store, agency_id)
    totals = store.query_one(
        "SELECT count(*) AS n, sum(p.account_level >= 2 OR p.level2_issued_on IS NOT NULL) AS l2,"
        " sum(p.activated_on IS NOT NULL) AS act FROM agency_staff s JOIN persons p ON p.id = s.person_id"
        " WHERE s.agency_id = ?", (int(agency_id),))
    head = letterhead(store)
    body = [(n, r["full_name"], _year(r["birth_date"]), _id_text(r["id_number"], full_ids), r["position"] or "",
             r["staff_phone"] or r["phone"] or "", account_state(r), "") for n, r in enumerate(rows, start=1)]
    annex = WorklistDocument(
        head, "Danh sách cán bộ, nhân viên chưa hoàn thành tài khoản định danh điện tử",
        f"{agency['name']} — tính đến ngày {date_text(head.doc_date)}", AGENCY_HEADERS,
        (0.06, 0.22, 0.07, 0.155, 0.13, 0.125, 0.16, 0.08), [("", body)] if body else [], len(rows))
    liaison = ", ".join(x for x in (agency["liaison_name"], agency["liaison_phone"]) if x)
    return AgencyLetter(head, agency["name"], agency["head_name"] or "", liaison,
                        "V/v đôn đốc cán bộ, nhân viên đăng ký, kích hoạt tài khoản định danh điện tử",
                        totals["n"] or 0, totals["l2"] or 0, totals["act"] or 0, annex,
                        ("Như trên;", "Lãnh đạo đơn vị (để báo cáo);", "Lưu: VT."))


def no_show_document(store: Store) -> WorklistDocument:
    rows = schedule_no_shows(store)
    body = []
    for n, r in enumerate(rows, start=1):
        when = date_text(r["scheduled_on"]) + (f" {r['scheduled_time']}" if r["scheduled_time"] else "")
        missing = "Hồ sơ tài khoản tổ chức; mức 2 của người đại diện" + (
            "" if r["rep_id_number"] else " (chưa có số định danh)")
        body.append((n, r["name"], r["tax_code"] or "", r["representative"], r["phone"], when,
                     str(r["staff_count"] or ""), missing, ""))
    return WorklistDocument(letterhead(store), NO_SHOW_TITLE, f"Lịch hẹn trước ngày {date_text(store.today())}",
                            NO_SHOW_HEADERS, (0.05, 0.17, 0.115, 0.125, 0.085, 0.085, 0.06, 0.17, 0.14),
                            [("", body)] if body else [], len(rows), unit_word="doanh nghiệp")
