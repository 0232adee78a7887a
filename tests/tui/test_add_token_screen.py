"""The "Add a token" modal: what it accepts, what it refuses, and how it looks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from modal_host import ModalHost, screen_text
from tui_helpers import wait_for
from textual import events
from textual.widgets import Input, Static

from store import LABEL_MAX, Scope, strip_controls, utcnow
from tui.screens.add_token import (
    CONTROLS_REMOVED,
    DUPLICATE_LABEL,
    AddTokenRequest,
    AddTokenScreen,
    label_problem,
)

APPS = Path(__file__).parent / "snapshot_apps"
SIZE = (80, 24)
EXISTING = ("Excel home", "Power BI – office laptop")


def host(**kwargs: object) -> ModalHost:
    return ModalHost(lambda: AddTokenScreen(EXISTING, **kwargs))  # type: ignore[arg-type]


def only_request(app: ModalHost) -> AddTokenRequest:
    assert len(app.results) == 1, app.results
    request = app.results[0]
    assert isinstance(request, AddTokenRequest)
    return request


def label_message(app: ModalHost) -> str:
    return str(app.screen.query_one("#label-message", Static).render())


def date_message(app: ModalHost) -> str:
    return str(app.screen.query_one("#date-message", Static).render())


async def test_enter_in_the_label_generates_read_only_for_90_days() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        before = utcnow()
        await pilot.press(*"Tableau desk")
        await pilot.press("enter")
        await pilot.pause()
        request = only_request(app)
        assert request.label == "Tableau desk"
        assert request.scope is Scope.READ
        assert request.expiry_choice == "90d"
        assert request.expires_at is not None
        assert before + timedelta(days=90) <= request.expires_at <= utcnow() + timedelta(days=90)
        assert not isinstance(app.screen, AddTokenScreen)


async def test_arrow_keys_choose_the_scope_and_ctrl_s_generates() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tableau", "tab", "down")
        await pilot.pause()
        assert "add, edit and delete" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert only_request(app).scope is Scope.READ_WRITE


async def test_space_on_the_scope_keeps_the_chosen_option() -> None:
    # The highlight starts on the chosen option, so space cannot flip an untouched default.
    app = host(scope=Scope.READ_WRITE, expiry="never")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tableau", "tab", "space", "tab", "space", "ctrl+s")
        await pilot.pause()
        request = only_request(app)
        assert request.scope is Scope.READ_WRITE
        assert request.expiry_choice == "never"
        assert request.expires_at is None


@pytest.mark.parametrize(
    ("keys", "choice", "days"),
    [(("right",), "1y", 365), (("left",), "30d", 30), (("right", "right"), "never", None)],
)
async def test_arrow_keys_choose_the_expiry(keys: tuple[str, ...], choice: str, days: int | None) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tableau", "tab", "tab", *keys, "ctrl+s")
        await pilot.pause()
        request = only_request(app)
        assert request.expiry_choice == choice
        if days is None:
            assert request.expires_at is None
        else:
            assert request.expires_at is not None
            assert abs(request.expires_at - (utcnow() + timedelta(days=days))) < timedelta(minutes=1)


async def test_the_label_is_trimmed_and_kept_literally() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"  [/foo] [$primary]x  ", "enter")
        await pilot.pause()
        assert only_request(app).label == "[/foo] [$primary]x"


async def test_an_empty_label_is_refused_inline() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab", "ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, AddTokenScreen)
        assert "The label is empty" in label_message(app)
        assert app.focused is app.screen.query_one("#label")
        assert app.screen.query_one("#label").has_class("-invalid")


@pytest.mark.parametrize(
    "pasted", ["Power\x1b[2JBI", "\x1b]52;c;ZXZpbA==\x07Power BI", "Power BI\u202e", "Power\x9bBI"]
)
async def test_pasted_control_characters_never_reach_the_field(pasted: str) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        label = app.screen.query_one("#label", Input)
        label.post_message(events.Paste(pasted))
        await pilot.pause()
        assert label.value == strip_controls(pasted)
        assert label_message(app) == CONTROLS_REMOVED
        text = screen_text(app)
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        await pilot.press("enter")
        await pilot.pause()
        assert only_request(app).label == strip_controls(pasted).strip()


async def test_a_pasted_tab_becomes_a_space() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#label", Input).post_message(events.Paste("Power BI\tlaptop"))
        await pilot.press("enter")
        await pilot.pause()
        assert only_request(app).label == "Power BI laptop"


@pytest.mark.parametrize("label", ["", "   ", "a\x07b", "a\u2028b", "x" * (LABEL_MAX + 1)])
def test_labels_the_store_refuses_are_refused_with_its_reason(label: str) -> None:
    problem = label_problem(label, frozenset())
    assert problem is not None
    assert problem[0].isupper() and problem.endswith(".")


def test_a_duplicate_is_found_trimmed_and_casefolded() -> None:
    taken = frozenset({"Straße laptop".casefold()})
    assert label_problem("  STRASSE LAPTOP ", taken) == DUPLICATE_LABEL
    assert label_problem("Strasse desk", taken) is None


@pytest.mark.parametrize("typed", ["EXCEL HOME", "  excel home "])
async def test_a_duplicate_label_is_refused_ignoring_case_and_spaces(typed: str) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*typed)
        await pilot.pause()
        assert label_message(app) == DUPLICATE_LABEL
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, AddTokenScreen)
        assert "You already have an active token with this label." in screen_text(app)


async def test_fixing_the_label_clears_the_problem() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"excel home")
        await pilot.pause()
        await pilot.press(*" 2")
        await pilot.pause()
        assert label_message(app).startswith("One label per application and device")
        assert not app.screen.query_one("#label").has_class("-invalid")


async def test_a_label_over_the_store_limit_says_how_long_it_is() -> None:
    # Not a field that silently stops: a long paste would be cut or dropped without a word.
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*("x" * (LABEL_MAX + 5)), "enter")
        await pilot.pause()
        assert label_message(app) == f"The label is {LABEL_MAX + 5} characters long; the limit is {LABEL_MAX}."
        assert app.results == []


async def test_escape_cancels_with_none() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"half typed", "escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, AddTokenScreen)


async def test_the_cancel_button_cancels_with_none() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#cancel")
        await pilot.pause()
        assert app.results == [None]


def _one_year_ahead() -> date:
    return (utcnow() + timedelta(days=365)).date()


async def test_an_expiry_date_is_parsed_as_the_end_of_that_day() -> None:
    day = _one_year_ahead()
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        assert not app.screen.query_one("#date-row").display
        await pilot.press(*"Tableau", "tab", "tab", "right", "right", "right")
        await pilot.pause()
        assert app.screen.query_one("#date-row").display
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#date")
        await pilot.press(*day.isoformat(), "enter")
        await pilot.pause()
        request = only_request(app)
        assert request.expiry_choice == day.isoformat()
        assert request.expires_at == datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Type the date as YYYY-MM-DD"),
        ("2030-1-5", "Type the date as YYYY-MM-DD"),
        ("2031-02-30", "There is no such date as 2031-02-30."),
        ("2020-01-01", "is in the past"),
        ("2999-01-01", "at most 10 years ahead"),
    ],
)
async def test_a_bad_expiry_date_is_refused_inline(typed: str, reason: str) -> None:
    app = host(label="Tableau", expiry="2000-01-01")
    async with app.run_test(size=SIZE) as pilot:
        date_input = app.screen.query_one("#date", Input)
        date_input.value = typed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert reason in date_message(app)
        assert app.focused is date_input


async def test_letters_cannot_be_typed_into_the_date() -> None:
    app = host(label="Tableau", expiry="2000-01-01")
    async with app.run_test(size=SIZE) as pilot:
        date_input = app.screen.query_one("#date", Input)
        date_input.value = ""
        date_input.focus()
        await pilot.press(*"never2030")
        assert date_input.value == "2030"


async def test_reopening_keeps_the_values_and_shows_the_store_reason() -> None:
    day = _one_year_ahead().isoformat()
    app = host(
        label="Excel home",
        scope=Scope.READ_WRITE,
        expiry=day,
        error="an active token is already labelled 'Excel home': use one label per application and device",
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        # The form is taller than the terminal here; the store's reason must still be in view.
        assert "Not created. An active token is already labelled 'Excel home'" in text
        assert app.screen.query_one("#label", Input).value == "Excel home"
        assert app.screen.query_one("#date", Input).value == day
        assert label_message(app) == DUPLICATE_LABEL
        await pilot.press("end", *" (2)", "enter")
        await pilot.pause()
        request = only_request(app)
        assert (request.label, request.scope, request.expiry_choice) == ("Excel home (2)", Scope.READ_WRITE, day)


async def test_tab_goes_label_scope_expiry_note_generate_cancel() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        seen = [app.focused.id if app.focused else None]
        for _ in range(6):
            await pilot.press("tab")
            seen.append(app.focused.id if app.focused else None)
        assert seen == ["label", "scope", "expiry", "note", "generate", "cancel", "label"]


async def test_enter_on_generate_and_on_cancel() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tableau", "tab", "tab", "tab", "enter")
        await pilot.pause()
        assert only_request(app).label == "Tableau"
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tableau", "shift+tab", "enter")
        await pilot.pause()
        assert app.results == [None]


@pytest.mark.parametrize("size", [SIZE, (50, 14)])
async def test_the_form_fits_a_small_terminal_and_tab_brings_its_buttons_into_view(size) -> None:  # type: ignore[no-untyped-def]
    app = host(label="x", expiry="2030-01-01", error="the store said no")
    parts = ("Not created.", "Label", "Scope", "Read & Write", "On a date…")
    async with app.run_test(size=size) as pilot:
        if size == SIZE:  # at 80×24 every field shows at once; smaller, the form scrolls
            await wait_for(pilot, lambda: all(part in screen_text(app) for part in parts))
        screen = app.screen.region
        for button_id in ("generate", "cancel"):
            button = app.screen.query_one(f"#{button_id}")
            for _ in range(10):
                if app.focused is button:
                    break
                await pilot.press("tab")
            assert app.focused is button
            # Wholly on the screen once focused: the form scrolls it into view.
            await wait_for(pilot, lambda b=button: screen.contains_region(b.region) and b.region.height > 0)


async def test_enter_on_a_choice_group_moves_to_the_next_field() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Tableau", "tab", "down")
        assert app.focused is not None and app.focused.id == "scope"
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "expiry"
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "note"
        assert app.results == []  # enter on a choice never generates by itself
        await pilot.press("enter")  # enter in the note, as in the label, generates
        await pilot.pause()
        request = only_request(app)
        assert (request.scope, request.expiry_choice) == (Scope.READ_WRITE, "90d")


async def test_enter_on_the_date_choice_moves_to_the_date() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab", "right", "right", "right")  # 90 days → … → "On a date…"
        await pilot.pause()
        assert app.screen.chosen_expiry == "date"
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "date"


async def test_the_chosen_option_is_marked_without_colour() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "▐●▌ Read-only" in text and "▐ ▌ Read & Write" in text
        assert "▐●▌ 90 days" in text and "▐ ▌ 30 days" in text
        await pilot.press("tab", "down")
        await pilot.pause()
        text = screen_text(app)
        assert "▐ ▌ Read-only" in text and "▐●▌ Read & Write" in text


@pytest.mark.parametrize("size", [(60, 20), (50, 14)], ids=["60x20", "50x14"])
async def test_every_choice_and_button_is_reachable_on_a_small_terminal(size: tuple[int, int]) -> None:
    app = host()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"Tableau", "tab", "tab")
        await pilot.pause()
        assert "On a date…" in screen_text(app)  # no choice falls off the right edge
        dialog = app.screen.query_one("#dialog")
        await pilot.press("tab")  # the note
        for button in ("generate", "cancel"):
            await pilot.press("tab")
            await pilot.pause()
            assert app.focused is not None and app.focused.id == button
            widget = app.screen.query_one(f"#{button}")
            assert dialog.region.contains_region(widget.region), f"{button} is scrolled into view"
        assert "Generate" in screen_text(app)
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        assert only_request(app).label == "Tableau"


# What it looks like. The snapshots live in __snapshots__/ next to this file.


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])
def test_snapshot_add_token(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "add_token_app.py", terminal_size=size)


def test_snapshot_add_token_refused(snap_compare) -> None:  # type: ignore[no-untyped-def]
    keys = [*"excel home", "tab", "tab", "right", "right", "right", "tab", *"2020-01-01", "enter"]
    assert snap_compare(APPS / "add_token_app.py", terminal_size=(80, 24), press=keys)
