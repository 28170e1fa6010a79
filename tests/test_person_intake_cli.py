"""``intake-person`` and ``session-notice`` end to end (sign-in, JSON line, audit, Vietnamese errors), and the
notice PDF itself: Decree 30 "THÔNG BÁO" text with Vietnamese diacritics in embedded Liberation fonts."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader

from models.core.store import SYSTEM_ACTOR
from models.people import persons, schedules
from models.security import auth
from services.session_notice import notice_pdf
from tests.factories.dossiers import setup_unit

PASSWORDS = {"quantri": "matkhau-quantri", "canbo1": "matkhau-canbo1"}
ENV = {"SODINHDANH_PASSWORD": PASSWORDS["canbo1"]}
KNOWN = "079085001234"


@pytest.fixture
def unit_db(fresh_store, db_path):
    store = fresh_store
    setup_unit(store)
    store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", PASSWORDS["quantri"])
    auth.create_officer(store, "canbo1", "Lê Thị Hồng Nhung", "intake", PASSWORDS["canbo1"])
    store.actor = SYSTEM_ACTOR
    persons.create_person(store, {"id_number": KNOWN, "full_name": "Nguyễn Thị Ánh Tuyết"}, source="residents")
    session = schedules.create_session(store, held_on=dt.date(2025, 1, 11), area_code="30760", start_time="07:30",
                                       end_time="11:00", place="Nhà văn hoá ấp Phước Hoà",
                                       team=["Trần Quốc Dũng", "Lý Thị Ngọc Hân"], expected_people=120)
    return db_path, session


def test_intake_person_end_to_end(unit_db, run_cli, fresh_store):
    db, session = unit_db
    refused = run_cli("intake-person", "--db", db, "--id", KNOWN)
    assert refused.returncode == 2 and "--user" in refused.stderr
    result = run_cli("intake-person", "--db", db, "--user", "canbo1", "--id", "0790 8500 1234", "--session", session,
                     env=ENV)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line["person"] == "Nguyễn Thị Ánh Tuyết" and line["id_number"] == "0790•••••234"
    assert line["session"] == session and line["channel"] == "Tổ lưu động"
    again = run_cli("intake-person", "--db", db, "--user", "canbo1", "--id", KNOWN, env=ENV)
    assert again.returncode == 2 and "đang có hồ sơ mức 2" in again.stderr and "Traceback" not in again.stderr
    unknown = run_cli("intake-person", "--db", db, "--user", "canbo1", "--id", "001190004567", env=ENV)
    assert unknown.returncode == 2 and "họ và tên" in unknown.stderr
    created = run_cli("intake-person", "--db", db, "--user", "canbo1", "--id", "001190004567", "--name", "Đỗ Văn Hùng",
                      "--no-card", env=ENV)
    assert created.returncode == 0, created.stderr
    rows = fresh_store.query("SELECT d.person_ref, d.id_card_valid, o.username FROM dossiers d "
                             "JOIN officers o ON o.id = d.officer_id ORDER BY d.id")
    assert rows == [{"person_ref": KNOWN, "id_card_valid": 1, "username": "canbo1"},
                    {"person_ref": "001190004567", "id_card_valid": 0, "username": "canbo1"}]


def test_session_notice_end_to_end(unit_db, run_cli, tmp_path, fresh_store):
    db, session = unit_db
    out = tmp_path / "thong-bao"
    result = run_cli("session-notice", "--db", db, "--user", "canbo1", "--session", session, "--out", out,
                     "--number", "15/TB-CAX", env=ENV)
    assert result.returncode == 0, result.stderr
    path = json.loads(result.stdout)["path"]
    assert path.endswith("thong-bao.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "THÔNG BÁO" in text and "15/TB-CAX" in text and "Nhà văn hoá ấp Phước Hoà" in text
    assert fresh_store.scalar("SELECT count(*) FROM audit_log WHERE action = 'intake_session.notice'") == 1
    missing = run_cli("session-notice", "--db", db, "--user", "canbo1", "--session", 999, "--out", out, env=ENV)
    assert missing.returncode == 2 and "Không tìm thấy buổi thu nhận số 999" in missing.stderr


def test_notice_pdf_text_and_fonts(unit_db, fresh_store):
    _, session = unit_db
    reader = PdfReader(io.BytesIO(notice_pdf(fresh_store, session, number="15/TB-CAX")))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for fragment in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "TỔ TIẾP NHẬN RẠCH GIÁ",
                     "Lịch thu nhận hồ sơ cấp tài khoản định danh điện tử mức độ 2", "thứ Bảy, ngày 11/01/2025",
                     "từ 07:30 đến 11:00", "Trần Quốc Dũng, Lý Thị Ngọc Hân", "120 người", "Nơi nhận:"):
        assert fragment in text, fragment
    assert "Kính gửi: Chủ tịch Uỷ ban nhân dân" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font  # embedded TrueType subset
    assert fonts and all("Liberation" in f for f in fonts) and not any("Helvetica" in f for f in fonts)
