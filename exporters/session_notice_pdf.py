"""The notice of a mobile intake session to the commune's chair or the agency's head ("THÔNG BÁO Lịch thu
nhận hồ sơ cấp tài khoản định danh điện tử mức độ 2"), A4 portrait in the Decree 30/2020 layout: the same
letterhead, fonts and margins as the procedure's papers (``exporters/procedure_pdf.py``), the number line
under the unit ("Số: …/TB-…"), the title and its abstract, "Kính gửi", the schedule as numbered points,
the request to the addressee, then "Nơi nhận" and the leader's signature block.

Input: the plain dict of ``models.people.sessions.notice_fields``. Deterministic (reportlab invariant mode).
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from exporters.decree30 import Rule, esc, side_by_side
from exporters.procedure_pdf import _Doc
from models.text.vn_format import date_text, thousands

TITLE = "THÔNG BÁO"
ABSTRACT = "Lịch thu nhận hồ sơ cấp tài khoản định danh điện tử mức độ 2"
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _times(data: dict) -> str:
    start, end = data.get("start_time"), data.get("end_time")
    if start and end:
        return f"từ {start} đến {end}, "
    if start:
        return f"từ {start}, "
    return ""


def write_session_notice(data: dict, fh: BinaryIO) -> None:
    unit = data["header_lines"][-1] if data["header_lines"] else ""
    doc = _Doc(A4, f"Thông báo lịch thu nhận ngày {date_text(data['held_on'])}", unit)
    s = doc.s
    number = data.get("number") or "      /TB"
    story: list[Flowable] = [
        doc.letterhead(data["header_lines"], data["place"], data["issued_on"], f"Số: {number}"),
        Spacer(1, 8 * mm), Paragraph(TITLE, s["title"]), Paragraph(ABSTRACT, s["subtitle"]),
        Rule(doc.width * 0.3, space_before=5, height=1, line_y=0.5), Spacer(1, 5 * mm)]
    recipients = data.get("recipients") or []
    if recipients:
        story.append(Paragraph("Kính gửi: " + "<br/>".join(f"- {esc(r)};" for r in recipients)
                               if len(recipients) > 1 else f"Kính gửi: {esc(recipients[0])}.", s["center"]))
        story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(
        f"Thực hiện kế hoạch cấp tài khoản định danh điện tử cho công dân trên địa bàn, {esc(unit)} thông báo lịch "
        f"tổ công tác lưu động thu nhận hồ sơ cấp tài khoản định danh điện tử mức độ 2 tại "
        f"<b>{esc(data['target'])}</b> như sau:", s["indent"]))
    day = data["held_on"]
    points = [f"1. Thời gian: {_times(data)}<b>{WEEKDAYS[day.weekday()]}, ngày {date_text(day)}</b>."]
    points.append(f"2. Địa điểm: {esc(data['location']) or '(sẽ thông báo sau)'}.")
    if data.get("expected_people") is not None:
        points.append(f"3. Số công dân dự kiến: {thousands(data['expected_people'])} người.")
    team = data.get("team") or []
    if team:
        points.append(f"{len(points) + 1}. Tổ công tác: {esc(', '.join(team))}.")
    story += [Paragraph(p, s["item"]) for p in points]
    story.append(Paragraph(
        "Đề nghị đồng chí thông báo cho công dân từ đủ 14 tuổi trở lên chưa có tài khoản định danh điện tử mức độ 2 "
        "có mặt đúng thời gian, địa điểm trên, mang theo thẻ căn cước (hoặc căn cước công dân gắn chip) và điện "
        "thoại thông minh có số điện thoại chính chủ; bố trí địa điểm, bàn ghế, điện, mạng Internet để tổ công tác "
        "làm việc.", s["indent"]))
    if data.get("notes"):
        story.append(Paragraph(esc(data["notes"]), s["indent"]))
    story.append(Paragraph("Rất mong nhận được sự phối hợp của đồng chí./.", s["indent"]))
    story.append(Spacer(1, 6 * mm))
    right: list[Flowable] = []
    if data.get("signer_authority"):
        right.append(Paragraph(esc(data["signer_authority"].upper()), s["sign"]))
    if data.get("signer_title"):
        right.append(Paragraph(esc(data["signer_title"].upper()), s["sign"]))
    right += [Paragraph("(Ký, ghi rõ họ tên, đóng dấu)", s["sign_hint"]), Spacer(1, 22 * mm)]
    left: list[Flowable] = [Paragraph("Nơi nhận:", s["recipients_title"])]
    left += [Paragraph(f"- {esc(r)};", s["recipients"]) for r in recipients]
    left.append(Paragraph("- Lưu: VT.", s["recipients"]))
    story.append(KeepTogether([side_by_side(left, right, (doc.width * 0.45, doc.width * 0.55), doc.fonts["regular"])]))
    fh.write(doc.build(story))
