"""Campaigns (kế hoạch cao điểm): legal basis, dates, phases and one-day targets; the current one.

Several campaigns may exist; setting ``current_campaign_id`` names the one the dashboard and reports
use. Every change needs ``campaign.manage`` and is audited.
"""

from __future__ import annotations

from models.core.changes import Kind, Table
from models.core.errors import StaleEdit, UserError
from models.core.permissions import require
from models.text import vn_parse
from models.text.normalize import clean
from models.text.vn_format import date_text

COUNTS = {
    "issued": "Đã cấp tài khoản",
    "received": "Đã tiếp nhận hồ sơ",
    "activated": "Đã kích hoạt tài khoản",
}
DATE_COLUMN = {"issued": "issued_on", "received": "received_on", "activated": "activated_on"}
PHASE_KINDS = {"phase": "Giai đoạn", "day": "Chỉ tiêu trong ngày"}
CAMPAIGN_FIELDS = ("name", "plan_number", "plan_date", "issuer", "start_on", "end_on", "counts", "notes")


def parse_date(value, what: str) -> str | None:
    """ISO text of a date as typed (``vn_parse.parse_date``); UserError naming the field otherwise."""
    try:
        day = vn_parse.parse_date(value)
    except UserError:
        raise UserError(f"{what}: «{str(value).strip()}» không phải ngày hợp lệ (dd/mm/yyyy)") from None
    return day.isoformat() if day else None


def _campaign_values(data: dict) -> dict:
    values = {
        "name": clean(data.get("name") or ""),
        "plan_number": clean(data.get("plan_number") or "") or None,
        "plan_date": parse_date(data.get("plan_date"), "Ngày kế hoạch"),
        "issuer": clean(data.get("issuer") or "") or None,
        "start_on": parse_date(data.get("start_on"), "Ngày bắt đầu"),
        "end_on": parse_date(data.get("end_on"), "Ngày kết thúc"),
        "counts": data.get("counts") or "issued",
        "notes": clean(data.get("notes") or "") or None,
    }
    if not values["name"]:
        raise UserError("Kế hoạch phải có tên")
    if not values["start_on"] or not values["end_on"]:
        raise UserError("Kế hoạch phải có ngày bắt đầu và ngày kết thúc")
    if values["start_on"] > values["end_on"]:
        raise UserError("Ngày bắt đầu của kế hoạch phải trước hoặc bằng ngày kết thúc")
    if values["counts"] not in COUNTS:
        raise UserError(f"Cách tính kết quả «{values['counts']}» không hợp lệ (issued, received, activated)")
    return values


def create_campaign(store, data: dict, *, template_key: str | None = None, make_current: bool = False,
                    subject_type: str = "organization", every_day: bool = False) -> int:
    """A new campaign. ``subject_type`` 'person': a citizens' campaign (m021, models/campaigns/citizen_*.py),
    never made the current campaign (that setting is the organizations' dashboard and weekly report);
    ``every_day``: daily targets count every day of the week, not only working days."""
    require(store, "campaign.manage")
    values = _campaign_values(data)
    if subject_type not in ("organization", "person"):
        raise UserError(f"Loại đối tượng «{subject_type}» không hợp lệ (organization, person)")
    now = store.now_iso()
    with store.atomic():
        cur = store.execute(
            "INSERT INTO campaigns(name, plan_number, plan_date, issuer, start_on, end_on, counts, notes,"
            " template_key, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (*[values[k] for k in CAMPAIGN_FIELDS], template_key, now, now),
        )
        campaign_id = cur.lastrowid
        if subject_type != "organization" or every_day:
            store.execute("UPDATE campaigns SET subject_type = ?, every_day = ? WHERE id = ?",
                          (subject_type, 1 if every_day else 0, campaign_id))
        store.audit("campaign.create", "campaign", campaign_id,
                    detail={**values, "subject_type": subject_type, "every_day": bool(every_day)})
        store.notify(Table.CAMPAIGNS, Kind.INSERT, (campaign_id,))
        if subject_type == "organization" and (make_current or current_campaign_id(store) is None):
            set_current(store, campaign_id)
    return campaign_id


