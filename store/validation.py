"""Rules for text that people type: labels, account names, expiry choices."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, tzinfo

from .errors import InvalidAccount, InvalidExpiry, InvalidInput, InvalidLabel

LABEL_MAX = 100
ACCOUNT_MAX = 100

# Bidirectional embeddings, overrides, isolates and marks can make a label display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

# Joiners shape emoji sequences and Indic, Arabic and Persian words; elsewhere they only hide.
_JOINERS = frozenset("\u200c\u200d")

# Characters that draw nothing, or only blank space, though they are not white space: Unicode's
# default-ignorable code points that are not format characters (Cf is handled by category), the
# Hangul fillers, and the Khmer inherent vowels.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def _is_variation_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180D or code == 0x180F


def _is_forbidden(ch: str) -> bool:
    # Cc is C0 (incl. TAB, LF, ESC), DEL and C1; Zl/Zp are line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI_CONTROLS


def _is_ignorable(ch: str) -> bool:
    """Whether a character draws nothing of its own: format characters (zero-width space, soft
    hyphen, BOM, tag characters, joiners, bidi marks), variation selectors, fillers."""
    return unicodedata.category(ch) == "Cf" or ch in _INVISIBLE or _is_variation_selector(ch)


def strip_controls(text: str) -> str:
    """Remove control characters before display: a second line of defence behind validation."""
    return "".join(ch for ch in text if not _is_forbidden(ch))


def label_key(label: str) -> str:
    """The form in which two labels are compared: equal keys read the same to a person.

    NFKC folds compatibility forms (fullwidth letters, no-break and ideographic spaces,
    ligatures) and composes accents (``e`` + U+0301 is ``é``); case folding ignores case (``ß`` is
    ``ss``); invisible characters are dropped and runs of white space count as one space.
    """
    text = "".join(ch for ch in label if not _is_ignorable(ch) and not _is_forbidden(ch))
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(ch for ch in text if not _is_ignorable(ch))
    return " ".join(text.split())


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _text_problem(text: str) -> str | None:
    """Why this text would read differently from how it is stored, or ``None``.

    Refused: control characters; bidi controls; surrogates and reserved invisible code points; invisible
    characters (zero-width space, soft hyphen, BOM, word joiner, tag characters, fillers); a
    combining mark with nothing to combine with. Allowed: a joiner between two characters of a
    script or emoji sequence that needs it, and a variation selector after a visible character.
    """
    previous = ""
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if _is_forbidden(ch):
            if ch in _BIDI_CONTROLS:
                return f"contains a text-direction control ({_describe(ch)}) that changes how it reads; use plain text"
            return f"contains a control character (U+{ord(ch):04X}); use plain text"
        if category == "Cs":
            return "contains bytes that are not valid text (check the terminal's character encoding)"
        if category == "Cn" and _reserved_invisible(ch):
            return f"contains a character this program cannot show (U+{ord(ch):04X}); use plain text"
        following = text[index + 1] if index + 1 < len(text) else ""
        if ch in _JOINERS:
            if _joinable(previous) and _joinable(following):
                previous = ch
                continue
            return f"contains an invisible character ({_describe(ch)}) outside a word that needs it; remove it"
        if _is_variation_selector(ch):
            if previous and not previous.isspace() and not _is_ignorable(previous):
                previous = ch
                continue
            return f"contains an invisible character ({_describe(ch)}) that modifies nothing; remove it"
        if _is_ignorable(ch):
            return f"contains an invisible character ({_describe(ch)}) that would make it read differently; remove it"
        if category in ("Mn", "Me") and (not previous or previous.isspace()):
            return f"starts a word with a combining mark ({_describe(ch)}) that has nothing to combine with"
        previous = ch
    return None


def _reserved_invisible(ch: str) -> bool:
    # Unassigned code points are allowed (a newer emoji may be unknown to this Python), except
    # the noncharacters and those reserved as default-ignorable, which will never draw anything.
    code = ord(ch)
    return (
        0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
        or 0x2060 <= code <= 0x206F
        or 0xFFF0 <= code <= 0xFFF8
        or 0xE0000 <= code <= 0xE0FFF
    )


def _joinable(ch: str) -> bool:
    # A joiner belongs between two visible characters outside ASCII (emoji, Indic, Arabic…).
    return bool(ch) and not ch.isascii() and not ch.isspace() and not _is_ignorable(ch)


def _visible(text: str) -> bool:
    return any(not ch.isspace() and not _is_ignorable(ch) and not _is_forbidden(ch) for ch in text)


def validate_label(label: object) -> str:
    """The label as stored (trimmed), or :class:`InvalidLabel` with a reason a person can act on."""
    if not isinstance(label, str):
        raise InvalidLabel("the label must be text")
    # White space at the ends (a pasted newline) is trimmed, not refused; the stored label is clean.
    label = label.strip()
    if not label:
        raise InvalidLabel("the label is empty: name the application and device, e.g. 'Power BI – laptop'")
    if len(label) > LABEL_MAX:
        raise InvalidLabel(f"the label is {len(label)} characters long; the limit is {LABEL_MAX}")
    if not _visible(label):
        raise InvalidLabel(
            "the label is empty: it holds only invisible characters; "
            "name the application and device, e.g. 'Power BI – laptop'"
        )
    problem = _text_problem(label)
    if problem is not None:
        raise InvalidLabel(f"the label {problem}")
    return label


def validate_account_name(name: object) -> str:
    """The account name as stored (trimmed), or :class:`InvalidAccount` saying why not."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidAccount("the account name is empty")
    # One person, one account: a fullwidth or otherwise compatible spelling is the same name.
    name = unicodedata.normalize("NFKC", name.strip())
    if len(name) > ACCOUNT_MAX:
        raise InvalidAccount(f"the account name is longer than {ACCOUNT_MAX} characters")
    if any(ch.isspace() for ch in name):
        raise InvalidAccount("the account name may not contain spaces")
    if not _visible(name):
        raise InvalidAccount("the account name is empty: it holds only invisible characters")
    problem = _text_problem(name)
    if problem is not None:
        raise InvalidAccount(f"the account name {problem}")
    return name


