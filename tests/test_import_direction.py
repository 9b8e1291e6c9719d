"""Imports point one way (STYLE.md, "Import direction"): `experiments` imports `suite`, `studies` imports both, and
nothing imports back. `suite` finds experiments only through `suite.registry.discover`, which imports a package whose
name arrives as an argument (`DEFAULT_PACKAGE = "experiments"`): a variable, not a literal import, so it is not flagged.

The checker reads source with `ast`, so text in strings, comments and docstrings never counts. It sees
`import x`, `from x import y`, `from x.y import z`, relative imports (resolved against the file's package), and
`importlib.import_module("x...")` / `import_module("x...")` / `__import__("x...")` called with a literal string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: package -> the top-level packages it must not import
FORBIDDEN = {"suite": ("experiments", "studies"), "experiments": ("studies",)}

_DYNAMIC_IMPORTERS = {"import_module", "__import__"}


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, the text of module `module` (dotted)."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, _resolve(node.module, node.level, package)))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return sorted(found, key=lambda item: item[0])  # ast.walk is breadth-first; report in line order


def _resolve(name: str | None, level: int, package: str) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    return ".".join(base + ([name] if name else []))


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _DYNAMIC_IMPORTERS
    return isinstance(func, ast.Attribute) and func.attr in _DYNAMIC_IMPORTERS


def forbidden_imports(root: Path, package: str, forbidden: tuple[str, ...]) -> list[str]:
    """'path:line: imports module' for each import of a `forbidden` top-level package (or a submodule of one) by any
    module of `root/package`, paths relative to `root`."""
    problems = []
    for path in sorted((root / package).rglob("*.py")):
        rel = path.relative_to(root)
        is_package = path.name == "__init__.py"
        parts = rel.with_suffix("").parts
        module = ".".join(parts[:-1] if is_package else parts)
        for line, name in imported_modules(path.read_text(encoding="utf-8"), module, is_package):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                problems.append(f"{rel}:{line}: imports {name} ({package} must not import {', '.join(forbidden)})")
    return problems


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package):
    if not (ROOT / package).is_dir():
        pytest.skip(f"no {package}/ package in this checkout")
    assert forbidden_imports(ROOT, package, FORBIDDEN[package]) == []


def test_the_discovery_door_is_not_flagged_but_a_literal_dynamic_import_is(tmp_path):
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "registry.py").write_text(
        'import importlib\nDEFAULT_PACKAGE = "experiments"\n\n'
        'def discover(package=DEFAULT_PACKAGE):\n    return importlib.import_module(package)\n'
        '"""importlib.import_module("experiments.takeaway_4_1") in a docstring is text, not an import"""\n')
    (tmp_path / "suite" / "bad.py").write_text('import importlib\n\nX = importlib.import_module("experiments.x")\n')
    assert forbidden_imports(tmp_path, "suite", FORBIDDEN["suite"]) == [
        "suite/bad.py:3: imports experiments.x (suite must not import experiments, studies)"]


def test_every_import_form_of_a_forbidden_package_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "suite" / "eval").mkdir(parents=True)
    (tmp_path / "suite" / "__init__.py").write_text("")
    (tmp_path / "suite" / "eval" / "__init__.py").write_text("")
    (tmp_path / "suite" / "eval" / "tables.py").write_text(
        "import os\n"
        "import experiments\n"
        "from studies import runs\n"
        "from experiments.takeaway_4_1 import EXPERIMENT\n"
        "from importlib import import_module\n"
        "def f():\n"
        "    import studies.rl_probe as probe\n"
        "    return import_module('experiments'), __import__('studies.runs')\n"
        "from .. import experiments_helpers\n"  # relative: resolves inside suite, allowed
        "from suite.experiment import Experiment\n")  # a suite module whose name starts like the package
    found = forbidden_imports(tmp_path, "suite", FORBIDDEN["suite"])
    assert [p.split(" (")[0] for p in found] == [
        "suite/eval/tables.py:2: imports experiments",
        "suite/eval/tables.py:3: imports studies",
        "suite/eval/tables.py:4: imports experiments.takeaway_4_1",
        "suite/eval/tables.py:7: imports studies.rl_probe",
        "suite/eval/tables.py:8: imports experiments",
        "suite/eval/tables.py:8: imports studies.runs",
    ]


def test_experiments_may_import_suite_but_not_studies(tmp_path):
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "takeaway_9_9.py").write_text(
        "from suite.experiment import Experiment\nfrom studies.runs import run_recipes\n")
    assert forbidden_imports(tmp_path, "experiments", FORBIDDEN["experiments"]) == [
        "experiments/takeaway_9_9.py:2: imports studies.runs (experiments must not import studies)"]
