"""Accounts (administrators): every account, its role and state, and its grants form by form.

Bindings:
    a: add an account · d: disable or enable the highlighted account
    m: make administrator, or not · e: edit the highlighted account's grants
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from textual.worker import get_current_worker

from store import AccountInfo, FormAccess

from .. import format as fmt
from ..read_only import refuses
from ..widgets.facts import Facts
from ..widgets.key_table import FitColumn, KeyTable
from ..widgets.profile import permission_lines
from .section import SectionScreen


#: The table's columns. At 60 columns "Created" is left out: the line under the table has it.
COLUMNS = (
    FitColumn("account", "Account", rank=0, flexible=True, min_width=14),
    FitColumn("role", "Role", rank=1),
    FitColumn("state", "State", rank=2),
    FitColumn("tokens", "Active tokens", rank=3, short_title="Tokens"),
    FitColumn("created", "Created", rank=4),
)


class AccountsScreen(SectionScreen):
    SECTION = "accounts"
    ADMIN_ONLY = True
    CSS_PATH = "admin.tcss"  # the administrators' sections share it; read when the first of them is shown
    LOAD_GROUP = "accounts"
    DOING: ClassVar[dict[str, str]] = {
        "read_accounts": "Cannot read the accounts",
        "read_grants": "Cannot read the account's grants",
        "add_account": "The account was not added",
        "set_disabled": "The account was not changed",
        "set_admin": "The account was not changed",
        "save_grants": "The grants were not changed",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_account", "Add account", id="accounts.add", tooltip="Add an account"),
        Binding("d", "toggle_disabled", "Disable/enable", id="accounts.disable",
                tooltip="Disable the highlighted account (its tokens stop working, unrevoked) or enable it"),
        Binding("m", "toggle_admin", "Administrator", id="accounts.admin",
                tooltip="Make the highlighted account an administrator, or not"),
        Binding("e", "edit_grants", "Edit grants", id="accounts.grants",
                tooltip="What the highlighted account may do on each form"),
    ]

    class AccountsRead(Message):
        def __init__(self, accounts: list[AccountInfo], forms: list[tuple[int, str, str]]) -> None:
            super().__init__()
            self.accounts = accounts
            self.forms = forms

    class GrantsRead(Message):
        def __init__(self, account: str, access: list[FormAccess]) -> None:
            super().__init__()
            self.account = account
            self.access = access

    class Changed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[AccountInfo] = []
        #: The grants of each account as last read; shown (and edited) while a newer read is out.
        self.grants: dict[str, list[FormAccess]] = {}
        #: The accounts whose grants were read since the accounts were last read.
        self._grants_fresh: set[str] = set()
        #: The account whose grants are being read, so that moving the cursor asks only once.
        self._grants_asked: str | None = None
        #: Every form (id, database, form): what the grant editor offers.
        self.forms: list[tuple[int, str, str]] = []
        self.loaded = False

    def compose_page(self) -> ComposeResult:
        with Vertical(id="accounts-page", classes="admin-page"):
            with Horizontal(classes="admin-header"):
                yield Static(Content("Accounts").stylize("bold"), classes="admin-title")
                yield Static("", id="accounts-count", classes="admin-count")
            yield KeyTable(id="accounts-table", cursor_type="row")
            yield Facts(id="accounts-grants", classes="admin-detail")

    def focus_page(self) -> None:
        self.query_one("#accounts-table", DataTable).focus()

    @property
    def highlighted(self) -> AccountInfo | None:
        table = self.query_one("#accounts-table", DataTable)
        if not self.accounts or table.cursor_row < 0 or table.cursor_row >= len(self.accounts):
            return None
        return self.accounts[table.cursor_row]

    # ------------------------------------------------------------------ reading

    def load(self) -> None:
        self.read_accounts()

    @work(thread=True, exclusive=True, group="accounts", exit_on_error=False)
    def read_accounts(self) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        accounts = app.store.list_accounts(app.actor)
        forms = app.store.list_forms(app.actor)
        if not get_current_worker().is_cancelled:
            self.post_message(self.AccountsRead(accounts, forms))

    def on_accounts_screen_accounts_read(self, message: AccountsRead) -> None:
        table = self.query_one("#accounts-table", DataTable)
        keep = self.highlighted.name if self.highlighted else None
        self.accounts = message.accounts
        self.forms = message.forms
        self._grants_fresh.clear()  # read again as each is shown; the last read shows meanwhile
        self.loaded = True
        table.set_rows(COLUMNS, [
            [
                Text(fmt.safe(account.name)),
                (Text("administrator"), Text("admin")) if account.is_admin else Text("user"),
                Text("disabled", style="red") if account.disabled else Text("enabled"),
                Text(f"{account.active_tokens:,}", justify="right"),
                Text(fmt.day(account.created_at)),
            ]
            for account in self.accounts
        ])
        names = [a.name for a in self.accounts]
        if keep in names:
            table.move_cursor(row=names.index(keep))
        admins = sum(1 for a in self.accounts if a.is_admin and not a.disabled)
        self.query_one("#accounts-count", Static).update(
            Content(f"{len(self.accounts):,} accounts, {admins} administrator{'s' if admins != 1 else ''}")
        )
        self._show_grants()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#accounts-table")
    def _row_highlighted(self) -> None:
        self._show_grants()
        self.refresh_bindings()

    def _show_grants(self) -> None:
        account = self.highlighted
        view = self.query_one("#accounts-grants", Facts)
        if account is None:
            view.update(Content(""))
            return
        if account.name in self.grants:
            view.update(describe_grants(account, self.grants[account.name]))
        else:
            view.update(Content.assemble((fmt.safe(account.name), "bold"), "\n", account_facts(account),
                                         "\nReading its grants…"))
        if account.name not in self._grants_fresh and account.name != self._grants_asked:
            self._grants_asked = account.name
            self.read_grants(account.name)

    @work(thread=True, exclusive=True, group="grants", exit_on_error=False)
    def read_grants(self, name: str) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        access = app.store.account_access(app.actor, account=name)
        if not get_current_worker().is_cancelled:
            self.post_message(self.GrantsRead(name, access))

    def on_accounts_screen_grants_read(self, message: GrantsRead) -> None:
        self.grants[message.account] = message.access
        self._grants_fresh.add(message.account)
        if self._grants_asked == message.account:
            self._grants_asked = None
        if self.highlighted is not None and self.highlighted.name == message.account:
            self._show_grants()
            self.refresh_bindings()  # the grants can be edited now

    # ------------------------------------------------------------------ changing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.tokens_app.is_admin or refuses(self, action):
            return False
        if action in ("toggle_disabled", "toggle_admin", "edit_grants") and self.highlighted is None:
            return None
        if action == "edit_grants" and self.highlighted.name not in self.grants:  # type: ignore[union-attr]
            return None  # not before its grants are known: the editor would start from none
        return True

    def action_add_account(self) -> None:
        if not self.tokens_app.is_admin:
            return
        from .add_account import AddAccountScreen

        def answered(result: tuple[str, bool] | None) -> None:
            if result is not None:
                self.add_account(*result)

        self.app.push_screen(AddAccountScreen(), answered)

    @work(thread=True, group="write", exit_on_error=False)
    def add_account(self, name: str, admin: bool) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        added = app.store.add_account(app.actor, name, admin=admin)
        role = " as an administrator" if added.is_admin else ""
        self.post_message(self.Changed(f"Added the account “{added.name}”{role}."))

    def action_toggle_disabled(self) -> None:
        account = self.highlighted
        if account is None or not self.tokens_app.is_admin:
            return
        self.set_disabled(account.name, not account.disabled)

    @work(thread=True, group="write", exit_on_error=False)
    def set_disabled(self, name: str, disabled: bool) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        changed = app.store.set_disabled(app.actor, name, disabled)
        if changed.disabled:
            text = f"Disabled “{changed.name}”: its tokens stop working on their next request (not revoked)."
        else:
            text = f"Enabled “{changed.name}” again."
        self.post_message(self.Changed(text))

    def action_toggle_admin(self) -> None:
        account = self.highlighted
        if account is None or not self.tokens_app.is_admin:
            return
        self.set_admin(account.name, not account.is_admin)

    @work(thread=True, group="write", exit_on_error=False)
    def set_admin(self, name: str, admin: bool) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        changed = app.store.set_admin(app.actor, name, admin)
        role = "an administrator" if changed.is_admin else "no longer an administrator"
        self.post_message(self.Changed(f"“{changed.name}” is {role}."))

    def action_edit_grants(self) -> None:
        account = self.highlighted
        if account is None or not self.tokens_app.is_admin:
            return
        from .edit_grants import EditGrantsScreen

        def answered(changes: list[tuple[str, frozenset[str]]] | None) -> None:
            if changes:
                self.save_grants(account.name, changes)

        self.app.push_screen(EditGrantsScreen(account.name, self.grants.get(account.name, []), self.forms), answered)

    @work(thread=True, group="write", exit_on_error=False)
    def save_grants(self, name: str, changes: list[tuple[str, frozenset[str]]]) -> None:
        """``changes``: (form id or ``Database/Form``, exactly the actions wanted there)."""
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        app.store.set_grants(app.actor, name, changes)  # all or none
        self.post_message(self.Changed(f"Changed the grants of “{name}”. Its tokens follow on their next request."))

    def on_accounts_screen_changed(self, message: Changed) -> None:
        self.notify(fmt.safe(message.text), title="Accounts", markup=False)
        self.tokens_app.data_written(self)

    def store_failed(self, doing: str, reason: str) -> None:
        if doing == self.DOING["read_grants"]:
            self._grants_asked = None  # moving the cursor asks again
        if doing != self.DOING["read_accounts"] and doing != self.DOING["read_grants"]:
            self.read_again()  # show what is true now


def account_facts(account: AccountInfo) -> Content:
    """Every column of the account's row but its name, for when the table is too narrow to show
    them all (a line under the table)."""
    role = "administrator" if account.is_admin else "user"
    state = Content("disabled").stylize("$error") if account.disabled else Content("enabled")
    tokens = f"{account.active_tokens:,} active token{'s' if account.active_tokens != 1 else ''}"
    return Content.assemble(f"{role} · ", state, f" · {tokens} · created {fmt.day(account.created_at)}").stylize_before(
        "$text-muted")


def describe_grants(account: AccountInfo, access: list[FormAccess]) -> Content:
    lines = [Content.assemble((fmt.safe(account.name), "bold"), ("  grants (e to edit)", "$text-muted")),
             account_facts(account), *permission_lines(access, none="No permission on any form.")]
    return Content("\n").join(lines)
