"""Listing tokens from an embedded SQLite file without the database layer.

``tokens list`` is a fresh process every time (and over SSH, every connection): importing
SQLAlchemy and SQLModel costs several times what reading ten thousand rows does. For the common
case — a SQLite file at the newest schema revision — this module reads the rows with the standard
``sqlite3`` module, read-only, and builds the same :class:`~store.types.TokenInfo` values — or, for
``tokens list --json``, the same JSON text, written column by column without a value per token.

Every decision about who may see what is :mod:`store.access`'s, as on the full path. Writing JSON
imports neither SQLAlchemy nor the value types of :mod:`store.types`. Anything out
of the ordinary — a server URL, a URI filename, a missing or unreadable file, a read-only folder,
a schema that is not the newest (it may need an upgrade), any database error — answers ``None``,
and the caller opens :class:`~store.store.TokenStore` as usual, so upgrades, warnings and messages
stay exactly as they are. Nothing here imports SQLAlchemy or SQLModel.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from json.encoder import encode_basestring as _quote
from operator import eq, itemgetter
from pathlib import Path
from urllib.parse import quote

from . import access
from .errors import DatabaseError, StoreError
from .paths import folder_warnings, resolve_target, tighten
from .constants import EXPIRES_SOON, SCHEMA_HEAD, SCOPE_VALUES
from .usage import USAGE_DAYS, count_used

TYPE_CHECKING = False  # typing itself is not loaded: a short command has no use for it
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from .types import TokenInfo

#: The columns of a token as :func:`_infos` reads them; the owner's name is the second.
_COLUMNS = (
    "SELECT t.id, {owner}, t.label, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, r.name, "
    "t.note, t.databases, t.replaces_id, t.replaced_by_id, t.last_used_address, t.last_used_agent, t.usage_days "
    "FROM token t {join}LEFT JOIN account r ON r.id = t.revoked_by_id"
)


class Listing:
    """What :func:`list_tokens` found: the warnings about where the database is kept (to show
    first, as opening the store would), then either the account acting and its tokens — as
    :class:`~store.types.TokenInfo` values, or as the JSON text ``tokens list --json`` prints —
    or the refusal."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self.account: str | None = None
        self.tokens: list[TokenInfo] = []
        #: With ``json_at``: the JSON objects, one a line, joined by ",\n" (no brackets), in parts
        #: to write one after the other, each made as it is asked for (nothing when no tokens).
        self.json: Iterator[str] = iter(())
        self.error: StoreError | None = None


def list_tokens(
    target: str | os.PathLike[str] | None,
    login: str,
    account: str | None = None,
    *,
    all_accounts: bool = False,
    include_revoked: bool = False,
    busy_timeout: float = 5.0,
    json_at: datetime | None = None,
) -> Listing | None:
    """The tokens ``tokens list`` shows, read straight from a current SQLite file, or ``None``
    when the full store must answer instead.

    ``login`` and ``account`` are resolved as :meth:`TokenStore.resolve_actor` does without
    creating anything; the listing is :meth:`TokenStore.list_tokens` (the actor's own tokens) or,
    with ``all_accounts``, every account's as :meth:`TokenStore.list_all_tokens` orders them.
    With ``json_at``, the tokens come as JSON text instead (``json``, in parts): for each,
    ``json.dumps(t.as_dict(json_at), ensure_ascii=False)``, one a line, made without a TokenInfo.
    """
    try:
        path = resolve_target(target)
    except DatabaseError:
        return None
    if not isinstance(path, Path):
        return None  # a server, or a SQLite URL with its own parameters
    try:
        if not path.is_file() or not os.access(path, os.R_OK) or not os.access(path.parent, os.W_OK):
            return None
    except OSError:
        return None
    # What opening the store does first, in the same words (store.engine).
    tighten(path)
    warnings = folder_warnings(path.parent)
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path.absolute()), safe='/')}?mode=ro", uri=True, timeout=busy_timeout,
            isolation_level=None,
        )
    except sqlite3.Error:
        return None
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        connection.execute("BEGIN")  # one snapshot for every read below
        if connection.execute("SELECT version_num FROM alembic_version").fetchall() != [(SCHEMA_HEAD,)]:
            return None  # older (to upgrade), newer, or unversioned: the store says what to do
        listing = Listing(warnings)
        # Reading makes tens of thousands of rows, values and texts, none of which can be part of
        # a reference cycle: the cycle collector would walk them again and again as they are made
        # (about 4 ms at 10,000 tokens) to find nothing. It is paused for the reading alone.
        collecting = gc.isenabled()
        gc.disable()
        try:
            listing.account, rows, names = _read(connection, login, account, all_accounts, include_revoked)
            if json_at is None:
                listing.tokens = _infos(rows, names)
            else:
                listing.json = _json(rows, names, json_at)
        except StoreError as exc:
            listing.error = exc
        finally:
            if collecting:
                gc.enable()
        return listing
    except (sqlite3.Error, ValueError, TypeError, KeyError):
        return None
    finally:
        connection.close()


