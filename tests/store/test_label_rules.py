"""Labels and account names that read the same are the same; invisible tricks are refused.

Two rows that look alike make it easy to revoke the wrong token, and a label that displays as
something other than what is stored lies to the person reading the list.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import (
    LABEL_MAX,
    InvalidAccount,
    InvalidExpiry,
    InvalidLabel,
    label_key,
    parse_expiry,
    validate_account_name,
    validate_label,
)

few = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that draw nothing: each alone is no label at all, and inside one it is refused.
INVISIBLE = [
    "\u200b",  # zero width space
    "\ufeff",  # zero width no-break space (BOM)
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
    "\u115f",  # Hangul choseong filler
    "\u00ad",  # soft hyphen
    "\u2060",  # word joiner
    "\u180e",  # Mongolian vowel separator
    "\u2064",  # invisible plus
    "\U000e0041",  # tag latin capital letter A
    "\U000e0001",  # language tag
    "\U000e007f",  # cancel tag
]
BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
FILLERS = "\u115f\u1160\u3164\uffa0"
visible = st.characters(codec="utf-8", categories=["L", "N", "P", "S"], exclude_characters=FILLERS)
words = st.text(visible, min_size=1, max_size=12)


# ----------------------------------------------------------------------------- the comparison key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("café", "cafe\u0301"),  # precomposed, and e + combining acute
        ("Dup Label", "Dup\u00a0Label"),  # no-break space
        ("Dup Label", "Dup\u3000Label"),  # ideographic space
        ("Dup Label", "Dup  Label"),  # two spaces
        ("Dup Label", "\uff24up Label"),  # fullwidth D
        ("Dup Label", "dup label"),
        ("Dup Label", "DUP LABEL"),
        ("Straße", "STRASSE"),
        ("ﬁle server", "file server"),  # the fi ligature
        ("Dup Label", "Dup\u200bLabel".replace("\u200b", "\u200b ")),  # an invisible next to a space
        ("Dup Label", "Dup Label\u00ad"),
    ],
)
def test_labels_that_read_the_same_have_the_same_key(one: str, other: str) -> None:
    assert label_key(one) == label_key(other)


@pytest.mark.parametrize(("one", "other"), [("Laptop", "Laptop 2"), ("café", "cafe"), ("Power BI", "PowerBI")])
def test_labels_that_read_differently_have_different_keys(one: str, other: str) -> None:
    assert label_key(one) != label_key(other)


@few
@given(st.text(max_size=30))
def test_the_key_is_its_own_key(text: str) -> None:
    key = label_key(text)
    assert label_key(key) == key


@few
@given(st.text(max_size=30), st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
def test_the_key_ignores_how_the_text_is_composed(text: str, form: str) -> None:
    assert label_key(unicodedata.normalize(form, text)) == label_key(text)


@few
@given(st.text(max_size=30))
def test_the_key_ignores_case(text: str) -> None:
    assert label_key(text.casefold()) == label_key(text)


@few
@given(st.lists(st.tuples(words, st.sampled_from(INVISIBLE)), min_size=1, max_size=4))
def test_the_key_ignores_invisible_characters_anywhere(parts: list[tuple[str, str]]) -> None:
    plain = "".join(word for word, _ in parts)
    sprinkled = "".join(word + invisible for word, invisible in parts)
    assert label_key(sprinkled) == label_key(plain)


@few
@given(st.text(max_size=LABEL_MAX + 10))
def test_every_accepted_label_has_a_visible_key(text: str) -> None:
    try:
        label = validate_label(text)
    except InvalidLabel:
        return
    assert label_key(label).strip()


# ----------------------------------------------------------------------------- invisible and direction tricks


@pytest.mark.parametrize("invisible", INVISIBLE + ["\u200b\ufeff\u3164", " \u00ad ", "\u200d", "\ufe0f"])
def test_a_label_of_only_invisible_characters_is_empty(invisible: str) -> None:
    with pytest.raises(InvalidLabel, match="empty: it holds only invisible characters"):
        validate_label(invisible)


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_an_invisible_character_inside_a_label_is_refused_by_name(invisible: str) -> None:
    with pytest.raises(InvalidLabel) as caught:
        validate_label(f"Dup{invisible}Label")
    message = str(caught.value)
    assert f"U+{ord(invisible):04X}" in message
    assert "invisible" in message
    assert invisible not in message


@pytest.mark.parametrize("control", BIDI)
def test_a_text_direction_control_is_refused(control: str) -> None:
    with pytest.raises(InvalidLabel, match=f"text-direction control \\(U\\+{ord(control):04X}"):
        validate_label(f"invoice{control}gpj.exe")


@pytest.mark.parametrize(
    "label",
    [
        "Family 👨\u200d👩\u200d👧 tablet",  # an emoji sequence joined by ZWJ
        "Heart \u2764\ufe0f laptop",  # emoji presentation selector
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a ZWNJ inside the word
        "\u0915\u094d\u200d\u0937 report",  # Devanagari: a ZWJ inside the word
        "日本語のラベル",
        "café",
        "cafe\u0301",
        "\ue0b0 prompt",  # private use (a Nerd Font icon)
    ],
)
def test_joiners_and_selectors_that_a_script_or_emoji_needs_are_kept(label: str) -> None:
    assert validate_label(label) == label


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("Dup\u200dLabel", "U+200D"),  # a joiner between ASCII letters only hides
        ("\u200dLaptop", "U+200D"),
        ("Laptop \ufe0f", "U+FE0F"),  # a selector after a space modifies nothing
        ("\u0301Laptop", "combining mark"),
        ("x\udcff", "not valid text"),  # a byte the terminal's encoding could not decode
        ("x\ufdd0", "U+FDD0"),  # a noncharacter
    ],
)
def test_other_misleading_characters_are_refused(label: str, reason: str) -> None:
    with pytest.raises(InvalidLabel, match=reason.replace("+", "\\+")):
        validate_label(label)


# ----------------------------------------------------------------------------- account names


@pytest.mark.parametrize("name", INVISIBLE[:4] + ["\u200b\u200b"])
def test_an_account_name_of_only_invisible_characters_is_refused(name: str) -> None:
    with pytest.raises(InvalidAccount, match="empty"):
        validate_account_name(name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("ali\u200bce", "U+200B"), ("ali\u202ece", "text-direction"), ("al\udcffice", "not valid text"), ("a b", "spaces"),
     ("a\u3000b", "spaces"), ("a\x1bb", "U+001B")],
)
def test_an_account_name_with_misleading_characters_is_refused(name: str, reason: str) -> None:
    with pytest.raises(InvalidAccount, match=reason.replace("+", "\\+")):
        validate_account_name(name)


@pytest.mark.parametrize(("typed", "stored"), [("\uff41\uff4c\uff49\uff43\uff45", "alice"), ("jose\u0301", "josé"), (" bob ", "bob")])
def test_an_account_name_is_stored_in_one_spelling(typed: str, stored: str) -> None:
    assert validate_account_name(typed) == stored


# ----------------------------------------------------------------------------- far dates

NOW = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["9999-12-31", "9999-12-30", "2037-01-01"])
def test_a_date_far_ahead_is_refused_not_a_crash(text: str) -> None:
    with pytest.raises(InvalidExpiry, match="at most 10 years ahead"):
        parse_expiry(text, NOW)


@pytest.mark.parametrize("text", ["0001-01-01", "0001-01-02"])
def test_a_date_at_the_start_of_the_calendar_is_in_the_past(text: str) -> None:
    with pytest.raises(InvalidExpiry, match="in the past"):
        parse_expiry(text, NOW)


@few
@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"))
def test_any_date_shaped_text_is_understood_or_refused_in_words(text: str) -> None:
    try:
        moment = parse_expiry(text, NOW)
    except InvalidExpiry as exc:
        assert "\n" not in str(exc)
    else:
        assert moment is not None and moment > NOW