#: The expiry choices offered everywhere, in order: (value, title).
EXPIRY_CHOICES: tuple[tuple[str, str], ...] = (
    ("30d", "30 days"),
    ("90d", "90 days"),
    ("1y", "1 year"),
    ("never", "No expiry"),
)

_RELATIVE = re.compile(r"^(\d{1,4})([dwy])$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def parse_expiry(value: str | None, now: datetime | None = None, tz: tzinfo | None = None) -> datetime | None:
    """Turn ``30d``, ``90d``, ``1y``, ``never`` or ``YYYY-MM-DD`` into an expiry moment.

    A date means the token works through the end of that day in time zone ``tz`` (by default the
    local one: the person choosing a date means their own calendar). ``None``/``never``/empty
    means no expiry.
    """
    if now is None:
        from .types import utcnow  # the value types are loaded only when a time is needed

        now = utcnow()
    text = (value or "").strip().lower()
    if text in ("", "never", "none"):
        return None
    match = _RELATIVE.match(text)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        days = count * {"d": 1, "w": 7, "y": 365}[unit]
        if days == 0:
            raise InvalidExpiry("the expiry must be in the future")
        if days > 3650:
            raise InvalidExpiry("the expiry may be at most 10 years ahead")
        return now + timedelta(days=days)
    unreadable = InvalidExpiry(f"cannot read expiry {value!r}: use 30d, 90d, 1y, never or a date as YYYY-MM-DD")
    if not _DATE.match(text):
        raise unreadable
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidExpiry(f"there is no such date as {text}: use a date as YYYY-MM-DD") from None
    # Checked before any arithmetic: the day after 9999-12-31 does not exist.
    if day > (now + timedelta(days=3651)).date():
        raise InvalidExpiry("the expiry may be at most 10 years ahead")
    midnight = datetime.combine(day + timedelta(days=1), time.min)
    # A naive datetime's astimezone() applies the local zone's rules for that date (summer time too).
    moment = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
    if moment <= now:
        raise InvalidExpiry(f"{day.isoformat()} is in the past: choose a later date")
    if moment - now > timedelta(days=3651):
        raise InvalidExpiry("the expiry may be at most 10 years ahead")
    return moment


# ------------------------------------------------------------------------------ a token's life

NOTE_MAX = 500
CLIENT_ADDRESS_MAX = 64
USER_AGENT_MAX = 200

_DURATION = re.compile(r"^(\d{1,6})\s*(m|min|h|d|w|y)$")
_UNIT = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}


def parse_duration(value: str, *, what: str = "duration") -> timedelta:
    """``30m``, ``24h``, ``7d``, ``2w``, ``1y`` or ``0`` as a span of time."""
    text = (value or "").strip().lower()
    if text == "0":
        return timedelta(0)
    match = _DURATION.match(text)
    if not match:
        raise InvalidInput(f"cannot read {what} {value!r}: use a number and a unit, e.g. 30m, 24h, 7d, 2w, 1y (or 0)")
    return timedelta(seconds=int(match.group(1)) * _UNIT[match.group(2)])


def validate_note(note: object) -> str | None:
    """The note as stored (trimmed; ``None`` when empty), under the rules labels follow."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise InvalidInput("the note must be text")
    note = note.strip()
    if not note:
        return None
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"the note is {len(note)} characters long; the limit is {NOTE_MAX}")
    # The rules labels follow: what is stored reads as it is shown.
    problem = _text_problem(note)
    if problem is not None:
        raise InvalidInput(f"the note {problem}")
    return note


# A token string inside a caller's description (a client that sends its token as its user agent)
# must not be kept: it is cut down to its prefix.
_TOKEN_IN_TEXT = re.compile(r"tkn_[0-9A-Za-z]{8,}")


def clean_caller_text(value: object, limit: int) -> str | None:
    """A caller's address or user agent as it may be stored: text only, no control characters,
    no token strings, white space collapsed, at most ``limit`` characters; ``None`` if empty."""
    if not isinstance(value, str):
        return None
    # Cut first, so that the work done never depends on how much a caller sent.
    value = value[: limit * 2]
    value = " ".join(strip_controls(value).split())
    value = _TOKEN_IN_TEXT.sub("tkn_…", value)
    return value[:limit] or None
