"""Rules for text that people type: labels, account names, expiry choices."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, tzinfo

from .errors import InvalidAccount, InvalidExpiry, InvalidLabel
from .types import utcnow

LABEL_MAX = 100
ACCOUNT_MAX = 100

# Bidirectional overrides, isolates and marks can make a label display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _is_forbidden(ch: str) -> bool:
    # Cc is C0 (incl. TAB, LF, ESC), DEL and C1; Zl/Zp are line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI_CONTROLS


def strip_controls(text: str) -> str:
    """Remove control characters before display: a second line of defence behind validation."""
    return "".join(ch for ch in text if not _is_forbidden(ch))


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
    bad = next((ch for ch in label if _is_forbidden(ch)), None)
    if bad is not None:
        raise InvalidLabel(f"the label contains a control character (U+{ord(bad):04X}); use plain text")
    return label


def validate_account_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidAccount("the account name is empty")
    name = name.strip()
    if len(name) > ACCOUNT_MAX:
        raise InvalidAccount(f"the account name is longer than {ACCOUNT_MAX} characters")
    if any(_is_forbidden(ch) or ch.isspace() for ch in name):
        raise InvalidAccount("the account name may not contain spaces or control characters")
    return name


#: The expiry choices offered everywhere, in order: (value, title).
EXPIRY_CHOICES: tuple[tuple[str, str], ...] = (
    ("30d", "30 days"),
    ("90d", "90 days"),
    ("1y", "1 year"),
    ("never", "No expiry"),
)

_RELATIVE = re.compile(r"^(\d{1,4})([dwy])$")


def parse_expiry(value: str | None, now: datetime | None = None, tz: tzinfo | None = None) -> datetime | None:
    """Turn ``30d``, ``90d``, ``1y``, ``never`` or ``YYYY-MM-DD`` into an expiry moment.

    A date means the token works through the end of that day in time zone ``tz`` (by default the
    local one: the person choosing a date means their own calendar). ``None``/``never``/empty
    means no expiry.
    """
    now = now or utcnow()
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
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidExpiry(
            f"cannot read expiry {value!r}: use 30d, 90d, 1y, never or a date as YYYY-MM-DD"
        ) from None
    midnight = datetime.combine(day + timedelta(days=1), time.min)
    # A naive datetime's astimezone() applies the local zone's rules for that date (summer time too).
    moment = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
    if moment <= now:
        raise InvalidExpiry(f"{day.isoformat()} is in the past: choose a later date")
    if moment - now > timedelta(days=3651):
        raise InvalidExpiry("the expiry may be at most 10 years ahead")
    return moment


def label_key(label: str) -> str:
    """The form in which two labels are compared: equal keys read the same to a person.

    NFKC folds compatibility forms (fullwidth letters, ligatures) and composes accents; case
    folding ignores case; invisible (format) characters are dropped and runs of white space count
    as one space. Stored beside each label, so uniqueness is an index, not a scan.
    """
    text = "".join(ch for ch in label if unicodedata.category(ch) != "Cf" and not _is_forbidden(ch))
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())
