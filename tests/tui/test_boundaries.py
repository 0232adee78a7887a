"""tui/ uses the store only through its public API, so the store can change behind it."""

from __future__ import annotations

import ast
from pathlib import Path

import store

TUI = Path(__file__).resolve().parents[2] / "tui"


def _modules() -> list[Path]:
    return sorted(TUI.rglob("*.py"))


def test_tui_imports_only_names_the_store_package_exports() -> None:
    problems = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("store"):
                if node.module != "store":
                    problems.append(f"{path.name}: from {node.module} import …")
                problems += [
                    f"{path.name}: {alias.name} is not in store.__all__"
                    for alias in node.names
                    if alias.name not in store.__all__
                ]
            elif isinstance(node, ast.Import):
                problems += [f"{path.name}: import {a.name}" for a in node.names if a.name.startswith("store.")]
    assert problems == []


def test_tui_touches_no_private_attribute_of_the_store() -> None:
    problems = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Attribute | ast.Name)
                and getattr(node.value, "attr", getattr(node.value, "id", "")) in ("store", "db")
            ):
                problems.append(f"{path.name}:{node.lineno}: .{node.attr}")
    assert problems == []


def test_the_store_names_each_public_name_once() -> None:
    import collections

    import store

    assert [name for name, n in collections.Counter(store.__all__).items() if n > 1] == []
