"""The house rules, read from the code's own imports (imports inside functions count):

- layers one way: ``models/`` imports no Qt, no ``ui/``, no ``cli/``, no ``exporters/``, no ``services/``;
  ``exporters/`` no Qt and no front end; the front ends (``ui/``, ``cli/``) reach ``exporters/`` only
  through ``services/``;
- no import cycle between project modules;
- ``models/`` is packages, not a flat pile;
- a project import inside a function says why (``# imported late: …``), since the only accepted
  reason is a measured start-up cost.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("models", "exporters", "services", "ui", "cli", "demo", "resources")
SKIP = {"tests", "benchmarks", "scripts", ".venv", "build", "dist", ".git"}
QT_WIDGETS = ("PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPrintSupport")
FORBIDDEN = {
    "models": ("ui", "cli", "exporters", "services", "demo", "PySide6"),
    "exporters": ("ui", "cli", "services", "demo", *QT_WIDGETS),
    "services": ("ui", "cli", "demo", "PySide6"),
    "ui": ("exporters",),
    "cli": ("exporters",),
}
LATE_REASON = "# imported late:"


def _starts(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    modules = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] in SKIP or any(p.startswith(".") for p in rel.parts):
            continue
        name = ".".join(rel.with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def imports_of(path: Path, module: str, modules: dict[str, Path]) -> list[tuple[int, str, bool]]:
    """(line, imported name, inside a function) for every import, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (child.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                found.append((child.lineno, base, in_function))
                # "from models.dossiers import records" imports the module models.dossiers.records
                found.extend((child.lineno, f"{base}.{alias.name}", in_function) for alias in child.names
                             if f"{base}.{alias.name}" in modules)
            visit(child, nested)

    visit(tree, False)
    return found


def module_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for _, name, _ in imports_of(path, module, modules):
            target = name
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_offences(root: Path = ROOT) -> list[str]:
    modules = project_modules(root)
    offences = []
    for module, path in sorted(modules.items()):
        layer = module.split(".")[0]
        for lineno, name, _ in imports_of(path, module, modules):
            if _starts(name, FORBIDDEN.get(layer, ())):
                offences.append(f"{path.relative_to(root)}:{lineno} imports {name}")
    return offences


def unexplained_late_imports(root: Path = ROOT) -> list[str]:
    modules = project_modules(root)
    offences = []
    for module, path in sorted(modules.items()):
        lines = path.read_text(encoding="utf-8").splitlines()
        seen: set[int] = set()
        for lineno, name, in_function in imports_of(path, module, modules):
            if not in_function or not _starts(name, PROJECT_PACKAGES) or lineno in seen:
                continue
            seen.add(lineno)
            here, above = lines[lineno - 1], lines[lineno - 2] if lineno > 1 else ""
            if LATE_REASON not in here and LATE_REASON not in above:
                offences.append(f"{path.relative_to(root)}:{lineno} imports {name} inside a function without "
                                f"«{LATE_REASON} <reason>»")
    return offences


# ---- the rules on this tree ----------------------------------------------------------------------------
def test_layers_go_one_way():
    assert not layer_offences(), "\n".join(layer_offences())


def test_no_import_cycles():
    found = cycles(module_graph())
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def test_models_is_packages_per_domain():
    flat = sorted(p.name for p in (ROOT / "models").glob("*.py") if p.name != "__init__.py")
    assert not flat, f"modules at the top of models/: {flat}"
    domains = {p.name for p in (ROOT / "models").iterdir() if (p / "__init__.py").exists()}
    assert {"core", "text", "registry", "dossiers", "campaigns", "reports", "sync", "security", "tabular"} <= domains


def test_text_imports_nothing_else_of_the_project():
    modules = project_modules()
    offenders = [f"{path.relative_to(ROOT)}:{lineno} imports {name}"
                 for module, path in modules.items() if module.startswith("models.text")
                 for lineno, name, _ in imports_of(path, module, modules)
                 if _starts(name, PROJECT_PACKAGES) and not _starts(name, ("models.text", "models.core.errors"))]
    assert not offenders, "\n".join(offenders)


def test_project_imports_inside_functions_say_why():
    assert not unexplained_late_imports(), "\n".join(unexplained_late_imports())


# ---- the rules catch what they are meant to catch ------------------------------------------------------
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("files, expected", [
    ({"models/__init__.py": "", "models/a.py": "from models.b import x\n", "models/b.py": "import models.a\n"},
     [["models.a", "models.b"]]),
    # the cycle hides behind an import inside a function
    ({"models/__init__.py": "", "models/a.py": "from models import b\n",
      "models/b.py": "def f():\n    from models.a import y  # imported late: test\n"},
     [["models.a", "models.b"]]),
    # a relative import
    ({"models/__init__.py": "", "models/p/__init__.py": "", "models/p/a.py": "from . import b\n",
      "models/p/b.py": "from .a import z\n"}, [["models.p.a", "models.p.b"]]),
    ({"models/__init__.py": "", "models/a.py": "from models.b import x\n", "models/b.py": "x = 1\n"}, []),
])
def test_cycle_rule_detects_a_cycle(tmp_path, files, expected):
    assert cycles(module_graph(_tree(tmp_path, files))) == expected


@pytest.mark.parametrize("path, text", [
    ("models/m.py", "from PySide6.QtCore import QObject\n"),
    ("models/m.py", "def f():\n    import exporters.report_pdf  # imported late: test\n"),
    ("models/m.py", "from services.reports import issue\n"),
    ("exporters/e.py", "from PySide6.QtWidgets import QWidget\n"),
    ("ui/page.py", "from exporters.report_pdf import render_report_pdf\n"),
    ("cli/cmd.py", "def run():\n    from exporters import report_xlsx  # imported late: test\n"),
])
def test_layer_rule_detects_a_violation(tmp_path, path, text):
    root = _tree(tmp_path, {path: text})
    assert len(layer_offences(root)) == 1


def test_late_import_rule_wants_a_reason(tmp_path):
    root = _tree(tmp_path, {
        "models/__init__.py": "",
        "models/a.py": "def f():\n    from models import b\n",
        "models/b.py": "def g():\n    # imported late: keeps start-up fast (measured)\n    from models import a\n"
                       "def h():\n    import json\n",
    })
    assert [o.split(" ")[0] for o in unexplained_late_imports(root)] == ["models/a.py:2"]
