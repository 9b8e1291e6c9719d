"""Launch-flag validation against an engine's own argument parser, read from its source without importing it."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

from suite.errors import UserError


def _strings(node: ast.AST, env: dict[str, str]) -> str | None:
    """A string constant, or an f-string whose every field is a loop variable bound in `env`; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and v.value.id in env:
                parts.append(env[v.value.id])
            else:
                return None
        return "".join(parts)
    return None


class UnsupportedReward(UserError):
    """An arm whose reward the target engine's reward functions do not serve: export lists it as not exported."""


def options_in_source(text: str) -> set[str]:
    """Every `--option` string passed to an `add_argument(...)` call in Python source `text`, including f-strings
    inside `for prefix in ("actor", "critic"):` loops (expanded once per value)."""
    out: set[str] = set()

    def visit(node: ast.AST, env: dict[str, str]) -> None:
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, (ast.Tuple,
                                                                                                      ast.List)):
            values = [_strings(e, {}) for e in node.iter.elts]
            if values and all(v is not None for v in values):
                for v in values:
                    for child in node.body:
                        visit(child, {**env, node.target.id: v})
                return
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_argument":
            for arg in node.args:
                s = _strings(arg, env)
                if s is not None and s.startswith("--"):
                    out.add(s)
        for child in ast.iter_child_nodes(node):
            visit(child, env)

    visit(ast.parse(text), {})
    return out


def shipped_options(name: str) -> set[str]:
    """A flag list shipped in `suite/export/engine_flags/<name>.txt` (tools/extract_engine_flags.py)."""
    text = resources.files("suite.export").joinpath("engine_flags", f"{name}.txt").read_text()
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def installed_options(module_file: str) -> set[str] | None:
    """The options of an installed engine's launcher (e.g. "openrlhf/cli/train_ppo_ray.py"), or None when the engine
    is not installed here. The file is read, not imported."""
    import importlib.util

    top = module_file.split("/")[0]
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).parent / module_file
    return options_in_source(path.read_text()) if path.is_file() else None


def check_flags(argv: list[str], known: set[str], where: str) -> None:
    """Every `--flag` token of `argv` must be one the engine's parser knows; UserError listing the unknown ones."""
    unknown = sorted({a for a in argv if a.startswith("--") and a not in known})
    if unknown:
        raise UserError(f"the engine's parser has no option(s) {', '.join(unknown)}", where=where)
