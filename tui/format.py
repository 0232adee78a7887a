"""How the command line and the app put store values into words. No Textual here."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import store

TYPE_CHECKING = False  # typing itself is not loaded: a short command has no use for it
if TYPE_CHECKING:
    from store import Action, TokenInfo


def safe(text: str) -> str:
    """User-typed text made safe for a terminal: control characters removed."""
    return store.strip_controls(text)


def when(moment: datetime | None, empty: str = "—") -> str:
    """A moment in the viewer's local time, to the minute."""
    if moment is None:
        return empty
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def short_when(moment: datetime, now: datetime) -> str:
    """A moment in fewer cells, for a narrow table: ``11-29 04:37`` within the year of ``now``
    (local time), the day alone (``2025-11-29``) before it."""
    local = moment.astimezone()
    if local.year == now.astimezone().year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def day(moment: datetime | None, empty: str = "—") -> str:
    if moment is None:
        return empty
    return moment.astimezone().strftime("%Y-%m-%d")


def relative(moment: datetime | None, now: datetime | None = None, empty: str = "never") -> str:
    """``3 min ago``, ``in 5 days``: how far a moment is from now, roughly."""
    if moment is None:
        return empty
    now = now or store.utcnow()
    seconds = (moment - now).total_seconds()
    future = seconds > 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now" if not future else "in under a minute"
    for size, unit in ((365 * 86400, "year"), (30 * 86400, "month"), (86400, "day"), (3600, "hour"), (60, "min")):
        if seconds >= size:
            count = int(seconds // size)
            name = unit if unit == "min" or count == 1 else unit + "s"
            return f"in {count} {name}" if future else f"{count} {name} ago"
    return ""  # pragma: no cover - the loop always returns


def expires(info: TokenInfo) -> str:
    """The last day the token works: a date chosen as "through 2030-12-31" expires at the
    midnight that ends it, which must not read as the 1st."""
    if info.expires_at is None:
        return "never"
    return day(info.expires_at - timedelta(microseconds=1))


def status(info: TokenInfo, now: datetime | None = None, *, short: bool = False, width: int = 17) -> str:
    """``active``, ``expires in 3 days``, ``rotated, stops in 5 hours``, ``expired``, ``revoked``.

    ``short`` (for the app's list): at most ``width`` cells — ``expires in 3 days``,
    ``expires in 5 h`` or ``rotated`` in 17, ``3 days left`` in 12.
    """
    from store import TokenStatus

    now = now or store.utcnow()
    found = info.status(now)
    if found in (TokenStatus.ACTIVE, TokenStatus.EXPIRES_SOON) and info.replaced_by is not None:
        return "rotated" if short else f"rotated, stops {relative(info.expires_at, now)}"
    if found is TokenStatus.EXPIRES_SOON and info.expires_at is not None:
        seconds = (info.expires_at - now).total_seconds()
        if seconds >= 86400:
            # To the nearest day: a token made "for 5 days" a moment ago expires in 5 days, not 4.
            days = round(seconds / 86400)
            span = f"{days} day{'' if days == 1 else 's'}"
        elif seconds >= 3600:
            hours = int(seconds // 3600)
            span = f"{hours} h" if short else f"{hours} hour{'' if hours == 1 else 's'}"
        else:
            span = f"{max(1, int(seconds // 60))} min"
        worded = f"expires in {span}"
        return worded if not short or len(worded) <= width else f"{span} left"
    return found.value


def link(info: TokenInfo) -> str:
    """The rotation link: ``replaced by ID`` on the old token, ``replaces ID`` on the new one."""
    if info.replaced_by is not None:
        return f"replaced by {info.replaced_by}"
    if info.replaces is not None:
        return f"replaces {info.replaces}"
    return ""


def databases(info: TokenInfo) -> str:
    if info.databases is None:
        return "all the account can reach"
    return ", ".join(safe(name) for name in info.databases)


def actions(items: frozenset[Action] | set[Action], none: str = "no access") -> str:
    from store import ALL_ACTIONS

    names = [a.value for a in ALL_ACTIONS if a in items]
    return ", ".join(names) if names else none


def expires_exactly(info: TokenInfo) -> str:
    """When the token stops working, to the minute, or "end of DAY" for a chosen date."""
    if info.expires_at is None:
        return "never"
    local = info.expires_at.astimezone()
    if local.time() == time.min:
        return f"end of {day(info.expires_at - timedelta(microseconds=1))}"
    return when(info.expires_at)


def revoked(info: TokenInfo) -> str:
    """When a revoked token was revoked, and by whom when that is known: ``2026-11-29 00:58 by bob``."""
    assert info.revoked_at is not None
    return when(info.revoked_at) + (f" by {safe(info.revoked_by)}" if info.revoked_by else "")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: 2 for each wide (CJK, most emoji) character, 0 for
    combining marks and joiners. The same measure Textual draws with, so the app and the command
    line agree."""
    from rich.cells import cell_len

    return cell_len(text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal cells (``str.ljust`` counts characters,
    which misaligns columns after a wide character)."""
    return text + " " * max(0, width - cells(text))


def columns(rows: list[tuple[str, ...]]) -> list[str]:
    """``rows`` (the first is the header) as lines of aligned columns, widths counted in terminal cells."""
    from rich.cells import cell_len

    measured = [[cell_len(cell) for cell in row] for row in rows]  # each cell once: lists can be long
    widths = [max(column) for column in zip(*measured, strict=True)]
    return [
        "  ".join(cell + " " * (width - used) for cell, used, width in zip(row, sizes, widths, strict=True)).rstrip()
        for row, sizes in zip(rows, measured, strict=True)
    ]


def local_zone() -> str:
    """The name of the time zone dates are read in (over SSH, the server's), e.g. ``CET``."""
    return datetime.now().astimezone().tzname() or "local time"


def _cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells with an ellipsis in the middle, keeping more of the end."""
    if cells(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    keep = width - 1
    head = keep // 3
    tail = keep - head
    while cells(text[:head]) + cells(text[len(text) - tail:]) > keep and (head or tail):
        if tail > head:
            tail -= 1
        else:
            head -= 1
    return text[:head] + "…" + (text[len(text) - tail:] if tail else "")


def short_location(location: str, width: int, home: str | None = None) -> str:
    """A database path or URL in ``width`` cells, shortened in the middle so the file name stays.

    The home folder becomes ``~``; then folders are left out from the second on, nearest the file
    last: ``~/…/tokens/tokens.db``. A URL keeps its scheme's start and the database name at the end.
    """
    import os

    if home is None:
        home = os.path.expanduser("~")
    text = location
    if "://" not in text and home and home != "/" and (text == home or text.startswith(home.rstrip("/") + "/")):
        text = "~" + text[len(home.rstrip("/")):]
    if cells(text) <= width:
        return text
    if "://" in text or "/" not in text:
        return _cut_middle(text, width)
    parts = text.split("/")
    head, middle, name = parts[0], parts[1:-1], parts[-1]
    # Keep as many of the folders nearest the file as fit, after the first part and an ellipsis.
    for keep in range(len(middle) - 1, -1, -1):
        candidate = "/".join([head, "…", *middle[len(middle) - keep:], name])
        if cells(candidate) <= width:
            return candidate
    if cells("…/" + name) <= width:
        return "…/" + name
    return _cut_middle(name, width)


__all__ = [
    "actions",
    "databases",
    "cells",
    "columns",
    "day",
    "expires",
    "expires_exactly",
    "link",
    "local_zone",
    "pad",
    "relative",
    "revoked",
    "safe",
    "short_location",
    "short_when",
    "status",
    "when",
]
