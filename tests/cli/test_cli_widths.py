"""Columns are measured in terminal cells, the unit a terminal draws in."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import InvalidLabel, validate_label
from tui import format as fmt

few = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@few
@given(st.text(max_size=40), st.integers(0, 120))
def test_padding_reaches_the_width_in_cells_and_keeps_the_text(text: str, width: int) -> None:
    try:
        label = validate_label(text)
    except InvalidLabel:
        return
    padded = fmt.pad(label, width)
    assert padded.startswith(label) and set(padded[len(label):]) <= {" "}
    assert fmt.cells(padded) == max(width, fmt.cells(label))


def test_wide_characters_take_two_cells_and_combining_marks_none() -> None:
    assert fmt.cells("日本") == 4
    assert fmt.cells("cafe\u0301") == 4
    assert fmt.cells("👍") == 2
    assert fmt.pad("日本", 6) == "日本  "


def test_the_accounts_table_lines_up_after_a_wide_account_name(tokens, create) -> None:  # type: ignore[no-untyped-def]
    create()  # alice's account first: the administrator
    assert tokens("account", "add", "田中太郎").code == 0
    assert tokens("account", "add", "bob").code == 0
    out = tokens("account", "list").out.splitlines()
    starts = {fmt.cells(line[: line.index(role)]) for line, role in
              ((line, "administrator" if "alice" in line else "-") for line in out[1:])}
    assert len(starts) == 1, out  # the ROLE column starts in the same cell on every line
    assert fmt.cells(out[0][: out[0].index("ROLE")]) in starts
