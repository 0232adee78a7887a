"""What every benchmark prints about the machine it ran on, and how it prints its report."""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib.metadata import version
from typing import Any


def machine(**extra: object) -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        **extra,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "textual": version("textual"),
    }


def emit(report: dict[str, Any]) -> None:
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
