"""The store is the domain: it never imports a user-interface library, and importing it is cheap
(the database layer loads only when a ``TokenStore`` is first used, so the app can paint first)."""

from __future__ import annotations

from store import Actor

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import store

UI_LIBRARIES = ("textual", "rich", "tui")
HEAVY = ("sqlalchemy", "sqlmodel", "argon2", "pydantic", "psycopg")


def loaded_after(code: str) -> set[str]:
    """Top-level module names loaded by a fresh interpreter after running ``code``."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_using_the_store_loads_no_user_interface_library(tmp_path: Path) -> None:
    loaded = loaded_after(
        f"""
        import store
        from store import Actor, TokenStore
        TokenStore
        s = TokenStore({str(tmp_path / "tokens.db")!r})
        s.ensure_account("alice")
        new = s.create_token(Actor("alice"), "Laptop", "read")
        s.authenticate(new.secret)
        s.revoke(Actor("alice"), new.info.id)
        s.seed_demo(Actor("alice"))
        """
    )
    assert "sqlalchemy" in loaded  # the store really was used
    assert not loaded & set(UI_LIBRARIES), sorted(loaded & set(UI_LIBRARIES))


def test_importing_the_store_does_not_load_the_database_layer() -> None:
    loaded = loaded_after(
        """
        import store
        from store import Scope, TokenInfo, effective_actions, validate_label, parse_expiry
        Scope.parse("read"); validate_label("Laptop"); parse_expiry("30d")
        effective_actions({store.Action.VIEW}, Scope.READ_WRITE)
        """
    )
    assert "store" in loaded
    assert not loaded & set(HEAVY + UI_LIBRARIES), sorted(loaded & set(HEAVY + UI_LIBRARIES))


def test_no_module_of_the_store_imports_a_user_interface_library() -> None:
    # Also catches imports inside functions, which a run that never calls them would miss.
    package = Path(store.__file__).parent
    offenders = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in UI_LIBRARIES]
    assert sorted(package.glob("*.py")), package
    assert offenders == []


def test_every_public_name_of_the_store_is_found_where_it_is_said_to_live() -> None:
    # The lazy table and __all__ are kept by hand: a name in one and not the other would be
    # either missing from `from store import *` or an AttributeError on first use.
    assert sorted(store.__all__) == sorted(store._HOMES)
    assert len(store.__all__) == len(set(store.__all__))
    for name in store.__all__:
        assert getattr(store, name) is not None
