"""Vietnamese wording for argparse's own messages (usage, help, errors).

argparse looks its strings up through the module-level ``_`` (gettext) at call time; replacing it
with a table lookup translates them without copying argparse's code.
"""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "cách dùng: ",
    "positional arguments": "lệnh và tham số",
    "options": "tuỳ chọn",
    "optional arguments": "tuỳ chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in phiên bản chương trình rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "expected one argument": "cần đúng một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (cần kiểu %(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không hợp lệ (chọn một trong: %(choices)s)",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "ambiguous option: %(option)s could match %(matches)s": "tuỳ chọn %(option)s không rõ, có thể là %(matches)s",
}


def install() -> None:
    argparse._ = lambda text: MESSAGES.get(text, text)


# What the help shows in place of a value (argparse would show the option's English dest in capitals).
METAVARS = {
    "db": "TỆP_CSDL", "user": "TÊN_ĐĂNG_NHẬP", "file": "TỆP", "files": "TỆP", "out": "TỆP",
    "errors": "TỆP.xlsx", "export": "TỆP", "pdf": "TỆP.pdf", "xlsx": "TỆP.xlsx", "docx": "TỆP.docx",
    "to": "THƯ_MỤC", "source": "TỆP_SAO_LƯU", "week_end": "NGÀY", "week_ending": "NGÀY", "date": "NGÀY",
    "as_of": "NGÀY", "week_start": "NGÀY", "number": "SỐ", "campaign": "SỐ", "limit": "SỐ", "sequence": "SỐ",
    "difficulties": "NỘI_DUNG", "proposals": "NỘI_DUNG", "next_week": "NỘI_DUNG", "query": "TỪ_KHOÁ",
    "account": "TÊN_ĐĂNG_NHẬP", "admin": "TÊN_ĐĂNG_NHẬP", "admin_name": "HỌ_TÊN", "name": "TÊN",
    "parent": "TÊN", "place": "ĐỊA_DANH", "areas": "MÃ,…", "code": "MÃ", "unit": "MÃ", "area": "MÃ",
    "key": "TỆP|KHOÁ", "declare": ("MÃ", "TÊN"), "password": "MẬT_KHẨU", "status": "TRẠNG_THÁI",
    "reason": "LÝ_DO",
}


def localize(parser: argparse.ArgumentParser) -> None:
    """Vietnamese placeholders for every option's value in every sub-command's help (``METAVARS``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.metavar = "LỆNH"
            for sub in set(action.choices.values()):
                localize(sub)
            continue
        if action.help == argparse.SUPPRESS or action.nargs == 0:
            continue
        if action.choices is not None and action.dest != "status":
            continue
        if action.dest in METAVARS:
            action.metavar = METAVARS[action.dest]
