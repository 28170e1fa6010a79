"""Demo weekly reports: the leader issued every past week's report of the campaign, one of them late,
so the register, the reprint and the deadline banner show real history (the current week is left for
the officer to issue on the demo's Thursday)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from models.core.store import Actor, Store
from models.reports.period import ReportSettings, get_settings, save_settings, week_due_on
from models.reports.register import next_number
from services.reports import ReportForm, issue_report

FIRST_DUE = dt.date(2025, 1, 2)  # first Thursday after the campaign's start (30/12/2024)
LATE_WEEK = 6  # this week's report went out at 16:10, after the 14:00 deadline
DIFFICULTIES = ("Một số tổ chức nhóm 4 chưa có văn bản thành lập; người đại diện theo pháp luật của nhiều "
                "doanh nghiệp chưa có tài khoản định danh mức 2 nên chưa nộp được hồ sơ trên VNeID.")
PROPOSALS = ("Đề nghị Sở Tài chính cung cấp danh sách doanh nghiệp cập nhật tình trạng hoạt động; đề nghị "
             "Công an tỉnh hướng dẫn xác minh tổ chức có trụ sở ở địa phương khác.")


def build(store: Store, seed: int) -> dict:
    leader = store.query_one("SELECT * FROM officers WHERE role = 'leader' ORDER BY id LIMIT 1")
    saved_actor, saved_clock = store.actor, store.clock
    store.actor = Actor(leader["id"], leader["username"], leader["full_name"], leader["role"])
    settings: ReportSettings = get_settings(store)
    settings = save_settings(store, dataclasses.replace(
        settings, symbol="BC-PC06", signer_authority="KT. TRƯỞNG PHÒNG", signer_title="PHÓ TRƯỞNG PHÒNG",
        signer_name=leader["full_name"]))
    issued = 0
    try:
        due_day = FIRST_DUE
        today = saved_clock()
        week = 1
        while True:
            period = week_due_on(due_day, settings)
            if period.due_at >= today:
                break
            on_time = week != LATE_WEEK
            when = period.due_at - dt.timedelta(hours=3) if on_time else period.due_at + dt.timedelta(hours=2,
                                                                                                       minutes=10)
            store.clock = lambda when=when: when
            form = ReportForm(difficulties=DIFFICULTIES if week % 3 == 1 else "",
                              proposals=PROPOSALS if week % 3 == 1 else "")
            issue_report(store, period, form, next_number(store, period.due_at.year))
            issued += 1
            week += 1
            due_day += dt.timedelta(days=7)
    finally:
        store.actor, store.clock = saved_actor, saved_clock
    return {"reports_issued": issued}
