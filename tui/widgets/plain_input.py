"""An Input for text that will be shown again: it never holds control characters."""

from __future__ import annotations

from textual.widgets import Input

from store import strip_controls


class PlainInput(Input):
    """An Input that never holds control characters.

    Textual draws an Input's value as it is, so a pasted escape sequence would reach the terminal
    (``ESC[2J`` clears it, ``ESC]52`` writes the clipboard). Typing cannot produce one; pasting can.
    """

    controls_removed: bool = False
    """Whether the last change dropped control characters, so the screen can say so."""

    def validate_value(self, value: str) -> str:
        # A tab from a copied table cell most likely separated two words.
        cleaned = strip_controls(value.replace("\t", " "))
        self.controls_removed = cleaned != value
        return cleaned
