"""The procedure's printed papers (issue 13 item 2) and the receipt's QR payload (item 6): text read back
with pypdf, only the bundled Liberation Serif faces embedded, page size and orientation, the register
book's rows and period, and what the receipt's QR code holds."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from exporters.receipt_pdf import ReceiptData, write_receipt
from models.core.errors import UserError
from models.dossiers import records as dossiers
from models.dossiers import rows as dossier_rows
from models.dossiers import status as ds
from models.dossiers.receipt import qr_payload, receipt_fields
from services import procedure_docs, receipts
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit

PAPERS = ["Văn bản uỷ quyền (khi người nộp không phải người đại diện)",
          "Giấy chứng nhận đăng ký doanh nghiệp / hợp tác xã hoặc quyết định thành lập (bản sao)"]


@pytest.fixture
def env(fresh_store, clock):
    store = fresh_store
    setup_unit(store)
    actors = add_officers(store)
    a = make_org(store, name="Công ty TNHH Thương mại   Dịch vụ Ánh Dương  Phú Quốc")
    b = make_org(store, tax="0312687878", name="HTX Nông nghiệp Tân Hội & <Đồng Tiến>", grp=2, area="30742",
                 rep_name="Đặng Thị Ửng")
    c = make_org(store, tax="0314409058", name="Trường Mầm non Hướng Dương", grp=3, area="30769")
    store.actor = actors["canbo1"]
    ids = {}
    ids["papers"] = dossiers.create(store, declared=declared_from(store, a), channel="Trực tiếp tại đơn vị", org_id=a)
    ds.move(store, ids["papers"], "verifying")
    ds.move(store, ids["papers"], "needs_papers", missing_papers=PAPERS)
    clock.advance(hours=1)
    ids["refused"] = dossiers.create(store, declared=declared_from(store, b), channel="Tổ lưu động", org_id=b)
    store.actor = actors["chihuy"]
    ds.refuse(store, ids["refused"], "Người nộp không phải người đại diện theo pháp luật, không có văn bản uỷ quyền")
    clock.advance(days=1)
    store.actor = actors["canbo2"]
    ids["issued"] = dossiers.create(store, declared=declared_from(store, c), channel="Ứng dụng VNeID", org_id=c)
    ds.move(store, ids["issued"], "verifying")
    ds.move(store, ids["issued"], "verified")
    store.actor = actors["chihuy"]
    ds.move(store, ids["issued"], "issued", account_id="TC-0314409058")
    clock.advance(days=10)
    store.actor = actors["canbo1"]
    ids["later"] = dossiers.create(store, declared=declared_from(store, a), channel="Trực tiếp tại đơn vị", org_id=a)
    return store, actors, ids


def _text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _fonts(reader: PdfReader) -> set[str]:
    out = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            out.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_papers_request_lists_the_papers_asked(env):
    store, _, ids = env
    text, reader = _text(procedure_docs.document_pdf(store, ids["papers"], "papers_request"))
    flat = _flat(text)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "An Giang, ngày 09 tháng 01 năm 2025" in flat
    assert "02 giấy tờ" in flat
    for i, paper in enumerate(PAPERS, 1):
        assert _flat(f"{i}. {paper}") in flat
    assert "Tờ khai đề nghị" not in flat  # a paper that was not asked for is not listed
    assert "Công ty TNHH Thương mại Dịch vụ Ánh Dương Phú Quốc" in flat
    assert "Lê Thị Hồng Nhung" in flat  # the officer who asked
    assert _fonts(reader) <= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                              "LiberationSerif-BoldItalic"}
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # A4 portrait


def test_refusal_notice_says_why_and_is_signed_by_the_leader(env):
    store, _, ids = env
    text, reader = _text(procedure_docs.document_pdf(store, ids["refused"], "refusal"))
    flat = _flat(text)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in flat
    assert "Người nộp không phải người đại diện theo pháp luật, không có văn bản uỷ quyền" in flat
    assert "HTX Nông nghiệp Tân Hội & <Đồng Tiến>" in flat  # escaped markup printed as typed
    assert "Trần Minh Chiến" in flat and "KT. TRƯỞNG CÔNG AN" in flat
    assert len(reader.pages) == 1


def test_documents_refused_for_the_wrong_dossier(env):
    store, _, ids = env
    with pytest.raises(UserError, match="không ở trạng thái «Từ chối»"):
        procedure_docs.document_pdf(store, ids["papers"], "refusal")
    with pytest.raises(UserError, match="chưa có yêu cầu bổ sung"):
        procedure_docs.document_pdf(store, ids["issued"], "papers_request")


def test_register_book_lists_the_period_landscape(env, tmp_path):
    store, _, ids = env
    out = procedure_docs.save_register_book(store, "2025-01-09", "2025-01-10", tmp_path / "so-theo-doi")
    assert out["rows"] == 3 and out["path"].endswith(".pdf")
    text, reader = _text((tmp_path / "so-theo-doi.pdf").read_bytes())
    flat = _flat(text)
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert "SỔ THEO DÕI TIẾP NHẬN HỒ SƠ" in flat and "Từ ngày 09/01/2025 đến ngày 10/01/2025" in flat
    numbers = [dossier_rows.get(store, ids[k])["number"] for k in ("papers", "refused", "issued", "later")]
    assert all(n in flat for n in numbers[:3]) and numbers[3] not in flat  # received on 20/01: outside
    assert flat.index(numbers[0]) < flat.index(numbers[1]) < flat.index(numbers[2])  # order received
    assert "Định danh tài khoản: TC-0314409058" in flat and "Chờ bổ sung" in flat
    assert "Sổ này có 3 hồ sơ" in flat
    assert _fonts(reader) <= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                              "LiberationSerif-BoldItalic"}
    audit = store.query("SELECT detail FROM audit_log WHERE action = 'dossier.register_book'")
    assert len(audit) == 1 and '"rows": 3' in audit[0]["detail"]


def test_register_book_of_many_dossiers_repeats_the_header(env, clock):
    store, _, _ = env
    org = make_org(store, tax="0100109106", name="Công ty Cổ phần Rạch Giá Xanh")
    for _ in range(40):
        clock.advance(minutes=17)
        dossiers.create(store, declared=declared_from(store, org), channel="Trực tiếp tại đơn vị", org_id=org)
    pdf, count = procedure_docs.register_book_pdf(store, "2025-01-20", "2025-01-20")
    text, reader = _text(pdf)
    assert count == 41 and len(reader.pages) >= 2
    assert all("Mã hồ sơ" in page.extract_text() for page in reader.pages[:-1])
    assert "2" in reader.pages[1].extract_text().split("\n")[0]  # page number on page 2


def test_register_book_refuses_a_reversed_period(env):
    store, _, _ = env
    with pytest.raises(UserError, match="không hợp lệ"):
        procedure_docs.register_book_pdf(store, "2025-01-10", "2025-01-09")


# ---- the receipt's QR code (issue 13 item 6) ----------------------------------------------------------
def test_qr_payload_tells_the_applicant_something():
    text = qr_payload("HS-2025-000123", "  Công ty TNHH   Sao Mai · Chi nhánh ", dt.date(2025, 1, 14),
                      ["Công an tỉnh An Giang", "Tổ tiếp nhận Rạch Giá"])
    assert text == ("HS-2025-000123 · Công ty TNHH Sao Mai - Chi nhánh · Hẹn trả kết quả: 14/01/2025 · "
                    "Tổ tiếp nhận Rạch Giá - Công an tỉnh An Giang")
    assert "\n" not in text
    assert qr_payload("HS-2025-000124", "", None, []) == \
        "HS-2025-000124 · Hẹn trả kết quả: sau khi xác minh xong"
    long = qr_payload("HS-2025-000125", "Công ty " + "rất dài " * 30, None, ["X"])
    assert len(long.split(" · ")[1]) == 80 and long.split(" · ")[1].endswith("…")


def test_receipt_embeds_the_payload_and_a_scan_opens_the_dossier(env):
    store, _, ids = env
    fields = receipt_fields(store, ids["issued"])
    d = dossier_rows.get(store, ids["issued"])
    assert fields["qr_text"] == qr_payload(d["number"], "Trường Mầm non Hướng Dương",
                                           dt.date.fromisoformat(d["due_date"]),
                                           ["Công an tỉnh An Giang", "Tổ tiếp nhận Rạch Giá"])
    assert "Trường Mầm non Hướng Dương" in fields["qr_text"] and "Hẹn trả kết quả: " in fields["qr_text"]
    # the slip the service renders is the one drawn with this payload, not with the bare number
    pdf = receipts.receipt_pdf(store, ids["issued"], "A5")

    def render(qr_text):
        buffer = io.BytesIO()
        write_receipt(ReceiptData(**{**fields, "qr_text": qr_text}), buffer, page_size="A5")
        return buffer.getvalue()

    assert pdf == render(fields["qr_text"])
    assert pdf != render(d["number"])
    # the desk's scanner types the whole line into the search field: the number opens the dossier
    assert dossier_rows.get_by_number(store, fields["qr_text"])["id"] == ids["issued"]
    assert dossier_rows.get_by_number(store, fields["qr_text"].lower())["id"] == ids["issued"]
