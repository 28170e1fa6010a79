"""Test data for the national system's result lists: a desk with dossiers in several states, and a
result list as the province forwards it (title, table, totals, place and date, signer)."""

from __future__ import annotations

import datetime as dt

import xlsxwriter

from models.dossiers import records as dossiers
from models.dossiers import status as ds
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit

HEADERS = ["STT", "Tên tổ chức", "Mã số thuế", "Mã định danh tổ chức", "Ngày cấp tài khoản", "Trạng thái"]


def write_results(path, rows, headers=HEADERS, footer=True):
    """A list as the province forwards it: a title, a blank line, the table, totals and the signer."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("KQ")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, "DANH SÁCH TỔ CHỨC ĐÃ ĐƯỢC CẤP TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ")
    ws.write(1, 0, "(Trích xuất từ hệ thống định danh và xác thực điện tử)")
    for c, h in enumerate(headers):
        ws.write(3, c, h)
    r = 4
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif value != "":
                ws.write(r, c, value)
    if footer:
        ws.write(r + 1, 0, "Tổng cộng: 6 tổ chức")
        ws.write(r + 3, 3, "An Giang, ngày 08 tháng 01 năm 2025")
        ws.write(r + 4, 3, "Người lập biểu")
        ws.write(r + 6, 3, "Nguyễn Thị Lập")
    wb.close()
    return path


def national_desk(store) -> dict:
    """A desk with four organizations: one dossier open, one issued, one refused, one with no dossier."""
    setup_unit(store)
    officers = add_officers(store)
    org_open = make_org(store)  # 0100233488, dossier open
    org_issued = make_org(store, tax="0312687878", name="Công ty Cổ phần Hải Âu")  # dossier already issued
    org_nodossier = make_org(store, tax="0314409058", name="HTX Nông nghiệp Tân Hiệp", grp=2)
    org_refused = make_org(store, tax="0101245486", name="Công ty TNHH Bị Từ Chối")
    store.actor = officers["canbo1"]
    d_open = dossiers.create(store, declared=declared_from(store, org_open), channel="Trực tiếp tại đơn vị",
                             org_id=org_open, received_at=dt.datetime(2025, 1, 2, 8, 0))
    d_issued = dossiers.create(store, declared=declared_from(store, org_issued), channel="Trực tiếp tại đơn vị",
                               org_id=org_issued, received_at=dt.datetime(2025, 1, 2, 9, 0))
    d_refused = dossiers.create(store, declared=declared_from(store, org_refused),
                                channel="Trực tiếp tại đơn vị", org_id=org_refused,
                                received_at=dt.datetime(2025, 1, 3, 9, 0))
    store.actor = officers["chihuy"]
    for step in ("verifying", "verified", "issued"):
        ds.move(store, d_issued, step)
    ds.move(store, d_refused, "refused", reason="Sai thông tin người đại diện")
    return {"store": store, "officers": officers, "d_open": d_open, "d_issued": d_issued,
            "d_refused": d_refused, "org_nodossier": org_nodossier, "org_refused": org_refused}


ROWS = [
    # open dossier, tax code stored as a number (leading zero lost), activated → two steps in history
    [1, "CTY TNHH TM SAO MAI", 100233488, "TC-0001", dt.date(2025, 1, 6), "Đã kích hoạt"],
    # dossier already issued at the desk; the list says issued: account recorded, dossier unchanged
    [2, "Công ty CP Hải Âu", "0312687878", "TC-0002", "05/01/2025", "Đã cấp"],
    # no dossier at this desk (applied on VNeID): the account is recorded on the organization
    [3, "HTX Tân Hiệp", "0314409058", "TC-0003", "07/01/2025", "Chưa kích hoạt"],
    # not in the registry: listed, never created
    [4, "Công ty Lạ Hoắc", "0100109106", "TC-0004", "07/01/2025", "Đã cấp"],
    # a personal ID number in the tax-code column: rejected
    [5, "Hộ kinh doanh Bà Ba", "091185000123", "", "07/01/2025", "Đã cấp"],
    # an unknown status word: rejected
    [6, "Công ty Sao Mai 2", "1797597786", "", "07/01/2025", "Đang chờ xử lý???"],
    # a date that does not exist: rejected
    [7, "Công ty Sao Mai 3", "1771284820", "", "31/02/2025", "Đã cấp"],
    # the refused organization does have an account
    [8, "Công ty TNHH Bị Từ Chối", "0101245486", "", "08/01/2025", "Đã cấp"],
]
