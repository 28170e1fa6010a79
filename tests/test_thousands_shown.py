"""Counts shown to officers carry the Vietnamese thousands separator (issue 13, models/text/vn_format)."""

from __future__ import annotations

import subprocess

from exporters.pending_list import render_pending_pdf
from models.registry.importing.writer import ImportResult
from models.registry.pending import HEADERS, PendingDocument
from ui.dialogs.import_dialog import describe_counts


def test_import_summary():
    text = describe_counts(ImportResult(read=125_430, inserted=98_001, updated=1_200, unchanged=26_229,
                                        duplicates=0, rejected=1_500, warnings=12_000, flagged=1_001), done=True)
    for figure in ("125.430", "98.001", "1.200", "26.229", "1.500", "12.000", "1.001"):
        assert figure in text, (figure, text)


def test_pending_pdf_counts(tmp_path):
    rows = [(i, f"Tổ chức số {i}", "", "Ấp 1", "", "", "Doanh nghiệp", "Chưa có hồ sơ") for i in range(1, 1_235)]
    doc = PendingDocument("CÔNG AN TỈNH AN GIANG", "Phòng PC06", "An Giang", "2025-03-13",
                          "Danh sách", "Toàn đơn vị", HEADERS, [("Phường Rạch Giá", rows)], len(rows))
    path = tmp_path / "list.pdf"
    path.write_bytes(render_pending_pdf(doc))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "1.234 tổ chức" in text and "Tổng cộng: 1.234 tổ chức" in text
    assert "1.234" in text.split("Tổng cộng")[0]   # the row number of the last organization too
