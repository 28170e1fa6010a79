"""The one-way layering rule: models/ and exporters/ never import Qt widgets, Qt GUI, or ui/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_PREFIXES = ("ui", "PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtCharts", "PySide6.QtPdf",
                      "PySide6.QtPrintSupport", "cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["models", "exporters"])
def test_lower_layers_do_not_import_qt_widgets_or_ui(package):
    offenders = []
    for path in _files(package):
        for lineno, name in _imports(path):
            if any(name == p or name.startswith(p + ".") for p in FORBIDDEN_PREFIXES):
                offenders.append(f"{path.relative_to(ROOT)}:{lineno} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_rule_detects_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport ui.shell.main_window\n", encoding="utf-8")
    names = [n for _, n in _imports(bad)]
    assert "PySide6.QtWidgets" in names and "ui.shell.main_window" in names
