"""Listing tokens from an embedded SQLite file without the database layer.

``tokens list`` is a fresh process every time (and over SSH, every connection): importing
SQLAlchemy and SQLModel costs several times what reading ten thousand rows does. For the common
case — a SQLite file at the newest schema revision — this module reads the rows with the standard
``sqlite3`` module, read-only, and builds the same :class:`~store.types.TokenInfo` values.

Every decision about who may see what is :mod:`store.access`'s, as on the full path. Anything out
of the ordinary — a server URL, a URI filename, a missing or unreadable file, a read-only folder,
a schema that is not the newest (it may need an upgrade), any database error — answers ``None``,
and the caller opens :class:`~store.store.TokenStore` as usual, so upgrades, warnings and messages
stay exactly as they are. Nothing here imports SQLAlchemy or SQLModel.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from json.encoder import encode_basestring as _quote
from urllib.parse import quote

from . import access
from .errors import DatabaseError, StoreError
from .paths import folder_warnings, resolve_target, tighten
from .types import EXPIRES_SOON, SCHEMA_HEAD, Actor, ActorVia, Scope, TokenInfo, as_utc
from .usage import count_used

_COLUMNS = (
    "SELECT t.id, o.name, t.label, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, r.name, "
    "t.note, t.databases, t.replaces_id, t.replaced_by_id, t.last_used_address, t.last_used_agent, t.usage_days "
    "FROM token t JOIN account o ON o.id = t.account_id LEFT JOIN account r ON r.id = t.revoked_by_id"
)
_SCOPES = {scope.value: scope for scope in Scope}


class Listing:
    """What :func:`list_tokens` found: the warnings about where the database is kept (to show
    first, as opening the store would), then either the actor and the tokens — as
    :class:`~store.types.TokenInfo` values, or as the JSON lines ``tokens list --json`` prints —
    or the refusal."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self.actor: Actor | None = None
        self.tokens: list[TokenInfo] = []
        self.json_lines: list[str] = []
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
    With ``json_at``, the tokens come as JSON text instead (``json_lines``): for each,
    ``json.dumps(t.as_dict(json_at), ensure_ascii=False)``, made from the rows without a TokenInfo.
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
        try:
            listing.actor, rows, names = _read(connection, login, account, all_accounts, include_revoked)
            if json_at is None:
                listing.tokens = [_info(r, names) for r in rows]
            else:
                listing.json_lines = _json_lines(rows, names, json_at)
        except StoreError as exc:
            listing.error = exc
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
) -> tuple[Actor, list[tuple], dict[int, str]]:  # type: ignore[type-arg]
    wanted = account if account is not None else login
    if wanted == login:
        actor = Actor(login, ActorVia.LOGIN)
    else:
        me = _account(connection, login)
        has_accounts = connection.execute("SELECT id FROM account LIMIT 1").fetchone() is not None
        if not access.may_act_as(me[1] if me else None, me is not None and me[2] is not None, has_accounts):
            raise access.act_as_refused(login, wanted)
        actor = Actor(wanted, ActorVia.AS_ACCOUNT, person=login)
    row = _account(connection, actor.account)
    if row is None:
        raise access.unknown_account(actor.account)
    me_id, me_is_admin, disabled_at = row
    access.check_enabled(actor.account, disabled_at)
    where = "" if include_revoked else " AND t.revoked_at IS NULL"
    if all_accounts:
        access.check_admin(actor.account, me_is_admin, access.SEE_EVERY_TOKEN)
        query = f"{_COLUMNS} WHERE 1{where} ORDER BY t.created_at DESC, t.id DESC"
        rows = connection.execute(query).fetchall()
    else:
        query = f"{_COLUMNS} WHERE t.account_id = ?{where} ORDER BY t.created_at DESC, t.id"
        rows = connection.execute(query, (me_id,)).fetchall()
    names: dict[int, str] = {}
    if any(r[10] for r in rows):
        names = dict(connection.execute("SELECT id, name FROM database").fetchall())
    return actor, rows, names


def _when(text: str | None) -> datetime | None:
    """As the UTCDateTime column type reads SQLite's text: ISO format, a time without a zone
    being UTC. The usual text (no zone) is read in one step; any other the column type's way."""
    if text is None:
        return None
    try:
        return _parse(text + "+00:00")
    except ValueError:
        return as_utc(_parse(text))


