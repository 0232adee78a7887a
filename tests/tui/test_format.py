"""How values are put into words for the screen: database paths shortened in the middle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.format import short_location

HOME = "/home/alice"
DEFAULT = "/home/alice/.local/share/tokens/tokens.db"


def test_the_home_folder_becomes_a_tilde() -> None:
    assert short_location(DEFAULT, 80, home=HOME) == "~/.local/share/tokens/tokens.db"
    assert short_location("/home/alicea/tokens.db", 80, home=HOME) == "/home/alicea/tokens.db"


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (31, "~/.local/share/tokens/tokens.db"),
        (30, "~/…/share/tokens/tokens.db"),
        (22, "~/…/tokens/tokens.db"),
        (15, "~/…/tokens.db"),
        (11, "…/tokens.db"),
        (8, "to…ns.db"),
    ],
)
def test_a_long_path_loses_folders_in_the_middle_and_keeps_the_file_name(width: int, shown: str) -> None:
    assert short_location(DEFAULT, width, home=HOME) == shown


def test_an_absolute_path_keeps_its_root() -> None:
    assert short_location("/srv/data/teams/tokens/production/tokens.db", 25) == "/…/production/tokens.db"


def test_a_url_keeps_the_database_name_at_its_end() -> None:
    shown = short_location("postgresql+psycopg://postgres@db.example.org:5432/tokens", 30)
    assert len(shown) <= 30 and shown.startswith("postgres") and shown.endswith(":5432/tokens") and "…" in shown


@given(
    st.lists(st.text(alphabet="abcdefgh.-_ ", min_size=1, max_size=12), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=60),
)
def test_never_wider_than_asked(parts: list[str], width: int) -> None:
    path = "/" + "/".join(parts)
    shown = short_location(path, width, home=HOME)
    assert len(shown) <= width
    if len(path) <= width:
        assert shown == path
