"""Fixtures for the app's tests.

The modal screens' tests share a small host app with the snapshot tests. pytest-textual-snapshot
runs those host files as scripts, with their folder on ``sys.path``; putting the same folder on
the path here lets the tests import them under the same names, whether or not ``tests`` is a package.
"""

from __future__ import annotations

import sys
from pathlib import Path

SNAPSHOT_APPS = Path(__file__).parent / "snapshot_apps"
if str(SNAPSHOT_APPS) not in sys.path:
    sys.path.insert(0, str(SNAPSHOT_APPS))
