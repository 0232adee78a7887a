"""The user's config file: their own keys and the app's look.

``$TOKENS_CONFIG``, else ``config.toml`` in the user's config directory (on Linux
``~/.config/tokens/config.toml``)::

    theme = "nord"          # any theme of the palette's "Change theme"; the last one picked is kept here

    [keymap]                # binding id = keys, comma-separated (see the README for the ids)
    add-token = "n"
    revoke-token = "ctrl+d,delete"

A broken file never stops the app: each problem becomes one sentence, and the setting it concerns
keeps its default. Reading the file costs one small parse (``tomllib``) before the first frame.
Nothing here imports Textual.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

ENV_CONFIG = "TOKENS_CONFIG"
#: Top-level settings this release understands.
SETTINGS = ("theme", "keymap")
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: A config file larger than this is not a config file.
MAX_BYTES = 256 * 1024


def config_path() -> Path:
    """Where the config file is read from and the chosen theme is written to."""
    chosen = os.environ.get(ENV_CONFIG, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_path

    return user_config_path("tokens", appauthor=False) / "config.toml"


class Config:
    """What the config file asks for, already checked; ``problems`` says what was ignored and why.

    A plain class rather than a dataclass: building a dataclass costs more than reading the file,
    and this module is imported before the first frame.
    """

    __slots__ = ("keymap", "path", "problems", "theme")

    def __init__(self, path: Path, keymap: dict[str, str] | None = None, theme: str | None = None,
                 problems: tuple[str, ...] = ()) -> None:
        self.path = path
        self.keymap: dict[str, str] = keymap or {}
        self.theme = theme
        self.problems = problems

    def __repr__(self) -> str:
        return f"Config(path={self.path!r}, keymap={self.keymap!r}, theme={self.theme!r}, problems={self.problems!r})"

    def problem_line(self) -> str | None:
        """All problems in one line, for a terminal (the command line's stderr)."""
        if not self.problems:
            return None
        return f"config file {self.path}: " + "; ".join(self.problems) + " (the defaults are used instead)"

    def without_unknown_ids(self, known: Collection[str]) -> Config:
        """The keymap reduced to binding ids that exist, with a problem for each one that does not."""
        unknown = [name for name in self.keymap if name not in known]
        if not unknown:
            return self
        problems = self.problems + tuple(f"[keymap] has no binding {name!r}" for name in unknown)
        keymap = {name: keys for name, keys in self.keymap.items() if name in known}
        return Config(self.path, keymap, self.theme, problems)


def load(path: Path | None = None, *, themes: Collection[str] | None = None) -> Config:
    """Read and check the config file. A missing file is no problem; a broken one never raises."""
    path = path or config_path()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Config(path)
    except OSError as exc:
        return Config(path, problems=(f"cannot be read ({exc.strerror or type(exc).__name__})",))
    if len(raw) > MAX_BYTES:
        return Config(path, problems=(f"is larger than {MAX_BYTES // 1024} KiB",))
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Config(path, problems=("is not UTF-8 text",))
    except tomllib.TOMLDecodeError as exc:
        return Config(path, problems=(f"is not valid TOML ({exc})",))

    problems: list[str] = []
    for name in data:
        if name not in SETTINGS:
            problems.append(f"unknown setting {name!r}")

    theme = data.get("theme")
    if theme is not None:
        if not isinstance(theme, str) or not theme.strip():
            problems.append("theme must be a theme's name in quotes")
            theme = None
        elif themes is not None and theme not in themes:
            problems.append(f"there is no theme {theme!r}")
            theme = None

    keymap: dict[str, str] = {}
    table = data.get("keymap", {})
    if not isinstance(table, Mapping):
        problems.append("keymap must be a table: [keymap] followed by lines like add-token = \"n\"")
        table = {}
    for binding_id, keys in _flatten(table):
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str):
            problems.append(f"[keymap] {binding_id}: keys must be text, like \"n\" or \"ctrl+n,f2\"")
            continue
        bad = [key for key in _split_keys(keys) if not is_key(key)]
        if bad or not _split_keys(keys):
            shown = ", ".join(repr(k) for k in bad) or repr(keys)
            problems.append(f"[keymap] {binding_id}: {shown} is not a key")
            continue
        keymap[binding_id] = ",".join(_split_keys(keys))
    return Config(path, keymap, theme, tuple(problems))


def _flatten(table: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """``add_token.generate = "…"`` is a nested table in TOML; as a binding id it is one dotted name."""
    items: list[tuple[str, object]] = []
    for name, value in table.items():
        if isinstance(value, Mapping):
            items.extend(_flatten(value, f"{prefix}{name}."))
        else:
            items.append((f"{prefix}{name}", value))
    return items


def _split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def is_key(key: str) -> bool:
    """Whether Textual can ever deliver this key: optional modifiers, then one key or character."""
    from textual.keys import Keys, key_to_character

    *modifiers, name = key.split("+")
    if not name or any(m not in MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    # A named key (escape, pageup, f5) or a character's name (question_mark, slash).
    return name in _key_names(Keys) or key_to_character(name) is not None


_KEY_NAMES: frozenset[str] | None = None


def _key_names(keys: type) -> frozenset[str]:
    global _KEY_NAMES
    if _KEY_NAMES is None:
        names = {str(k.value).rpartition("+")[2] for k in keys}  # type: ignore[attr-defined]
        names |= {"enter", "space", "tab", "backspace"} | {f"f{n}" for n in range(1, 25)}
        _KEY_NAMES = frozenset(names)
    return _KEY_NAMES


# ---------------------------------------------------------------------------- remembering the theme

# Compiled when first needed: a regular expression costs more to build than the whole file to read.
_THEME_LINE = r"^\s*theme\s*="
_TABLE_LINE = r"^\s*\["


def with_theme(text: str, theme: str) -> str:
    """The file's text with its top-level ``theme`` line set to ``theme``; everything else kept."""
    import json
    import re

    line = f"theme = {json.dumps(theme)}"
    lines = text.splitlines()
    for index, current in enumerate(lines):
        if re.match(_TABLE_LINE, current):
            break  # a theme line further down belongs to a table, not to the top level
        if re.match(_THEME_LINE, current):
            comment = _trailing_comment(current)
            lines[index] = line + (f"  {comment}" if comment else "")
            return "\n".join(lines) + "\n"
    # Top-level keys must come before the first table: put it first.
    return "\n".join([line, *lines]) + "\n"


def _trailing_comment(line: str) -> str:
    """A ``# comment`` after a simple quoted value (theme names hold no quote or hash)."""
    import re

    match = re.match(r"""^\s*theme\s*=\s*("[^"]*"|'[^']*')\s*(#.*)?$""", line)
    return (match.group(2) or "") if match else ""


def save_theme(path: Path, theme: str) -> None:
    """Remember ``theme`` in the config file, writing a new file and renaming it over the old, so a
    crash or a full disk never leaves half a file. Raises ``OSError`` (and ``ValueError`` for a file
    that is not valid TOML, which is left as it is for its owner to mend)."""
    import tempfile
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    tomllib.loads(text)  # refuses to rewrite a file it cannot understand (TOMLDecodeError is a ValueError)
    new = with_theme(text, theme)
    if new == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600
    fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
