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
