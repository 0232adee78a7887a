"""The "Add a token" modal for an account with forms in two databases, under a 90-day policy:
the databases to choose, the preview of what the token will do, and only the allowed expiries."""

from datetime import timedelta

from modal_host import EXISTING_LABELS, ModalHost

from store import Action, FormAccess, LifetimePolicy, Scope, effective_actions
from tui.screens.add_token import AddTokenScreen

V, A, E, D = Action.VIEW, Action.ADD, Action.EDIT, Action.DELETE


def _form(form_id: int, database: str, form: str, granted: set[Action]) -> FormAccess:
    return FormAccess(form_id, database, form, frozenset(granted), effective_actions(frozenset(granted), Scope.READ_WRITE))


ACCESS = [
    _form(1, "Field Operations", "Household survey", {V, A, E}),
    _form(2, "Field Operations", "Distributions", {V}),
    _form(3, "Monitoring & Evaluation", "Site visits", {V, A, E, D}),
]

app = ModalHost(
    lambda: AddTokenScreen(
        EXISTING_LABELS, access=ACCESS, policy=LifetimePolicy(max_lifetime=timedelta(days=90))
    )
)

if __name__ == "__main__":
    app.run()