def update_campaign(store, campaign_id: int, data: dict, *, expected_version: int | None = None) -> None:
    require(store, "campaign.manage")
    old = get_campaign_row(store, campaign_id)
    if expected_version is not None and old["version"] != expected_version:
        raise StaleEdit("Kế hoạch vừa được người khác sửa. Hãy mở lại rồi sửa tiếp.")
    merged = {k: old[k] for k in CAMPAIGN_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CAMPAIGN_FIELDS})
    values = _campaign_values(merged)
    with store.atomic():
        _check_phases_inside(store, campaign_id, values["start_on"], values["end_on"])
        store.execute(
            "UPDATE campaigns SET " + ", ".join(f"{k} = ?" for k in CAMPAIGN_FIELDS)
            + ", updated_at = ?, version = version + 1 WHERE id = ?",
            (*[values[k] for k in CAMPAIGN_FIELDS], store.now_iso(), campaign_id),
        )
        store.audit_changes("campaign", campaign_id, {k: old[k] for k in CAMPAIGN_FIELDS}, values, "campaign.update")
        store.notify(Table.CAMPAIGNS, Kind.UPDATE, (campaign_id,))


def delete_campaign(store, campaign_id: int) -> None:
    require(store, "campaign.manage")
    row = get_campaign_row(store, campaign_id)
    with store.atomic():
        store.execute("DELETE FROM campaigns WHERE id = ?", (campaign_id,))
        store.audit("campaign.delete", "campaign", campaign_id, old=row["name"])
        if current_campaign_id(store) == campaign_id:
            other = store.scalar("SELECT id FROM campaigns WHERE subject_type = 'organization'"
                                 " ORDER BY start_on DESC, id DESC LIMIT 1")
            store.set_setting("current_campaign_id", other)
        store.notify(Table.CAMPAIGNS, Kind.DELETE, (campaign_id,))


def get_campaign_row(store, campaign_id: int) -> dict:
    row = store.query_one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
    if row is None:
        raise UserError(f"Không có kế hoạch số {campaign_id}")
    return row


def list_campaigns(store, subject_type: str | None = None) -> list[dict]:
    """All campaigns, or those of one ``subject_type`` ('organization' | 'person'), newest first."""
    current = current_campaign_id(store)
    rows = store.query("SELECT * FROM campaigns WHERE ? IS NULL OR subject_type = ? ORDER BY start_on DESC, id DESC",
                       (subject_type, subject_type))
    for row in rows:
        row["current"] = row["id"] == current
    return rows


def current_campaign_id(store) -> int | None:
    value = store.get_setting("current_campaign_id")
    if value is None:
        return None
    if store.scalar("SELECT 1 FROM campaigns WHERE id = ?", (value,)) is None:
        return None
    return int(value)


def set_current(store, campaign_id: int) -> None:
    require(store, "campaign.manage")
    if get_campaign_row(store, campaign_id)["subject_type"] != "organization":
        raise UserError("Kế hoạch cho công dân không thể là kế hoạch hiện hành của báo cáo tổ chức")
    store.set_setting("current_campaign_id", campaign_id)


def resolve_campaign_id(store, campaign_id: int | None) -> int:
    """The given campaign, or the current one; UserError if there is none."""
    if campaign_id is None:
        campaign_id = current_campaign_id(store)
        if campaign_id is None:
            raise UserError("Chưa có kế hoạch hiện hành. Hãy tạo kế hoạch (có thể từ mẫu) trong «Chỉ tiêu & tiến độ».")
    get_campaign_row(store, campaign_id)
    return int(campaign_id)


# ---- phases -------------------------------------------------------------------------------------
def list_phases(store, campaign_id: int) -> list[dict]:
    return store.query(
        "SELECT * FROM campaign_phases WHERE campaign_id = ? ORDER BY start_on, kind = 'phase', position, id",
        (campaign_id,),
    )


def add_phase(store, campaign_id: int, name: str, start_on, end_on, *, kind: str = "phase") -> int:
    require(store, "campaign.manage")
    campaign = get_campaign_row(store, campaign_id)
    values = _phase_values(campaign, {"name": name, "start_on": start_on, "end_on": end_on, "kind": kind})
    with store.atomic():
        _check_overlap(store, campaign_id, values, None)
        position = store.scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM campaign_phases WHERE campaign_id = ?",
                                (campaign_id,))
        cur = store.execute(
            "INSERT INTO campaign_phases(campaign_id, position, name, kind, start_on, end_on) VALUES (?,?,?,?,?,?)",
            (campaign_id, position, values["name"], values["kind"], values["start_on"], values["end_on"]),
        )
        store.audit("campaign.phase_add", "campaign", campaign_id, detail={"phase_id": cur.lastrowid, **values})
        store.notify(Table.CAMPAIGN_PHASES, Kind.INSERT, (cur.lastrowid,))
    return cur.lastrowid


