"""Accounts, the catalogue of databases and forms, and grants (what an account may do on a form).

Functions here run inside a transaction the facade opened; :mod:`store.access` has already
decided that the actor may do what is asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Row

from .errors import UnknownForm
from .models import Account, Database, Form, Grant, Token
from .types import ALL_ACTIONS, AccountInfo, Action, FormAccess, Scope, effective_actions

A = Account.__table__  # type: ignore[attr-defined]
D = Database.__table__  # type: ignore[attr-defined]
F = Form.__table__  # type: ignore[attr-defined]
G = Grant.__table__  # type: ignore[attr-defined]
T = Token.__table__  # type: ignore[attr-defined]

GRANT_COLUMNS = {
    Action.VIEW: "can_view",
    Action.ADD: "can_add",
    Action.EDIT: "can_edit",
    Action.DELETE: "can_delete",
}


def create_account(connection: Connection, name: str, now: datetime, *, admin: bool) -> int:
    return connection.execute(insert(A).values(name=name, is_admin=admin, created_at=now)).inserted_primary_key[0]  # type: ignore[index]


def set_flags(connection: Connection, account_id: int, **values: object) -> None:
    connection.execute(update(A).where(A.c.id == account_id).values(**values))


def info(row: Row[Any], active_tokens: int = 0) -> AccountInfo:
    return AccountInfo(row.name, bool(row.is_admin), row.created_at, row.disabled_at, active_tokens)


def list_accounts(connection: Connection, now: datetime) -> list[AccountInfo]:
    active = (
        select(T.c.account_id, func.count().label("n"))
        .where(T.c.revoked_at.is_(None), (T.c.expires_at.is_(None)) | (T.c.expires_at > now))
        .group_by(T.c.account_id)
        .subquery()
    )
    rows = connection.execute(
        select(A, func.coalesce(active.c.n, 0)).outerjoin(active, active.c.account_id == A.c.id).order_by(A.c.name)
    ).all()
    return [info(row, row[-1]) for row in rows]


def add_form(connection: Connection, database: str, form: str) -> int:
    """The id of form ``form`` in database ``database``, both created if missing."""
    db_id = connection.execute(select(D.c.id).where(D.c.name == database)).scalar()
    if db_id is None:
        db_id = connection.execute(insert(D).values(name=database)).inserted_primary_key[0]  # type: ignore[index]
    form_id = connection.execute(select(F.c.id).where(F.c.database_id == db_id, F.c.name == form)).scalar()
    if form_id is None:
        form_id = connection.execute(insert(F).values(database_id=db_id, name=form)).inserted_primary_key[0]  # type: ignore[index]
    return form_id  # type: ignore[no-any-return]


def granted(connection: Connection, account_id: int, form_id: int) -> frozenset[Action]:
    row = connection.execute(
        select(G.c.can_view, G.c.can_add, G.c.can_edit, G.c.can_delete).where(
            G.c.account_id == account_id, G.c.form_id == form_id
        )
    ).first()
    if row is None:
        return frozenset()
    return frozenset(a for a, flag in zip(ALL_ACTIONS, row, strict=True) if flag)


def set_grant(connection: Connection, account_id: int, form_id: int, actions: set[Action] | frozenset[Action]) -> None:
    if connection.execute(select(F.c.id).where(F.c.id == form_id)).first() is None:
        raise UnknownForm(f"no form with id {form_id}")
    values = {column: action in actions for action, column in GRANT_COLUMNS.items()}
    done = connection.execute(update(G).where(G.c.account_id == account_id, G.c.form_id == form_id).values(**values))
    if done.rowcount == 0:
        connection.execute(insert(G).values(account_id=account_id, form_id=form_id, **values))


def form_name(connection: Connection, form_id: int) -> tuple[str, str]:
    row = connection.execute(
        select(D.c.name, F.c.name).select_from(F.join(D, D.c.id == F.c.database_id)).where(F.c.id == form_id)
    ).first()
    if row is None:
        raise UnknownForm(f"no form with id {form_id}")
    return row[0], row[1]


def all_forms(connection: Connection) -> list[tuple[int, str, str]]:
    """Every form of every database: (form id, database, form), by database and form name."""
    query = (
        select(F.c.id, D.c.name, F.c.name)
        .select_from(F.join(D, D.c.id == F.c.database_id))
        .order_by(D.c.name, F.c.name, F.c.id)
    )
    return [(r[0], r[1], r[2]) for r in connection.execute(query)]


def find_forms(connection: Connection, ref: str) -> list[tuple[int, str, str]]:
    """``DATABASE/FORM`` is one form; ``DATABASE`` alone every form of that database."""
    ref = ref.strip()
    query = select(F.c.id, D.c.name, F.c.name).select_from(F.join(D, D.c.id == F.c.database_id))
    if "/" in ref:
        db_name, name = (part.strip() for part in ref.split("/", 1))
        rows = connection.execute(query.where(D.c.name == db_name, F.c.name == name)).all()
        if not rows:
            raise UnknownForm(f"no form {name!r} in database {db_name!r}")
    else:
        rows = connection.execute(query.where(D.c.name == ref).order_by(F.c.name)).all()
        if not rows:
            raise UnknownForm(f"no database {ref!r} (or it has no forms): write DATABASE or DATABASE/FORM")
    return [(r[0], r[1], r[2]) for r in rows]


def find_form(connection: Connection, ref: str) -> tuple[int, str, str]:
    """Resolve a form by id, by ``Database/Form``, or by a form name unique across databases."""
    ref = ref.strip()
    query = select(F.c.id, D.c.name, F.c.name).select_from(F.join(D, D.c.id == F.c.database_id))
    if ref.isdigit():
        rows = connection.execute(query.where(F.c.id == int(ref))).all()
    elif "/" in ref:
        db_name, name = (part.strip() for part in ref.split("/", 1))
        rows = connection.execute(query.where(D.c.name == db_name, F.c.name == name)).all()
    else:
        rows = connection.execute(query.where(F.c.name == ref)).all()
    if not rows:
        raise UnknownForm(f"no form {ref!r}")
    if len(rows) > 1:
        raise UnknownForm(f"more than one form is named {ref!r}: write it as Database/Form or use its id")
    form_id, db_name, name = rows[0]
    return form_id, db_name, name


def access(connection: Connection, account_id: int, scope: Scope) -> list[FormAccess]:
    """Each form the account can reach: its grant, and what a token of ``scope`` may do there."""
    rows = connection.execute(
        select(F.c.id, D.c.name, F.c.name, G.c.can_view, G.c.can_add, G.c.can_edit, G.c.can_delete)
        .select_from(F.join(G, G.c.form_id == F.c.id).join(D, D.c.id == F.c.database_id))
        .where(G.c.account_id == account_id)
        .order_by(D.c.name, F.c.name)
    ).all()
    result = []
    for form_id, db_name, name, *flags in rows:
        actions = frozenset(a for a, flag in zip(ALL_ACTIONS, flags, strict=True) if flag)
        if actions:
            result.append(FormAccess(form_id, db_name, name, actions, effective_actions(actions, scope)))
    return result
