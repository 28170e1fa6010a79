"""Output files are replaced whole or not at all."""

from __future__ import annotations

import pytest

from models.core.errors import UserError
from models.core.output_files import write_atomically, write_partial


def test_write_atomically_replaces_whole_file_and_leaves_no_partial(tmp_path):
    target = tmp_path / "sub" / "bao-cao.pdf"
    write_atomically(target, b"old")
    write_atomically(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert list(target.parent.iterdir()) == [target]


def test_partial_is_not_the_real_name_until_renamed(tmp_path):
    target = tmp_path / "a.xlsx"
    partial = write_partial(target, b"data")
    assert partial.name == "a.xlsx.partial" and not target.exists()


def test_unwritable_place_gives_a_vietnamese_error_naming_the_file(tmp_path):
    blocker = tmp_path / "la-tep"
    blocker.write_text("x")
    with pytest.raises(UserError, match="Không ghi được tệp «.*la-tep"):
        write_atomically(blocker / "bao-cao.pdf", b"x")
