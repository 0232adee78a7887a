"""The config file: the user's own keys and theme, a broken file that changes nothing, and the
theme picked in the palette remembered for the next start."""

from __future__ import annotations

import os
import stat

import pytest

from store import Actor, TokenStore
from tui import config as config_file
from tui.app import TokensApp
from tui.bindings import bindings_with_ids
from tui.screens.add_token import AddTokenScreen

from tui_helpers import pick_in_palette, screen_text, settle, wait_for


@pytest.fixture
def config_path(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "config" / "tokens.toml"
    path.parent.mkdir()
    monkeypatch.setenv(config_file.ENV_CONFIG, str(path))
    return path


def notifications(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


# ---------------------------------------------------------------------------- where the file is


def test_the_file_lives_in_the_users_config_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert config_file.config_path() == tmp_path / "cfg" / "tokens" / "config.toml"
    monkeypatch.setenv(config_file.ENV_CONFIG, str(tmp_path / "mine.toml"))
    assert config_file.config_path() == tmp_path / "mine.toml"


def test_no_file_is_no_problem(config_path) -> None:
    loaded = config_file.load()
    assert (loaded.keymap, loaded.theme, loaded.problems) == ({}, None, ())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('theme = "nord"\n[keymap\n', "is not valid TOML"),
        ("[keymap]\nadd-token = 5\n", "keys must be text"),
        ('[keymap]\nadd-token = "ctrl+"\n', "'ctrl+' is not a key"),
        ('[keymap]\nadd-token = "shift+frobnicate"\n', "'shift+frobnicate' is not a key"),
        ('[keymap]\nadd-token = "hyper+shift+shift+n"\n', "is not a key"),
        ('keymap = "n"\n', "keymap must be a table"),
        ('theme = 3\n', "theme must be"),
        ('colour = "red"\n', "unknown setting 'colour'"),
    ],
)
def test_each_problem_is_named_in_one_line(config_path, text, problem) -> None:
    config_path.write_text(text)
    loaded = config_file.load(themes={"nord", "textual-dark"})
    assert any(problem in line for line in loaded.problems), loaded.problems
    assert "add-token" not in loaded.keymap
    line = loaded.problem_line()
    assert line is not None and "\n" not in line and str(config_path) in line


def test_a_bad_entry_leaves_the_good_ones(config_path) -> None:
    config_path.write_text('theme = "nord"\n[keymap]\nadd-token = "ctrl+"\nhelp = "f1"\n')
    loaded = config_file.load(themes={"nord"})
    assert loaded.theme == "nord"
    assert loaded.keymap == {"help": "f1"}
    assert len(loaded.problems) == 1


def test_good_keys_are_kept_in_the_form_textual_reads(config_path) -> None:
    config_path.write_text('[keymap]\nadd-token = "n, ctrl+n"\nhelp = ["f1", "question_mark"]\nfilter = "?"\n'
                           'add_token.generate = "ctrl+g"\n"reveal_secret.copy" = "y"\n')
    loaded = config_file.load()
    assert loaded.problems == ()
    assert loaded.keymap == {"add-token": "n,ctrl+n", "help": "f1,question_mark", "filter": "?",
                             "add_token.generate": "ctrl+g", "reveal_secret.copy": "y"}


# ---------------------------------------------------------------------------- in the app


async def test_a_rebound_key_works_and_the_old_one_no_longer_does(demo_db, config_path) -> None:
    config_path.write_text('# mine\n[keymap]\nadd-token = "n"\n')
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, AddTokenScreen)
        assert "n Add" in screen_text(app)  # the footer shows the new key
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        # Nothing is said about the config file (the app may still say other things, e.g. expiry).
        assert not [n for n in app._notifications if "config" in n.message.lower()]


async def test_the_theme_in_the_file_is_used(demo_db, config_path) -> None:
    config_path.write_text('theme = "nord"\n')
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        # Nothing is said about the config file (the app may still say other things, e.g. expiry).
        assert not [n for n in app._notifications if "config" in n.message.lower()]


