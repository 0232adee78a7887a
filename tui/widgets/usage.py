"""Usage at a glance: on which of the last 30 days a token was used, drawn as a sparkline, and the
"least used first" order of the lists. An administrator deciding what to revoke looks rather than reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Sparkline, Static

from store import USAGE_DAYS, TokenInfo


def least_used_first(tokens: Iterable[TokenInfo], now: datetime) -> list[TokenInfo]:
    """Tokens that still work first, those used on the fewest of the last 30 days first among them,
    then the longest unused (never used before all)."""

    def key(token: TokenInfo) -> tuple[bool, int, float]:
        last = token.last_used_at.timestamp() if token.last_used_at is not None else float("-inf")
        return (not token.is_active(now), token.use_count(now), last)

    return sorted(tokens, key=key)


def bars(days_used: Iterable[bool]) -> list[float]:
    """The sparkline's data: a 0 before each day, so the scale always runs from 0 to 1 (a sparkline
    scales to its own smallest and largest value: a token used every day would otherwise draw flat)
    while each bar, the larger of its pair, shows its own day."""
    data: list[float] = []
    for used in days_used:
        data += (0.0, 1.0 if used else 0.0)
    return data


def describe_use(token: TokenInfo, now: datetime) -> str:
    count = token.use_count(now)
    if count == 0:
        return f"Not used in the last {USAGE_DAYS} days"
    return f"Used on {count} of the last {USAGE_DAYS} days"


class UsageGlance(Horizontal):
    """One line: one bar per day of the last 30 (oldest left, today right), full on a day of use
    and flat on a day without, then the count. The bars' height carries the meaning, not their
    colour. In a narrow panel a bar stands for two days (full if either was a day of use)."""

    DEFAULT_CSS = """
    UsageGlance { height: 1; width: 1fr; }
    UsageGlance > .usage-name { width: 10; color: $text-muted; text-style: dim; }
    UsageGlance > Sparkline { width: 1fr; max-width: 30; height: 1; }
    UsageGlance > Sparkline > .sparkline--min-color { color: $foreground 30%; }
    UsageGlance > Sparkline > .sparkline--max-color { color: $success; }
    UsageGlance > .usage-count { width: auto; padding-left: 1; }
    """

    #: The token (and the time) last shown, drawn once the line is composed.
    _shown: tuple[TokenInfo, datetime] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Used"), classes="usage-name")
        yield Sparkline(bars([False] * USAGE_DAYS), summary_function=max)
        yield Static(classes="usage-count")

    def show(self, token: TokenInfo, now: datetime) -> None:
        self._shown = (token, now)
        self.tooltip = describe_use(token, now)
        self._draw()

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        counts = self.query(".usage-count").results(Static)
        sparklines = self.query(Sparkline)
        if self._shown is None or not sparklines:
            return  # not composed yet (the detail panel adds this line with its first token): on_mount draws
        token, now = self._shown
        for count in counts:
            count.update(Content(f"{token.use_count(now)}/{USAGE_DAYS}"))
        sparklines.first().data = bars(token.days_used(now))
