"""Every audit action and object type written by the models has a Vietnamese label for the audit screen."""

from __future__ import annotations

import re
from pathlib import Path

from models.security.audit import ACTION_LABELS, OBJECT_LABELS

ROOT = Path(__file__).resolve().parent.parent
# store.audit("x.y", "object", …), audit_changes("object", id, old, new, "x.y"), action="x.y", log_*("x.y"
ACTION_RE = re.compile(r"""(?:audit\(\s*|action\s*=\s*|log_sensitive_read\(\s*store,\s*)["']([a-z_]+\.[a-z_.]+)["']""")
OBJECT_RE = re.compile(r"""\.audit\(\s*["'][a-z_.]+["']\s*,\s*["']([a-z_]+)["']""")


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "models").rglob("*.py"))


def test_every_action_written_by_the_models_has_a_label():
    actions = set(ACTION_RE.findall(_sources()))
    assert len(actions) > 20, actions  # the pattern still finds the calls
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert not missing, f"add Vietnamese labels in models/security/audit.py: {missing}"


def test_every_object_type_written_by_the_models_has_a_label():
    objects = set(OBJECT_RE.findall(_sources()))
    assert len(objects) > 5, objects
    missing = sorted(o for o in objects if o not in OBJECT_LABELS)
    assert not missing, f"add Vietnamese labels in models/security/audit.py: {missing}"


def test_details_and_fields_are_readable():
    from models.security.audit import field_label, readable_detail

    assert field_label("rep_name") == "Người đại diện theo pháp luật"
    assert field_label("plan_baseline") == "Mốc tính (theo kế hoạch)"
    assert field_label("khong_biet") == "khong_biet"
    text = readable_detail('{"name": "Giai đoạn 1", "start_on": "2024-12-30", "parts": {"30742": 8, "30760": 11}}')
    assert text == "Tên: Giai đoạn 1; Từ ngày: 30/12/2024; Phân bổ: 2 mục"
    assert readable_detail("x" * 500).endswith("x") and len(readable_detail("y" * 500)) == 160


def test_verification_lines_read_as_sentences_not_codes():
    from models.security.audit import field_label, readable_detail, readable_value

    assert field_label("verification_request") == "Yêu cầu xác minh"
    assert field_label("tk02_signed") == "Tờ khai TK02 đủ nội dung, có chữ ký"
    assert readable_value("tk02_signed", "ok") == "Khớp / đạt"
    assert readable_value("verification_request", '{"due_on": "2025-03-20", "method": "Điện thoại", '
                          '"sent_on": "2025-03-13", "to_unit": "Công an xã Mong Thọ"}') == (
        "Hạn trả lời: 20/03/2025; Hình thức: Điện thoại; Ngày gửi: 13/03/2025; Gửi đơn vị: Công an xã Mong Thọ")
    assert readable_detail('{"check": "Tờ khai TK02", "note": null}') == "Nội dung kiểm tra: Tờ khai TK02"
    assert readable_detail('{"answered_on": "2025-03-10", "request_id": 127}') == (
        "Ngày nhận kết quả: 10/03/2025; Số yêu cầu: 127")
    assert readable_value("established_on", "2020-05-01") == "01/05/2020"
    assert readable_value("address", "Số 7 đường Trần Hưng Đạo") == "Số 7 đường Trần Hưng Đạo"
    assert readable_value("address", None) == ""


def test_the_log_is_newest_first_by_time(fresh_store, clock):
    from models.security.audit import query_audit

    clock.set(2025, 3, 13, 10, 0)
    fresh_store.audit("setting.update", "setting", "a")
    clock.set(2025, 3, 6, 11, 0)  # written later, about an earlier moment
    fresh_store.audit("setting.update", "setting", "b")
    assert [r["object_id"] for r in query_audit(fresh_store)][:2] == ["a", "b"]
