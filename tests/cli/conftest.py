"""Fixtures for the ``tokens`` command line.

Most tests call :func:`tui.cli.main` in-process (fast); a few run the installed ``tokens``
script in a subprocess to prove the contract end to end.
"""

from __future__ import annotations

from store import Actor

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCOUNT = "alice"


class FakeStdin(io.StringIO):
    """Stdin with a chosen answer to ``isatty()``."""

    def __init__(self, text: str = "", *, tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)

    def assert_one_error_line(self) -> None:
        """Failed with exactly one line on stderr that starts with ``tokens:``; no traceback."""
        assert self.code != 0, self
        assert "Traceback" not in self.err and "Traceback" not in self.out, self
        assert self.err.startswith("tokens:"), self
        assert self.err.endswith("\n") and self.err.count("\n") == 1, self


Run = Callable[..., Result]


@pytest.fixture
def cli(capsys, monkeypatch) -> Run:  # type: ignore[no-untyped-def]
    """``cli("list", "--json", stdin="…", tty=False)`` → :class:`Result` (exit code, stdout, stderr)."""
    from tui.cli import main

    def run(*argv: str, stdin: str = "", tty: bool = False) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", FakeStdin(stdin, tty=tty))
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def db(request) -> str:  # type: ignore[no-untyped-def]
    """This test's database: a SQLite file (not created yet), or with
    ``@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)`` each backend in turn."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def tokens(cli, db) -> Run:  # type: ignore[no-untyped-def]
    """Like ``cli``, but on this test's database as ``alice``."""

    def run(*argv: str, **kwargs) -> Result:  # type: ignore[no-untyped-def]
        return cli("--db", db, "--account", ACCOUNT, *argv, **kwargs)

    return run


@pytest.fixture
def create(tokens) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Create a token through the command line and return its secret."""

    def _create(label: str = "Power BI – laptop", scope: str = "read", *extra: str) -> str:
        result = tokens("create", "--label", label, "--scope", scope, *extra)
        assert result.code == 0, result
        return result.out.strip()

    return _create


@pytest.fixture
def listed(tokens) -> Callable[..., list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    """``listed("--all")`` → the parsed output of ``tokens list --json``."""

    def _listed(*flags: str) -> list[dict]:  # type: ignore[type-arg]
        result = tokens("list", "--json", *flags)
        assert result.code == 0, result
        return result.json

    return _listed


@pytest.fixture
def statuses(listed) -> Callable[[], dict[str, str]]:  # type: ignore[no-untyped-def]
    """Token id → status, revoked ones included."""
    return lambda: {t["id"]: t["status"] for t in listed("--all")}


def token_id_of(secret: str) -> str:
    from store import tokenstring

    return tokenstring.parse(secret)[0]


@pytest.fixture
def id_of() -> Callable[[str], str]:
    """The public id inside a token string."""
    return token_id_of


@pytest.fixture
def forms(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """alice may edit 'Household survey' and only view 'Distributions'; both in 'Field Operations'."""
    from store import TokenStore

    with TokenStore(db) as store:
        store.ensure_account(ACCOUNT)
        survey = store.add_form(Actor("alice"), "Field Operations", "Household survey")
        distributions = store.add_form(Actor("alice"), "Field Operations", "Distributions")
        store.set_grant(Actor("alice"), ACCOUNT, survey, ["view", "add", "edit"])
        store.set_grant(Actor("alice"), ACCOUNT, distributions, ["view"])
    return {"Household survey": survey, "Distributions": distributions}


# ------------------------------------------------------------------------------ the real script


@pytest.fixture(scope="session")
def tokens_script() -> str:
    """The installed ``tokens`` console script next to this interpreter."""
    bin_dir = Path(sys.executable).parent
    found = shutil.which("tokens", path=str(bin_dir)) or shutil.which("tokens")
    if found is None:
        pytest.skip("the tokens console script is not installed")
    return found


@pytest.fixture
def run_script(tokens_script) -> Callable[..., subprocess.CompletedProcess[str]]:  # type: ignore[no-untyped-def]
    def _run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env.pop("TOKENS_DEBUG", None)
        return subprocess.run(
            [tokens_script, *argv], input=stdin, capture_output=True, text=True, env=env, timeout=60
        )

    return _run