async def test_each_section_is_drawn_in_the_theme_in_force_when_it_is_shown(demo_db, config_path) -> None:
    from textual.color import Color

    from tui.widgets.footer import KeyFooter

    def in_theme(widget) -> bool:  # type: ignore[no-untyped-def]
        return widget.styles.background == Color.parse(app.theme_variables["footer-background"])

    config_path.write_text('theme = "nord"\n')
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        mine = app.screen
        # The first section is styled once, as it is made, in the file's theme.
        assert in_theme(mine.query_one(KeyFooter))
        app.action_show_page("profile")
        await wait_for(pilot, lambda: app.screen is not mine)
        await settle(pilot)
        assert in_theme(app.screen.query_one(KeyFooter))
        app.theme = "gruvbox"
        await wait_for(pilot, lambda: in_theme(app.screen.query_one(KeyFooter)))
        # My tokens, away while the theme changed, is drawn in the new one when shown again.
        app.action_show_page("tokens")
        await wait_for(pilot, lambda: app.screen is mine)
        await settle(pilot)
        assert in_theme(mine.query_one(KeyFooter))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("theme = 'nord\n[keymap\nadd-token = \"n\"", "is not valid TOML"),
        ('theme = "no-such-theme"\n', "there is no theme 'no-such-theme'"),
        ('[keymap]\nno-such-binding = "n"\n', "[keymap] has no binding 'no-such-binding'"),
        ('[keymap]\nadd-token = "not a key"\n', "'not a key' is not a key"),
    ],
)
async def test_a_broken_file_is_a_message_and_the_defaults(demo_db, config_path, text, said) -> None:
    config_path.write_text(text)
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: said in notifications(app))
        assert str(config_path) in notifications(app)
        assert app.theme == TokensApp(config=config_file.Config(config_path)).theme  # as with no file
        await pilot.press("a")  # the default key still adds
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
    assert config_path.read_text() == text  # a broken file is its owner's to mend


async def test_a_theme_picked_in_the_palette_is_remembered_for_the_next_start(demo_db, config_path) -> None:
    original = '# my settings\ntheme = "nord"  # calm\n\n[keymap]\nadd-token = "n"  # new\n'
    config_path.write_text(original)
    os.chmod(config_path, 0o640)
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        await pilot.press("ctrl+p")
        await pick_in_palette(pilot, "Theme")  # the palette's own "Change the current theme"
        await pick_in_palette(pilot, "gruvbox")
        await wait_for(pilot, lambda: app.theme == "gruvbox")
        await settle(pilot)
        await wait_for(pilot, lambda: 'theme = "gruvbox"' in config_path.read_text())
    text = config_path.read_text()
    assert text == original.replace('theme = "nord"  # calm', 'theme = "gruvbox"  # calm')
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o640
    assert [p.name for p in config_path.parent.iterdir()] == [config_path.name]  # no temporary left

    again = TokensApp(db=demo_db, account="alice")
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == "gruvbox"


async def test_a_theme_picked_without_a_file_starts_one(demo_db, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home-config"))
    written = tmp_path / "home-config" / "tokens" / "config.toml"
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not written.exists()  # starting the app writes nothing
        app.theme = "dracula"
        await wait_for(pilot, written.exists)
    assert config_file.load(written).theme == "dracula"


def test_the_theme_line_is_the_only_one_rewritten() -> None:
    text = "# top\n[keymap]\ntheme = \"x\"\nadd-token = 'n'\n"
    # A "theme" inside a table is not the top-level setting: the new line goes first.
    assert config_file.with_theme(text, "nord") == 'theme = "nord"\n' + text


def test_every_binding_id_is_unique_and_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    ids = bindings_with_ids()
    assert {"add-token", "revoke-token", "help"} <= set(ids)
    missing = [binding_id for binding_id in ids if f"`{binding_id}`" not in readme]
    assert not missing, f"README's keymap table lacks {missing}"


async def test_rebinding_cursor_down_moves_every_list_with_the_new_key(demo_db, config_path) -> None:
    from textual.widgets import DataTable

    from tui.widgets.token_table import TokenTable

    config_path.write_text('[keymap]\ncursor-down = "n"\ncursor-last = "L"\n')
    with TokenStore(demo_db) as s:
        s.add_account(Actor("alice"), "bob")
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TokenTable)
        await wait_for(pilot, lambda: app.focused is table and len(table.rows) >= 3)
        assert table.cursor == 0
        await pilot.press("n")
        await wait_for(pilot, lambda: table.cursor == 1)
        await pilot.press("j")  # the old key no longer moves it
        await pilot.press("down")  # the arrow keeps working
        await wait_for(pilot, lambda: table.cursor == 2)
        await pilot.press("L")
        await wait_for(pilot, lambda: table.cursor == len(table.rows) - 1)

        await app.run_action("show_page('accounts')")
        await wait_for(pilot, lambda: app.current_mode == "accounts" and app.screen.loaded)
        await settle(pilot)
        accounts = app.screen.query_one("#accounts-table", DataTable)
        app.screen.focus_page()
        await pilot.pause()
        assert accounts.cursor_row == 0 and accounts.row_count == 2
        await pilot.press("n")
        await wait_for(pilot, lambda: accounts.cursor_row == 1)