def update_phase(store, phase_id: int, data: dict) -> None:
    require(store, "campaign.manage")
    old = store.query_one("SELECT * FROM campaign_phases WHERE id = ?", (phase_id,))
    if old is None:
        raise UserError(f"Không có giai đoạn số {phase_id}")
    campaign = get_campaign_row(store, old["campaign_id"])
    merged = {k: old[k] for k in ("name", "start_on", "end_on", "kind")}
    merged.update({k: v for k, v in data.items() if k in merged})
    values = _phase_values(campaign, merged)
    with store.atomic():
        _check_overlap(store, old["campaign_id"], values, phase_id)
        store.execute("UPDATE campaign_phases SET name = ?, kind = ?, start_on = ?, end_on = ? WHERE id = ?",
                      (values["name"], values["kind"], values["start_on"], values["end_on"], phase_id))
        store.audit_changes("campaign_phase", phase_id, old, values, "campaign.phase_update")
        store.notify(Table.CAMPAIGN_PHASES, Kind.UPDATE, (phase_id,))


def delete_phase(store, phase_id: int) -> None:
    require(store, "campaign.manage")
    old = store.query_one("SELECT * FROM campaign_phases WHERE id = ?", (phase_id,))
    if old is None:
        raise UserError(f"Không có giai đoạn số {phase_id}")
    with store.atomic():
        store.execute("DELETE FROM campaign_phases WHERE id = ?", (phase_id,))
        store.audit("campaign.phase_delete", "campaign", old["campaign_id"], old=old)
        store.notify(Table.CAMPAIGN_PHASES, Kind.DELETE, (phase_id,))


def _phase_values(campaign: dict, data: dict) -> dict:
    kind = data.get("kind") or "phase"
    if kind not in PHASE_KINDS:
        raise UserError(f"Loại giai đoạn «{kind}» không hợp lệ")
    start = parse_date(data.get("start_on"), "Ngày bắt đầu giai đoạn")
    end = parse_date(data.get("end_on"), "Ngày kết thúc giai đoạn") or start
    if kind == "day":
        end = start
    name = clean(data.get("name") or "")
    if not name:
        raise UserError("Giai đoạn phải có tên")
    if not start:
        raise UserError(f"Giai đoạn «{name}» phải có ngày bắt đầu")
    if start > end:
        raise UserError(f"Giai đoạn «{name}»: ngày bắt đầu phải trước hoặc bằng ngày kết thúc")
    if start < campaign["start_on"] or end > campaign["end_on"]:
        raise UserError(
            f"Giai đoạn «{name}» ({date_text(start)}–{date_text(end)}) phải nằm trong thời gian của kế hoạch "
            f"({date_text(campaign['start_on'])}–{date_text(campaign['end_on'])})"
        )
    return {"name": name, "kind": kind, "start_on": start, "end_on": end}


def _check_overlap(store, campaign_id: int, values: dict, phase_id: int | None) -> None:
    if values["kind"] != "phase":
        return
    clash = store.query_one(
        "SELECT name, start_on, end_on FROM campaign_phases WHERE campaign_id = ? AND kind = 'phase' AND id IS NOT ?"
        " AND start_on <= ? AND end_on >= ?",
        (campaign_id, phase_id, values["end_on"], values["start_on"]),
    )
    if clash:
        raise UserError(
            f"Giai đoạn «{values['name']}» trùng thời gian với «{clash['name']}» "
            f"({date_text(clash['start_on'])}–{date_text(clash['end_on'])})"
        )


def _check_phases_inside(store, campaign_id: int, start: str, end: str) -> None:
    bad = store.query_one(
        "SELECT name FROM campaign_phases WHERE campaign_id = ? AND (start_on < ? OR end_on > ?)",
        (campaign_id, start, end),
    )
    if bad:
        raise UserError(f"Giai đoạn «{bad['name']}» sẽ nằm ngoài thời gian mới của kế hoạch; hãy sửa giai đoạn trước")

