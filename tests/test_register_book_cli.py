"""``register-book`` end to end: refused without sign-in, written by a signed-in officer as a landscape PDF
listing the period's dossiers, audited in his name; a bad date or a reversed period is a Vietnamese error."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from models.core.store import SYSTEM_ACTOR
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from models.security import auth
from tests.factories.dossiers import declared_from, make_org, setup_unit

PASSWORDS = {"quantri": "matkhau-quantri", "canbo1": "matkhau-canbo1"}


@pytest.fixture
def unit_db(fresh_store, db_path, clock):
    store = fresh_store
    setup_unit(store)
    store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", PASSWORDS["quantri"])
    auth.create_officer(store, "canbo1", "Lê Thị Hồng Nhung", "intake", PASSWORDS["canbo1"])
    store.actor = SYSTEM_ACTOR
    a = make_org(store, name="Công ty TNHH Đại Phát Đạt")
    b = make_org(store, tax="0312687878", name="HTX Thủy sản Ơn Lợi", grp=2, area="30742")
    numbers = []
    for org, days in ((a, 0), (b, 1), (a, 6)):
        clock.advance(days=days)
        dossier_id = dossiers.create(store, declared=declared_from(store, org), channel="Tổ lưu động", org_id=org)
        numbers.append(store.scalar("SELECT number FROM dossiers WHERE id = ?", (dossier_id,)))
    ds.move(store, dossier_id, "verifying")
    return db_path, numbers


def test_register_book_end_to_end(unit_db, run_cli, tmp_path, fresh_store):
    db, numbers = unit_db
    out = tmp_path / "so" / "so-theo-doi-thang-1.pdf"
    out.parent.mkdir()
    refused = run_cli("register-book", "--db", db, "--from", "2025-01-09", "--to", "2025-01-12", "--out", out)
    assert refused.returncode == 2 and "--user" in refused.stderr and not out.exists()
    result = run_cli("register-book", "--db", db, "--user", "canbo1", "--from", "2025-01-09", "--to", "2025-01-12",
                     "--out", out, env={"SODINHDANH_PASSWORD": PASSWORDS["canbo1"]})
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line == {"path": str(out), "rows": 2, "from": "2025-01-09", "to": "2025-01-12"}
    reader = PdfReader(out)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert numbers[0] in text and numbers[1] in text and numbers[2] not in text
    assert "HTX Thủy sản Ơn Lợi" in text and "SỔ THEO DÕI TIẾP NHẬN HỒ SƠ" in text
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    audit = fresh_store.query("SELECT a.detail, o.username FROM audit_log a JOIN officers o ON o.id = a.officer_id "
                              "WHERE a.action = 'dossier.register_book'")
    assert len(audit) == 1 and audit[0]["username"] == "canbo1" and '"rows": 2' in audit[0]["detail"]


@pytest.mark.parametrize("start,end,fragment", [
    ("2025-13-01", "2025-01-12", "--from"),
    ("09/01/2025", "2025-01-12", "--from"),
    ("2025-01-12", "2025-01-09", "không hợp lệ"),
])
def test_register_book_bad_dates(unit_db, run_cli, tmp_path, start, end, fragment):
    db, _ = unit_db
    out = tmp_path / "x.pdf"
    result = run_cli("register-book", "--db", db, "--user", "canbo1", "--from", start, "--to", end, "--out", out,
                     env={"SODINHDANH_PASSWORD": PASSWORDS["canbo1"]})
    assert result.returncode == 2 and result.stderr.startswith("Lỗi:") and fragment in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
