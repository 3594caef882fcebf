"""``callrec owners add|list|set-pin|remove|hash-pin``: manage the owner directory.

PINs are read from a hidden prompt (twice, to catch typing mistakes) or, with ``--pin-stdin``,
from the first line of standard input: never from the command line (other users see argv in
``ps``) and never printed or logged; only the salted scrypt hash is stored. The table comes from
``--table`` or ``OWNER_DIRECTORY_TABLE`` (Terraform output ``owner_directory_table_name``).

The SIP rule that routes an owner's SMA number comes from Terraform (``owners`` or
``phone_numbers``): an owner added here is reached once their number has a rule.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from callrec.terminal import add_format_argument
from chalicelib import settings
from chalicelib.errors import CallRecError
from chalicelib.owners import directory, pins
from chalicelib.owners.directory import OwnerDirectory
from chalicelib.owners.model import Owner

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class OwnersCommandError(CallRecError):
    """The owners command was given unusable input."""

    code = "OwnersCommandError"


def read_pin(
    *,
    from_stdin: bool,
    stdin: TextIO | None = None,
    prompt: Callable[[str], str] | None = None,
) -> str:
    """A validated PIN from stdin's first line or from two matching hidden prompts."""
    if from_stdin:
        pin = (stdin or sys.stdin).readline().strip()
    else:
        ask = prompt or getpass.getpass
        pin = ask("PIN (4-12 digits): ")
        if ask("PIN again: ") != pin:
            raise OwnersCommandError("the two PINs differ", hint="run the command again")
    return pins.validate_pin(pin)


def _table(args: argparse.Namespace) -> OwnerDirectory:
    name = args.table or settings.optional(directory.TABLE_ENV)
    if not name:
        raise OwnersCommandError(
            "no owner directory table given",
            hint=f"pass --table or set {directory.TABLE_ENV} "
            "(terraform output owner_directory_table_name)",
        )
    return OwnerDirectory(name)


def _add(args: argparse.Namespace) -> int:
    table = _table(args)
    owner = Owner(
        owner_id=args.owner_id,
        owner_numbers=tuple(args.number),
        sma_number=args.sma_number,
        display_name=args.name or "",
        allowed_prefixes=tuple(args.allow or ()),
        daily_call_limit=args.daily_calls,
        daily_minute_limit=args.daily_minutes,
        console_username=args.console_user or "",
    )
    if not args.no_pin:
        owner = owner.with_(pin_hash=pins.hash_pin(read_pin(from_stdin=args.pin_stdin)))
    table.put(owner)
    pin_state = "no PIN: caller id alone admits dial-out" if args.no_pin else "PIN set"
    print(f"added owner {owner.owner_id} on {owner.sma_number} ({pin_state})")
    print(
        f"route {owner.sma_number} to the SMA with Terraform's owners or phone_numbers input",
        file=sys.stderr,
    )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    owners = sorted(_table(args).owners(), key=lambda o: o.owner_id)
    if args.format == "json":
        print(json.dumps([o.describe() for o in owners], indent=2))
        return EXIT_OK
    for o in owners:
        print(
            f"{o.owner_id}\t{o.sma_number}\t{','.join(o.owner_numbers)}\tPIN {o.describe()['pin']}"
            f"\t{','.join(o.prefixes)}\t{o.daily_call_limit} calls/{o.daily_minute_limit} min"
            f"\t{o.display_name}"
        )
    return EXIT_OK


def _set_pin(args: argparse.Namespace) -> int:
    table = _table(args)
    pin_hash = pins.hash_pin(read_pin(from_stdin=args.pin_stdin))
    if not table.set_pin_hash(args.owner_id, pin_hash):
        print(f"no owner {args.owner_id!r} in {table.table_name}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"PIN of owner {args.owner_id} changed")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    table = _table(args)
    if not table.remove(args.owner_id):
        print(f"no owner {args.owner_id!r} in {table.table_name}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"removed owner {args.owner_id}")
    return EXIT_OK


def _hash_pin(args: argparse.Namespace) -> int:
    print(pins.hash_pin(read_pin(from_stdin=args.pin_stdin)))
    print(
        f"set it as {directory.SINGLE_PIN_ENV} for the single-owner configuration",
        file=sys.stderr,
    )
    return EXIT_OK


def _pin_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from the first line of stdin"
    )


def _table_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", help=f"directory table (default ${directory.TABLE_ENV})")


def _add_parser(actions: Any) -> None:
    parser = actions.add_parser("add", help="add an owner (asks for their dial-out PIN)")
    parser.add_argument("owner_id", help="e.g. alice (lower-case letters, digits, - and _)")
    parser.add_argument(
        "--number", action="append", required=True, help="the owner's own phone (repeatable)"
    )
    parser.add_argument("--sma-number", required=True, help="the SMA number assigned to them")
    parser.add_argument("--name", help="display name")
    parser.add_argument(
        "--allow",
        action="append",
        help="allowed destination prefix, e.g. +1 (repeatable; "
        "default: the owner's own country code)",
    )
    parser.add_argument("--daily-calls", type=int, default=50, help="dial-outs a day (default 50)")
    parser.add_argument(
        "--daily-minutes", type=int, default=240, help="dial-out minutes a day (default 240)"
    )
    parser.add_argument("--console-user", help="the owner's call console user name")
    parser.add_argument(
        "--no-pin", action="store_true", help="no PIN: caller id alone admits dial-out (unsafe)"
    )
    _pin_flag(parser)
    _table_flag(parser)
    parser.set_defaults(handler=_add)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("owners", help="manage the owner directory and PINs")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _add_parser(actions)
    list_parser = actions.add_parser("list", help="list the owners (PINs shown as set/none)")
    add_format_argument(list_parser, json_alias=True)
    _table_flag(list_parser)
    list_parser.set_defaults(handler=_list)
    for name, handler, text in (
        ("set-pin", _set_pin, "change an owner's dial-out PIN"),
        ("remove", _remove, "remove an owner"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("owner_id")
        if name == "set-pin":
            _pin_flag(sub)
        _table_flag(sub)
        sub.set_defaults(handler=handler)
    hash_parser = actions.add_parser(
        "hash-pin", help="print a PIN hash for OWNER_PIN_HASH (single-owner configuration)"
    )
    _pin_flag(hash_parser)
    hash_parser.set_defaults(handler=_hash_pin)
