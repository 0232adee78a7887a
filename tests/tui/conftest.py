"""Fixtures for the app's tests.

The modal screens' tests share a small host app with the snapshot tests. pytest-textual-snapshot
runs those host files as scripts, with their folder on ``sys.path``; putting the same folder on
the path here lets the tests import them under the same names, whether or not ``tests`` is a package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SNAPSHOT_APPS = Path(__file__).parent / "snapshot_apps"
if str(SNAPSHOT_APPS) not in sys.path:
    sys.path.insert(0, str(SNAPSHOT_APPS))


@pytest.fixture
def snap_compare(snap_compare, monkeypatch):  # type: ignore[no-untyped-def]
    """Every snapshot with a steady text cursor.

    A blinking cursor is drawn or not depending on when the screenshot is taken, which on a
    loaded machine made snapshots with a focused text field fail at random. Replacing the
    ``cursor_blink`` reactive of Textual's text widgets with a plain ``False`` for the duration of
    the test covers every field, also those a snapshot's key presses open later.
    """
    from textual.widgets import Input, TextArea

    for widget in (Input, TextArea):
        monkeypatch.setattr(widget, "cursor_blink", False)
    return snap_compare


@pytest.fixture
def demo_db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A database of alice's (its first account, so an administrator) with the demo data."""
    from store import Actor, TokenStore

    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.seed_demo(Actor("alice"))
    return path