_parse = datetime.fromisoformat


def _limited(databases: str | None, names: dict[int, str]) -> tuple[str, ...] | None:
    """As lifecycle.enrich fills them in for the store's listing (its encoding: ",1,3,")."""
    if databases is None:
        return None
    ids = [int(part) for part in databases.strip(",").split(",") if part]
    return tuple(sorted(names.get(i, f"#{i}") for i in ids))


def _info(row: tuple, names: dict[int, str]) -> TokenInfo:  # type: ignore[type-arg]
    token_id, owner, label, scope, created, expires, used, revoked, revoked_by, *life = row
    note, databases, replaces, replaced_by, address, agent, usage = life
    return TokenInfo(
        token_id, owner, label, _SCOPES[scope], _when(created), _when(expires), _when(used), _when(revoked),  # type: ignore[arg-type]
        revoked_by, note, _limited(databases, names), replaces, replaced_by, address, agent, usage or 0,
    )


#: The text SQLite keeps a time as (UTC, to the microsecond): ``2030-01-31 09:05:00.000000``. In
#: this form, comparing the texts compares the times.
_STORED = "%Y-%m-%d %H:%M:%S.%f"
_plain = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}").fullmatch


def _iso(text: str) -> str:
    """``datetime.isoformat()`` of a stored time in that form, as a JSON string, from its text
    (isoformat leaves out a zero fraction of a second)."""
    return f'"{text[:10]}T{text[11:19]}{"" if text.endswith(".000000") else text[19:]}+00:00"'


def _json_lines(rows: list[tuple], names: dict[int, str], now: datetime) -> list[str]:  # type: ignore[type-arg]
    """Each row as ``json.dumps(info.as_dict(now), ensure_ascii=False)`` writes it, made from the
    stored texts: the same keys in the same order, the same values, the same spacing and escapes
    (every text goes through json's own string encoder). A row holding a time in any other form
    (a hand-edited file) goes through :class:`TokenInfo` and ``json.dumps`` themselves."""
    now = now.astimezone(UTC)
    now_text, soon_text = now.strftime(_STORED), (now + EXPIRES_SOON).strftime(_STORED)
    today = now.toordinal()
    days: dict[str, int] = {}  # a day's text → its ordinal, worked out once per day
    scopes = {scope.value: scope.value for scope in Scope}
    q, iso, plain = _quote, _iso, _plain
    lines = []
    for row in rows:
        token_id, owner, label, scope, created, expires, used, revoked, revoked_by, *life = row
        note, databases, replaces, replaced_by, address, agent, usage = life
        if not (
            plain(created)
            and (expires is None or plain(expires))
            and (used is None or plain(used))
            and (revoked is None or plain(revoked))
        ):
            lines.append(json.dumps(_info(row, names).as_dict(now), ensure_ascii=False))
            continue
        if revoked is not None:
            status = "revoked"
        elif expires is None or expires > soon_text:
            status = "active"
        else:
            status = "expired" if expires <= now_text else "expires soon"
        if used is None:
            count = 0
        else:
            day = days.get(used[:10])
            if day is None:
                day = days[used[:10]] = date.fromisoformat(used[:10]).toordinal()
            count = count_used(usage or 0, today - day)
        limited = "null" if databases is None else json.dumps(list(_limited(databases, names)), ensure_ascii=False)  # type: ignore[arg-type]
        lines.append(
            f'{{"id": {q(token_id)}, "account": {q(owner)}, "label": {q(label)}, "scope": "{scopes[scope]}", '
            f'"created": {iso(created)}, "expires": {"null" if expires is None else iso(expires)}, '
            f'"last_used": {"null" if used is None else iso(used)}, "status": "{status}", '
            f'"revoked_at": {"null" if revoked is None else iso(revoked)}, '
            f'"revoked_by": {"null" if revoked_by is None else q(revoked_by)}, '
            f'"note": {"null" if note is None else q(note)}, "databases": {limited}, '
            f'"replaces": {"null" if replaces is None else q(replaces)}, '
            f'"replaced_by": {"null" if replaced_by is None else q(replaced_by)}, '
            f'"last_used_from": {{"address": {"null" if address is None else q(address)}, '
            f'"user_agent": {"null" if agent is None else q(agent)}}}, "days_used_last_30": {count}}}'
        )
    return lines
