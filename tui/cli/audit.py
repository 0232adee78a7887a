"""``tokens audit``: who did what, newest first. Administrators see everything; others see the
events about their own account."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time

import store

from .. import format as fmt
from .common import EXIT_OK, UsageError, open_store, print_json_lines, resolve_actor


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = commands.add_parser(
        "audit",
        help="who did what, newest first (administrators: everyone; others: their own account)",
        description="The audit trail, newest first: time, who acted (and as which account), what, on which "
        "account and token. Never a secret or a hash. To act as another account, put --account before 'audit'.",
    )
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.add_argument("--since", metavar="DATE", type=_since, help="only events from this day on (YYYY-MM-DD, UTC) "
                       "or this moment (ISO 8601 with a time zone)")
    # Here --account filters; acting as another account is the global option, before the command.
    audit.add_argument("--account", dest="about", metavar="NAME", help="only events about or by this account")
    audit.add_argument("--token", metavar="ID", help="only events about this token")
    audit.add_argument("--limit", type=int, metavar="N", help="at most N events")
    audit.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help="SQLite file or database URL")
    audit.set_defaults(run=cmd_audit)


def _since(text: str) -> datetime:
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"cannot read {text!r}: use YYYY-MM-DD") from None
    if moment.utcoffset() is None:
        raise argparse.ArgumentTypeError("a moment needs a time zone, e.g. 2025-03-01T12:00+00:00")
    return moment


def cmd_audit(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit takes a number of 1 or more")
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        try:
            events = db.audit_events(actor, account=args.about, token_id=args.token, since=args.since, limit=args.limit)
        except store.UnknownAccount:
            if args.about is None:
                events = []  # an account not yet used has no events
            else:
                raise
    if args.json:
        print_json_lines([e.as_dict() for e in events])
        return EXIT_OK
    if not events:
        print("No events.", file=sys.stderr)
        return EXIT_OK
    for e in events:
        who = fmt.safe(e.actor) + (f" as {fmt.safe(e.as_account)}" if e.as_account else "")
        label = e.detail.get("label")
        about = " ".join(
            part for part in (
                f"account {fmt.safe(e.account)}" if e.account else "",
                f"token {e.token_id}" if e.token_id else "",
                f"“{fmt.safe(str(label))}”" if label else "",
            ) if part
        )
        print(f"{e.at.strftime('%Y-%m-%d %H:%M:%S')}  {who}  {e.action}  {about}".rstrip())
    return EXIT_OK
