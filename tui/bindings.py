"""Every binding of the app that has an id: what a ``[keymap]`` in the config file can rebind.

Read from the classes themselves (the app, its screens and widgets), so the list never drifts
from the keys that really work. Importing every screen costs a little, so the app asks only after
its first frame.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

#: Packages whose modules hold screens and widgets.
PACKAGES = ("tui.screens", "tui.widgets")


@dataclass(frozen=True, slots=True)
class BindingInfo:
    id: str
    keys: str
    description: str
    owner: str  # the class that declares it


def _import_all() -> None:
    import tui.app  # noqa: F401 - the app's own bindings

    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package_name}.{module.name}")


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    stack = [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                stack.append(sub)
    return found


def bindings_with_ids() -> dict[str, BindingInfo]:
    """Binding id → its default keys and description, for every binding of the app with an id."""
    _import_all()
    found: dict[str, BindingInfo] = {}
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                found[binding.id] = BindingInfo(binding.id, binding.key, binding.description, cls.__name__)
    return found
