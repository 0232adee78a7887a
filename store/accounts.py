"""Accounts, the catalogue of databases and forms, and grants (what an account may do on a form)."""

from __future__ import annotations

from sqlmodel import Session, select

from .errors import UnknownAccount, UnknownForm
from .models import Account, Database, Form, Grant
from .types import ALL_ACTIONS, Action, FormAccess, Scope, effective_actions

GRANT_COLUMNS = {
    Action.VIEW: "can_view",
    Action.ADD: "can_add",
    Action.EDIT: "can_edit",
    Action.DELETE: "can_delete",
}


def get_account(session: Session, name: str, *, lock: bool = False) -> Account:
    query = select(Account).where(Account.name == name)
    if lock:
        query = query.with_for_update()
    account = session.exec(query).first()
    if account is None:
        raise UnknownAccount(f"no account named {name!r}")
    return account


def account_exists(session: Session, name: str) -> bool:
    return session.exec(select(Account.id).where(Account.name == name)).first() is not None


def add_form(session: Session, database: str, form: str) -> int:
    """The id of form ``form`` in database ``database``, both created if missing."""
    db = session.exec(select(Database).where(Database.name == database)).first()
    if db is None:
        db = Database(name=database)
        session.add(db)
        session.flush()
    found = session.exec(select(Form).where(Form.database_id == db.id, Form.name == form)).first()
    if found is None:
        found = Form(database_id=db.id, name=form)  # type: ignore[arg-type]
        session.add(found)
        session.flush()
    return found.id  # type: ignore[return-value]


def set_grant(session: Session, account_id: int, form_id: int, actions: set[Action]) -> None:
    if session.get(Form, form_id) is None:
        raise UnknownForm(f"no form with id {form_id}")
    grant = session.get(Grant, (account_id, form_id)) or Grant(account_id=account_id, form_id=form_id)
    for action, column in GRANT_COLUMNS.items():
        setattr(grant, column, action in actions)
    session.add(grant)


def find_form(session: Session, ref: str) -> tuple[int, str, str]:
    """Resolve a form by id, by ``Database/Form``, or by a form name unique across databases."""
    ref = ref.strip()
    query = select(Form.id, Database.name, Form.name).join(Database, Database.id == Form.database_id)
    if ref.isdigit():
        rows = session.exec(query.where(Form.id == int(ref))).all()
    elif "/" in ref:
        db_name, form_name = (part.strip() for part in ref.split("/", 1))
        rows = session.exec(query.where(Database.name == db_name, Form.name == form_name)).all()
    else:
        rows = session.exec(query.where(Form.name == ref)).all()
    if not rows:
        raise UnknownForm(f"no form {ref!r}")
    if len(rows) > 1:
        raise UnknownForm(f"more than one form is named {ref!r}: write it as Database/Form or use its id")
    form_id, db_name, form_name = rows[0]
    return form_id, db_name, form_name


def access(session: Session, account_id: int, scope: Scope) -> list[FormAccess]:
    """Each form the account can reach: its grant, and what a token of ``scope`` may do there."""
    rows = session.exec(
        select(Form.id, Database.name, Form.name, Grant.can_view, Grant.can_add, Grant.can_edit, Grant.can_delete)
        .join(Grant, Grant.form_id == Form.id)
        .join(Database, Database.id == Form.database_id)
        .where(Grant.account_id == account_id)
        .order_by(Database.name, Form.name)
    ).all()
    result = []
    for form_id, db_name, form_name, *flags in rows:
        granted = frozenset(a for a, flag in zip(ALL_ACTIONS, flags, strict=True) if flag)
        if granted:
            result.append(FormAccess(form_id, db_name, form_name, granted, effective_actions(granted, scope)))
    return result