def _account(connection: sqlite3.Connection, name: str) -> tuple[int, bool, object] | None:
    row = connection.execute("SELECT id, is_admin, disabled_at FROM account WHERE name = ?", (name,)).fetchone()
    return (row[0], bool(row[1]), row[2]) if row is not None else None


def _read(
    connection: sqlite3.Connection, login: str, account: str | None, all_accounts: bool, include_revoked: bool
) -> tuple[str, list[tuple], dict[int, str]]:  # type: ignore[type-arg]
    """Who is acting (as :meth:`TokenStore.resolve_actor` decides it, creating nothing), their
    tokens' rows in the store's order, and the names of the databases they are limited to."""
    wanted = account if account is not None else login
    if wanted != login:
        me = _account(connection, login)
        has_accounts = connection.execute("SELECT id FROM account LIMIT 1").fetchone() is not None
        if not access.may_act_as(me[1] if me else None, me is not None and me[2] is not None, has_accounts):
            raise access.act_as_refused(login, wanted)
    row = _account(connection, wanted)
    if row is None:
        raise access.unknown_account(wanted)
    me_id, me_is_admin, disabled_at = row
    access.check_enabled(wanted, disabled_at)
    where = "" if include_revoked else " AND t.revoked_at IS NULL"
    # Newest first, ties by id: SQLite sorts by creation alone from its index, the ties (rare)
    # are put in order here, which costs less than its sorting every row again.
    if all_accounts:
        access.check_admin(wanted, me_is_admin, access.SEE_EVERY_TOKEN)
        query = _COLUMNS.format(owner="o.name", join="JOIN account o ON o.id = t.account_id ")
        rows = connection.execute(f"{query} WHERE 1{where} ORDER BY t.created_at DESC").fetchall()
        newest_id_first = True
    else:
        query = _COLUMNS.format(owner="?", join="")
        rows = connection.execute(f"{query} WHERE t.account_id = ?{where} ORDER BY t.created_at DESC",
                                  (wanted, me_id)).fetchall()
        newest_id_first = False
    created = list(map(itemgetter(4), rows))
    if any(map(eq, created, created[1:])):
        rows.sort(key=itemgetter(0), reverse=newest_id_first)
        rows.sort(key=itemgetter(4), reverse=True)  # stable: equal times keep the order by id
    names: dict[int, str] = {}
    if any(map(itemgetter(10), rows)):
        names = dict(connection.execute("SELECT id, name FROM database").fetchall())
    return wanted, rows, names


def _when(text: str | None) -> datetime | None:
    """As the UTCDateTime column type reads SQLite's text: ISO format, a time without a zone
    being UTC. The usual text (no zone) is read in one step; any other the column type's way."""
    if text is None:
        return None
    try:
        return _parse(text + "+00:00")
    except ValueError:
        from .types import as_utc

        return as_utc(_parse(text))


