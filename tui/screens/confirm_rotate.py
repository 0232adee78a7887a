"""Confirm rotating a token, with the overlap during which the old secret keeps working."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, RadioSet, Static

from store import DEFAULT_OVERLAP, TokenInfo, describe_duration, strip_controls

from .. import format as fmt
from .add_token import Choice, ChoiceSet
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

#: The overlaps offered: (value, title). The command line takes any from 0 to 7 days.
OVERLAPS: tuple[tuple[timedelta, str], ...] = (
    (timedelta(0), "At once"),
    (timedelta(hours=1), "1 hour"),
    (DEFAULT_OVERLAP, "24 hours"),
    (timedelta(days=7), "7 days"),
)


def consequence(info: TokenInfo, overlap: timedelta, now: datetime) -> str:
    """What rotating with this overlap does, in words: the sentence the confirmation states."""
    new = "A new token with the same label, scope and databases is created and shown once."
    if not overlap:
        return f"{new}\nThe old token stops working at once: programs using it fail until they get the new one."
    stops = now + overlap
    if info.expires_at is not None and info.expires_at < stops:
        stops = info.expires_at
    return (f"{new}\nThe old token keeps working for {describe_duration(stops - now)}, until {fmt.when(stops)}, "
            "then stops: give the new secret to the program using it before then.")


class ConfirmRotateScreen(DialogScreen[timedelta | None]):
    """Ask before rotating a token, stating (and letting one choose) the overlap.

    Dismisses with the overlap, or ``None`` to keep the token as it is. Cancel has the focus.

    | Key(s) | Description |
    | :- | :- |
    | y | Rotate with the chosen overlap. |
    | n, escape | Cancel. |
    | up, down | Choose the overlap (in the list of overlaps). |
    | tab, shift+tab | Move between the overlaps and the buttons. |
    """

    AUTO_FOCUS = "#cancel"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "rotate", "Rotate", id="confirm_rotate.rotate"),
        Binding("n,escape", "cancel", "Cancel", id="confirm_rotate.cancel"),
    ]

    DEFAULT_CSS = """
    ConfirmRotateScreen > #dialog {
        border: round $warning;
    }
    ConfirmRotateScreen #overlap {
        margin-top: 1;
        height: auto;
    }
    ConfirmRotateScreen #consequence {
        margin-top: 1;
        color: $text-warning;
    }
    ConfirmRotateScreen #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmRotateScreen #buttons > Button {
        margin-left: 2;
    }
    """

    def __init__(self, info: TokenInfo, now: datetime, overlap: timedelta = DEFAULT_OVERLAP) -> None:
        super().__init__()
        self._info = info
        self._now = now
        self._initial = overlap

    @property
    def info(self) -> TokenInfo:
        return self._info

    @property
    def overlap(self) -> timedelta:
        button = self.query_one("#overlap", RadioSet).pressed_button
        if button is None or button.id is None:
            return self._initial
        return timedelta(seconds=int(button.id.removeprefix("overlap-")))

    def compose(self) -> ComposeResult:
        info = self._info
        question = Content.assemble("Rotate “", (strip_controls(info.label), "bold"), "”?")
        details = Content.assemble(
            ("Token id: ", "bold"), strip_controls(info.id), "   ", ("Scope: ", "bold"), info.scope.title
        )
        with VerticalScroll(id="dialog", can_focus=False) as dialog:
            dialog.border_title = "Rotate token"
            yield Static(question, id="question")
            yield Static(details, id="details")
            with ChoiceSet(id="overlap") as overlaps:
                overlaps.border_title = "The old token keeps working"
                for value, title in OVERLAPS:
                    yield Choice(title, value == self._initial, id=f"overlap-{int(value.total_seconds())}")
            yield Static(consequence(info, self._initial, self._now), id="consequence", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Rotate", variant="warning", id="rotate", action="screen.rotate")
                yield Button("Cancel", id="cancel", action="screen.cancel")
        yield KeyFooter()

    @on(RadioSet.Changed, "#overlap")
    def _overlap_changed(self) -> None:
        self.query_one("#consequence", Static).update(consequence(self._info, self.overlap, self._now))

    def action_rotate(self) -> None:
        self.dismiss(self.overlap)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["OVERLAPS", "ConfirmRotateScreen", "consequence"]
