"""The documentation is checked like code: what the README and docs/ promise must exist.

- every command the CLI offers is in the README's command table (and nothing else is);
- every benchmark script is in benchmarks/README.md's table with the command that runs it;
- every relative link in README.md and docs/*.md points to a file that exists, and an anchor
  (``file.md#heading``) to a heading of that file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
LINK_RE = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
DOCUMENTS = [ROOT / "README.md", ROOT / "benchmarks" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def _table_rows(section: str) -> list[str]:
    """The lines of the section's first table (a table ends at the first line that is not a row)."""
    lines = section.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows[2:]  # header and separator


def _cli_commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse keeps sub-commands here
    return set(sub.choices)


def test_every_cli_command_is_in_the_readme_table():
    rows = _table_rows(_section((ROOT / "README.md").read_text(encoding="utf-8"), "Command line"))
    documented = {m.group(1) for row in rows for m in re.finditer(r"`([a-z][a-z-]*)[ `]", row.split("|")[1])}
    assert documented == _cli_commands()


def test_every_benchmark_is_listed_with_its_command():
    text = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    rows = _table_rows("\n## x\n" + text[text.index("| Script |"):])
    listed = {re.search(r"`(bench_[a-z_]+\.py)`", row).group(1): row for row in rows}
    scripts = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert set(listed) == scripts
    for name, row in listed.items():
        assert f"benchmarks/{name}" in row.split("|")[3], f"{name}: no command in its row"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_what_exists(document):
    text = document.read_text(encoding="utf-8")
    broken = []
    for target in LINK_RE.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto
        file_part, _, anchor = target.partition("#")
        path = (document.parent / file_part).resolve() if file_part else document
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    assert not broken, f"{document.name}: {broken}"


def test_the_slug_rule_keeps_vietnamese_letters():
    assert _slug("Why the 2x budget (the floor)") == "why-the-2x-budget-the-floor"
    assert _slug("Nhập danh sách tổ chức") == "nhập-danh-sách-tổ-chức"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_points_outside_the_repository(document):
    """A clone has no ``../shared`` or ``/work``: what the docs need from there is copied (docs/domain.md)."""
    text = document.read_text(encoding="utf-8")
    outside = [m.group(0) for m in re.finditer(r"(?<![\w.])\.\./[\w./-]+|/work/[\w./-]+", text)]
    for link in LINK_RE.findall(text):
        if not re.match(r"[a-z]+:", link) and not (document.parent / link.split("#")[0]).resolve().is_relative_to(ROOT):
            outside.append(link)
    assert outside == [], outside