_parse = datetime.fromisoformat


def _limited(databases: str | None, names: dict[int, str]) -> tuple[str, ...] | None:
    """As lifecycle.enrich fills them in for the store's listing (its encoding: ",1,3,")."""
    if databases is None:
        return None
    ids = [int(part) for part in databases.strip(",").split(",") if part]
    return tuple(sorted(names.get(i, f"#{i}") for i in ids))


def _infos(rows: list[tuple], names: dict[int, str]) -> list[TokenInfo]:  # type: ignore[type-arg]
    """The rows as :class:`TokenInfo` values (the JSON listing needs none: the types load here)."""
    from .types import Scope, TokenInfo

    scopes = {scope.value: scope for scope in Scope}
    infos = []
    for row in rows:
        token_id, owner, label, scope, created, expires, used, revoked, revoked_by, *life = row
        note, databases, replaces, replaced_by, address, agent, usage = life
        infos.append(TokenInfo(
            token_id, owner, label, scopes[scope], _when(created), _when(expires), _when(used), _when(revoked),  # type: ignore[arg-type]
            revoked_by, note, _limited(databases, names), replaces, replaced_by, address, agent, usage or 0,
        ))
    return infos


#: The text SQLite keeps a time as (UTC, to the microsecond): ``2030-01-31 09:05:00.000000``. In
#: this form, comparing the texts compares the times.
_STORED = "%Y-%m-%d %H:%M:%S.%f"
_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}"
#: Possessive (``*+``): a line once read is never given back, so the engine keeps no way back
#: through ten thousand lines (which costs milliseconds the first time in a process).
_all_stored = re.compile(rf"{_TIME}(?:\n{_TIME})*+").fullmatch

#: What goes around the values of a token's JSON object, in the order of TokenInfo.as_dict.
_AROUND = (
    '{"id": ', ', "account": ', ', "label": ', ', "scope": "', '", "created": ', ', "expires": ', ', "last_used": ',
    ', "status": "', '", "revoked_at": ', ', "revoked_by": ', ', "note": ', ', "databases": ', ', "replaces": ',
    ', "replaced_by": ', ', "last_used_from": {"address": ', ', "user_agent": ', '}, "days_used_last_30": ', "},\n",
)


def _json(rows: list[tuple], names: dict[int, str], now: datetime) -> Iterator[str]:  # type: ignore[type-arg]
    """``json.dumps(info.as_dict(now), ensure_ascii=False)`` of each row, one a line, joined by
    ",\n": the same keys in the same order, the same values, spacing and escapes. Written a
    column at a time (texts through json's own string encoder, times turned into isoformat text
    by string replacement), which costs a fraction of a value and a dict per token. Rows holding
    anything out of the ordinary (a time written in another form, a value of another type) are
    written through :class:`TokenInfo` and ``json.dumps`` themselves. The text comes in parts
    (see :func:`_parts`); every row is checked before the first."""
    if not rows:
        return iter(())
    try:
        return _columns(rows, names, now)
    except (ValueError, TypeError):
        return iter([",\n".join(json.dumps(t.as_dict(now), ensure_ascii=False) for t in _infos(rows, names))])


