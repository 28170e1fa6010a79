"""Every command's ``--help`` is Vietnamese (issue 13 item 6): usage, headings, placeholders and texts.

Walks the parser in-process (every sub-command, as ``main.py CMD --help`` prints it); option names
(``--out``) and the status codes a script types are the interface, not prose, and are left out.
"""

from __future__ import annotations

import argparse
import re

import pytest

from cli import build_parser

# English words argparse or a hurried help text would leave behind.
ENGLISH = {
    "usage", "options", "optional", "positional", "arguments", "show", "message", "exit", "default", "the",
    "and", "or", "of", "for", "to", "from", "file", "files", "name", "query", "command", "username", "dir",
    "code", "out", "db", "yyyy", "mm", "dd", "week", "end", "ending", "password", "xlsx", "pdf", "docx", "tep",
    "ma", "ten", "sequence", "source", "number", "date", "limit", "campaign", "account", "user", "key", "unit",
    "as", "with", "without", "only", "write", "read", "print", "list", "status", "hex", "areas",
}
ALLOWED_CAPS = {"CSDL", "MST", "PDF", "DOCX", "XLSX", "VNEID", "HTX", "TK02", "JSON", "USB", "WAL", "KHOÁ",
                "TB", "CAX"}  # abbreviations of Vietnamese document numbers: «15/TB-CAX» (Thông báo, Công an xã)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _prose(text: str, commands: set[str]) -> str:
    """The help text without option names, the program name, command names and status codes."""
    text = re.sub(r"(?<![\w])--?[\w-]+", " ", text)
    text = text.replace("main.py", " ")
    for command in sorted(commands, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(command)}(?![\w-])", " ", text)
    text = re.sub(r"\b(received|verifying|needs_papers|waiting_locality|verified|issued|activated|refused|"
                  r"cancelled)\b", " ", text)
    text = re.sub(r"\b(xlsx|xls|ods|csv|pdf|docx)\b", " ", text)  # file types, as the officer sees them
    return re.sub(r"SODINHDANH_\w+|vneid\.gov\.vn|[\w.]+@[\w.]+", " ", text)


def _english_in(text: str) -> list[str]:
    found = []
    for word in re.findall(r"\w+", text):
        if not word.isascii() or not word[0].isalpha():
            continue  # Vietnamese (TỆP_CSDL, NGÀY) or a number
        if word.isupper() and word not in ALLOWED_CAPS and len(word) > 1:
            found.append(word)
        elif word.lower() in ENGLISH and not (word.isupper() and word in ALLOWED_CAPS):
            found.append(word)
    return found


def test_every_commands_help_is_vietnamese():
    parser = build_parser()
    commands = _subparsers(parser)
    assert len(commands) >= 15 and "import-results" in commands
    names = set(commands)
    texts = {"main.py": parser.format_help()} | {name: sub.format_help() for name, sub in commands.items()}
    problems = {name: _english_in(_prose(text, names)) for name, text in texts.items()}
    problems = {name: words for name, words in problems.items() if words}
    assert problems == {}, problems


def test_the_walk_would_catch_english():
    """The checker itself: an untranslated placeholder or text is found."""
    assert _english_in(_prose("cách dùng: main.py x [--db DB] FILE", {"x"})) == ["DB", "FILE"]
    assert _english_in(_prose("  --limit SỐ   show at most 9 rows", set())) == ["show"]


@pytest.mark.parametrize("command, old, new", [
    ("import-orgs", "--errors", "--out"),
    ("sync-key", "--export", "--out"),
    ("sync-report", "--pdf", "--out"),
    ("backup", "--to", "--out"),
    ("export", "--week-end", "--week-ending"),
])
def test_output_options_are_called_out_and_old_names_still_work(command, old, new):
    parser = build_parser()
    sub = _subparsers(parser)[command]
    shown = sub.format_help()
    assert new in shown and old not in shown.replace(new, "")
    args_old = parser.parse_args([command, old, "x-old", *(_required(command))])
    args_new = parser.parse_args([command, new, "x-old", *(_required(command))])
    assert vars(args_old) == vars(args_new)


def _required(command: str) -> list[str]:
    return {"import-orgs": ["--group", "1", "tep.xlsx"], "export": ["--out", "a.xlsx"]}.get(command, [])
