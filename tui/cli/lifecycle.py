"""``tokens rotate | edit | policy``: a token's life after creation, and the administrators'
lifetime policy. ``rotate`` prints the new secret alone on stdout, like ``create``."""

from __future__ import annotations

import argparse
import json
import sys

import store

from .. import format as fmt
from .common import EXIT_FAIL, EXIT_OK, UsageError, add_common, open_store, resolve_actor
from .tokens import print_table


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rotate = commands.add_parser(
        "rotate",
        help="replace a token with a new secret; the old one keeps working for an overlap, then stops",
        description="Create a token with the same label, scope, databases and note, and print its secret "
        "alone on stdout (this one time). The old token keeps working for the overlap (default 24h; "
        "0 stops it at once; at most 7d), so the program using it can switch without an outage.",
    )
    rotate.add_argument("token_id", metavar="TOKEN_ID", help="the token's id, as shown by 'tokens list'")
    rotate.add_argument("--overlap", default="24h", metavar="DURATION",
                        help="how long the old token keeps working: 0, 30m, 24h (default), 3d … at most 7d")
    rotate.add_argument("--expires", metavar="WHEN",
                        help="the new token's expiry (30d, 90d, 1y, never, YYYY-MM-DD); "
                        "default: as long a life as the old token was given")
    add_common(rotate, suppress=True)
    rotate.set_defaults(run=cmd_rotate)

    edit = commands.add_parser(
        "edit",
        help="rename a token or set its note (neither changes what it can do)",
        description="Rename a token (the label stays unique among your active tokens) and/or set its "
        "note; --note '' removes the note.",
    )
    edit.add_argument("token_id", metavar="TOKEN_ID", help="the token's id, as shown by 'tokens list'")
    edit.add_argument("--label", metavar="NEW", help="the new label")
    edit.add_argument("--note", metavar="TEXT", help=f"a note, up to {store.NOTE_MAX} characters on one line")
    add_common(edit, suppress=True)
    edit.set_defaults(run=cmd_edit)

    policy = commands.add_parser(
        "policy",
        help="the lifetime policy: show it, set it (administrators), check existing tokens against it",
        description="Administrators cap how long tokens may live. Creation and rotation outside the "
        "policy are refused; existing tokens beyond it are listed by 'policy check', never changed.",
    )
    actions = policy.add_subparsers(dest="action", metavar="ACTION", required=True,
                                    parser_class=type(policy))
    show = actions.add_parser("show", help="print the policy")
    show.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_common(show, suppress=True)
    show.set_defaults(run=cmd_policy_show)
    change = actions.add_parser("set", help="set the policy (administrators only)")
    change.add_argument("--max-lifetime", metavar="DURATION",
                        help="the longest life a new token may have, e.g. 90d or 1y; 'none' removes the cap")
    change.add_argument("--require-expiry", choices=("on", "off"),
                        help="on: every new token must have an expiry (a maximum lifetime implies it)")
    add_common(change, suppress=True)
    change.set_defaults(run=cmd_policy_set)
    check = actions.add_parser(
        "check",
        help="list usable tokens that outlive the policy (exit 1 if there are any)",
        description="List usable tokens that live longer than the policy allows a new token: every "
        "account's for an administrator, your own otherwise. Exit 0 none, 1 some.",
    )
    check.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_common(check, suppress=True)
    check.set_defaults(run=cmd_policy_check)


def _token_id(text: str) -> str:
    token_id = text.strip()
    if token_id.startswith("tkn_") and len(token_id) > 20:
        raise UsageError(
            "that is a token's secret, not its id: pass the id that 'tokens list' shows "
            "(and rotate or revoke this token, since its secret is now in your shell history)"
        )
    return token_id


def cmd_rotate(args: argparse.Namespace) -> int:
    token_id = _token_id(args.token_id)
    overlap = store.parse_duration(args.overlap, what="overlap")
    kwargs: dict[str, object] = {"overlap": overlap}
    if args.expires is not None:
        kwargs["expires_at"] = store.parse_expiry(args.expires)
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        new = db.rotate(actor, token_id, **kwargs)  # type: ignore[arg-type]
        print(new.secret, flush=True)  # at once: nothing after the rotation may keep it from being shown
    info, stops_at = new.info, new.replaced_stops_at
    until = f"valid through {fmt.expires(info)}" if info.expires_at else "no expiry"
    if not overlap or stops_at is None:
        stops = "stopped working now"
    else:
        stops = (f"keeps working until {fmt.when(stops_at)} ({store.describe_duration(overlap)}), "
                 "then stops: switch the program using it to the new secret before then")
    print(
        f"Rotated token {info.replaces} “{fmt.safe(info.label)}”: the new token is {info.id} ({info.scope.title}, {until}).\n"
        f"The old token {stops}.\n"
        "This is the only time the new secret is shown: store it now (a password manager is best).",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    if args.label is None and args.note is None:
        raise UsageError("nothing to change: give --label NEW, --note TEXT, or both")
    token_id = _token_id(args.token_id)
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        info = db.edit_token(actor, token_id, label=args.label, note=args.note)
    note = f"note “{fmt.safe(info.note)}”" if info.note else "no note"
    print(f"Token {info.id} is now “{fmt.safe(info.label)}”, {note}. What it can do is unchanged.", file=sys.stderr)
    return EXIT_OK


def cmd_policy_show(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        policy = db.lifetime_policy()
    if args.json:
        print(json.dumps(policy.as_dict(), ensure_ascii=False))
        return EXIT_OK
    print(f"Lifetime policy: {policy.describe()}.")
    if policy.updated_at is not None:
        print(f"Set {fmt.when(policy.updated_at)} by {fmt.safe(policy.updated_by or '?')}.")
    return EXIT_OK


def cmd_policy_set(args: argparse.Namespace) -> int:
    if args.max_lifetime is None and args.require_expiry is None:
        raise UsageError("nothing to set: give --max-lifetime DURATION (or none), --require-expiry on|off, or both")
    kwargs: dict[str, object] = {}
    if args.max_lifetime is not None:
        text = args.max_lifetime.strip().lower()
        kwargs["max_lifetime"] = None if text in ("none", "off", "never") else store.parse_duration(text, what="lifetime")
    if args.require_expiry is not None:
        kwargs["require_expiry"] = args.require_expiry == "on"
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        policy = db.set_lifetime_policy(actor, **kwargs)  # type: ignore[arg-type]
        beyond = db.policy_violations(actor)
    print(f"Lifetime policy: {policy.describe()}.", file=sys.stderr)
    if beyond:
        some = "1 existing token outlives" if len(beyond) == 1 else f"{len(beyond)} existing tokens outlive"
        print(f"{some} it (nothing was changed): 'tokens policy check' lists them.", file=sys.stderr)
    return EXIT_OK


def cmd_policy_check(args: argparse.Namespace) -> int:
    now = store.utcnow()
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        policy = db.lifetime_policy()
        beyond = db.policy_violations(actor)
    if args.json:
        print(json.dumps({"policy": policy.as_dict(), "tokens": [t.as_dict(now) for t in beyond]},
                         ensure_ascii=False, indent=2))
        return EXIT_FAIL if beyond else EXIT_OK
    if not beyond:
        print(f"Every usable token keeps to the policy ({policy.describe()}).", file=sys.stderr)
        return EXIT_OK
    print_table(beyond, now, with_account=True)
    some = "1 usable token outlives" if len(beyond) == 1 else f"{len(beyond)} usable tokens outlive"
    print(f"{some} the policy ({policy.describe()}); nothing was changed.", file=sys.stderr)
    return EXIT_FAIL