def _columns(rows: list[tuple], names: dict[int, str], now: datetime) -> Iterator[str]:  # type: ignore[type-arg]
    count = len(rows)
    (ids, owners, labels, scopes, created, expires, used, revoked, revoked_by, notes, databases, replaces, replaced_by,
     addresses, agents, usage) = zip(*rows)
    if not set(scopes) <= set(SCOPE_VALUES):
        raise ValueError("a scope this release does not know")

    # A column is the JSON text of each token's value, or one text when every token has the same.
    def texts(column: Sequence[str | None]) -> Sequence[str] | str:
        if column.count(None) == count:
            return "null"
        return ["null" if v is None else _quote(v) for v in column]

    def times(column: Sequence[str | None]) -> Sequence[str] | str:
        present = column if None not in column else [v for v in column if v is not None]
        if not present:
            return "null"
        joined = "\n".join(present)
        if not _all_stored(joined):
            raise ValueError("a time not in the stored form")
        for day in {v[:10] for v in present}:
            date.fromisoformat(day)  # a day that does not exist is refused, as the store's reading refuses it
        # "2030-01-31 09:05:00.000000" → "2030-01-31T09:05:00+00:00", as isoformat() writes it.
        iso = ('"' + joined.replace(" ", "T").replace(".000000", "").replace("\n", '+00:00"\n"') + '+00:00"').split("\n")
        if len(present) == count:
            return iso
        each = iter(iso)
        return ["null" if v is None else next(each) for v in column]

    now = now.astimezone(UTC)
    now_text, soon_text = now.strftime(_STORED), (now + EXPIRES_SOON).strftime(_STORED)
    status = [
        "revoked" if r is not None else "active" if e is None or e > soon_text else "expired" if e <= now_text
        else "expires soon"
        for e, r in zip(expires, revoked)
    ]
    # Days of use: a count for each (bitmap, day) met, not for each token (many share both).
    today, since = now.toordinal(), (now - _USAGE_WINDOW).strftime("%Y-%m-%d")
    counts: dict[tuple[int | None, str], str] = {}
    used_days = []
    for v, bits in zip(used, usage):
        if v is None or v < since:
            used_days.append("0")
            continue
        key = (bits, v[:10])
        text = counts.get(key)
        if text is None:
            text = counts[key] = str(count_used(bits or 0, today - date.fromisoformat(v[:10]).toordinal()))
        used_days.append(text)
    limited: Sequence[str] | str = "null"
    if databases.count(None) != count:
        limited = ["null" if d is None else json.dumps(list(_limited(d, names)), ensure_ascii=False)  # type: ignore[arg-type]
                   for d in databases]
    owner_texts = _quote(owners[0]) if len(set(owners)) == 1 else list(map(_quote, owners))
    columns = (
        list(map(_quote, ids)), owner_texts, list(map(_quote, labels)), scopes, times(created), times(expires),
        times(used), status, times(revoked), texts(revoked_by), texts(notes), limited, texts(replaces),
        texts(replaced_by), texts(addresses), texts(agents), used_days,
    )
    # Each token's line is the same fixed texts (a column of one text among them) between the
    # columns that vary: laid side by side in one list by slice assignment, which costs a fraction
    # of zipping the columns together, and joined once.
    fixed, varying = [""], []
    for around, column in zip(_AROUND, columns):
        fixed[-1] += around
        if isinstance(column, str):
            fixed[-1] += column
        else:
            varying.append(column)
            fixed.append("")
    fixed[-1] += _AROUND[-1]
    width = len(fixed) + len(varying)
    lines = [""] * (count * width)
    for n, text in enumerate(fixed):
        lines[2 * n::width] = repeat(text, count)
    for n, column in enumerate(varying):
        lines[2 * n + 1::width] = column
    lines[-1] = fixed[-1][:-2]  # no ",\n" after the last
    return _parts(lines, width * _TOKENS_A_PART)


#: How many tokens' JSON :func:`_parts` joins into one text.
_TOKENS_A_PART = 500


def _parts(pieces: list[str], step: int) -> Iterator[str]:
    """The text of ``pieces`` in parts of ``step`` pieces, each joined when it is asked for. Written
    part by part, 10,000 tokens' JSON (4 MB) is never whole in memory, nor encoded whole, and a
    reader at the other end of a pipe starts while the rest is written: about 4 ms less than one
    text."""
    for start in range(0, len(pieces), step):
        yield "".join(pieces[start:start + step])


#: Days of use older than this cannot count among the last 30 (one more day for the day's start).
_USAGE_WINDOW = timedelta(days=USAGE_DAYS + 1)
