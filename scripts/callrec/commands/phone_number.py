"""``callrec phone-number order|list|release``: provision numbers for the SIP media application.

Terraform cannot order phone numbers, so this does it with the ``chime-sdk-voice`` API:
SearchAvailablePhoneNumbers, CreatePhoneNumberOrder (product type SipMediaApplicationDialIn),
then GetPhoneNumberOrder until the order is Successful, Partial or Failed, within a bounded
wait. Ordered numbers go into Terraform's ``phone_numbers`` variable, which creates the SIP
rules that route them to the SIP media application.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from callrec import aws_options
from callrec.terminal import add_format_argument
from chalicelib.errors import CallRecError

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class PhoneNumberError(CallRecError):
    """A phone-number request was refused by the API or given unusable input."""

    code = "PhoneNumberError"


class OrderStatus(StrEnum):
    PROCESSING = "Processing"
    SUCCESSFUL = "Successful"
    FAILED = "Failed"
    PARTIAL = "Partial"
    PENDING_DOCUMENTS = "PendingDocuments"
    SUBMITTED = "Submitted"
    FOC = "FOC"
    CHANGE_REQUESTED = "ChangeRequested"
    EXCEPTION = "Exception"
    CANCEL_REQUESTED = "CancelRequested"
    CANCELLED = "Cancelled"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = {
    OrderStatus.SUCCESSFUL,
    OrderStatus.FAILED,
    OrderStatus.PARTIAL,
    OrderStatus.EXCEPTION,
    OrderStatus.CANCELLED,
}


@dataclass(frozen=True)
class OrderResult:
    order_id: str
    status: OrderStatus
    acquired: tuple[str, ...]
    failed: tuple[str, ...]
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status is OrderStatus.SUCCESSFUL and not self.timed_out

    def to_dict(self) -> dict[str, Any]:
        return {
            "orderId": self.order_id,
            "status": self.status.value,
            "acquired": list(self.acquired),
            "failed": list(self.failed),
            "timedOut": self.timed_out,
        }


@dataclass(frozen=True)
class SearchCriteria:
    country: str = "US"
    area_code: str | None = None
    city: str | None = None
    state: str | None = None
    toll_free_prefix: str | None = None

    def request(self, count: int) -> dict[str, Any]:
        request: dict[str, Any] = {"Country": self.country, "MaxResults": count}
        if self.toll_free_prefix:
            request["TollFreePrefix"] = self.toll_free_prefix
            request["PhoneNumberType"] = "TollFree"
        else:
            request["PhoneNumberType"] = "Local"
            optional = {"AreaCode": self.area_code, "City": self.city, "State": self.state}
            request.update({key: value for key, value in optional.items() if value})
        return request


@dataclass(frozen=True)
class Wait:
    """How long ``order`` waits for an order to settle, and how (clock and sleep for tests)."""

    timeout: float = 300.0
    poll_interval: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


def voice_client() -> Any:
    from chalicelib import aws

    return aws.client("chime-sdk-voice")


def search(client: Any, criteria: SearchCriteria, count: int) -> list[str]:
    response = _call(client, "search_available_phone_numbers", **criteria.request(count))
    return list(response.get("E164PhoneNumbers", []))[:count]


def order(
    client: Any,
    numbers: list[str],
    *,
    name: str | None = None,
    product_type: str = "SipMediaApplicationDialIn",
    wait: Wait = Wait(),
) -> OrderResult:
    """Order ``numbers`` and wait (at most ``wait.timeout`` seconds) for the order to settle."""
    request: dict[str, Any] = {"ProductType": product_type, "E164PhoneNumbers": numbers}
    if name:
        request["Name"] = name
    created = _call(client, "create_phone_number_order", **request)["PhoneNumberOrder"]
    order_id = str(created["PhoneNumberOrderId"])
    current = created
    deadline = wait.clock() + wait.timeout
    while not OrderStatus(current["Status"]).terminal:
        if wait.clock() >= deadline:
            return _result(current, timed_out=True)
        wait.sleep(wait.poll_interval)
        current = _call(client, "get_phone_number_order", PhoneNumberOrderId=order_id)[
            "PhoneNumberOrder"
        ]
    return _result(current)


def list_numbers(
    client: Any, *, status: str | None = None, product_type: str | None = None
) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {}
    if status:
        request["Status"] = status
    if product_type:
        request["ProductType"] = product_type
    while True:
        response = _call(client, "list_phone_numbers", **request)
        yield from response.get("PhoneNumbers", [])
        token = response.get("NextToken")
        if not token:
            return
        request["NextToken"] = token


def release(client: Any, number: str) -> None:
    """Release ``number`` (it enters the deletion queue for 7 days before it is gone)."""
    _call(client, "delete_phone_number", PhoneNumberId=number)


def _result(order_document: dict[str, Any], *, timed_out: bool = False) -> OrderResult:
    numbers = order_document.get("OrderedPhoneNumbers", [])
    return OrderResult(
        order_id=str(order_document["PhoneNumberOrderId"]),
        status=OrderStatus(order_document["Status"]),
        acquired=tuple(n["E164PhoneNumber"] for n in numbers if n.get("Status") == "Acquired"),
        failed=tuple(n["E164PhoneNumber"] for n in numbers if n.get("Status") == "Failed"),
        timed_out=timed_out,
    )


def _call(client: Any, operation: str, **request: Any) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response: dict[str, Any] = getattr(client, operation)(**request)
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise PhoneNumberError(
            f"{operation} failed: {detail.get('Code', 'Error')}: {detail.get('Message', '')}",
            hint="check the account's Chime SDK phone number limits and the request",
        ) from error
    except BotoCoreError as error:
        raise PhoneNumberError(
            f"{operation} failed: {error}", hint="check AWS credentials, region and network"
        ) from error
    return response


def _e164(value: str) -> str:
    if not E164.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an E.164 number like +12065550100")
    return value


# SearchAvailablePhoneNumbers takes MaxResults 1-500: one search must find every number ordered.
MAX_SEARCH_RESULTS = 500


def _search_count(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_SEARCH_RESULTS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SEARCH_RESULTS}")
    return number


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "phone-number", help="order, list and release Chime SDK phone numbers"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    order_parser = actions.add_parser("order", help="search for numbers and order them")
    where = order_parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--area-code", help="local numbers in this area code (US)")
    where.add_argument("--city", help="local numbers in this city (needs --state)")
    where.add_argument("--toll-free-prefix", help="toll-free numbers with this prefix, e.g. 844")
    order_parser.add_argument("--state", help="state for --city")
    order_parser.add_argument("--country", default="US", help="ISO country code (default US)")
    order_parser.add_argument(
        "--count", type=_search_count, default=1, help="how many numbers (1-500)"
    )
    order_parser.add_argument("--name", help="order name")
    order_parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the order (default 300)"
    )
    order_parser.add_argument(
        "--poll-interval", type=float, default=5.0, help="seconds between polls"
    )
    add_format_argument(order_parser, json_alias=True)
    aws_options.add_arguments(order_parser)
    order_parser.set_defaults(handler=_order_command)

    list_parser = actions.add_parser("list", help="list the account's phone numbers")
    list_parser.add_argument("--status", help="e.g. Unassigned, Assigned")
    list_parser.add_argument(
        "--product-type", choices=["VoiceConnector", "SipMediaApplicationDialIn"]
    )
    add_format_argument(list_parser, json_alias=True)
    aws_options.add_arguments(list_parser)
    list_parser.set_defaults(handler=_list_command)

    release_parser = actions.add_parser("release", help="release phone numbers")
    release_parser.add_argument("numbers", nargs="+", type=_e164, metavar="E164")
    release_parser.add_argument("--yes", action="store_true", help="confirm the release")
    aws_options.add_arguments(release_parser)
    release_parser.set_defaults(handler=_release_command)


def _order_command(args: argparse.Namespace) -> int:
    if args.city and not args.state:
        raise PhoneNumberError("--city needs --state", hint="e.g. --city Seattle --state WA")
    aws_options.configure(args)
    client = voice_client()
    criteria = SearchCriteria(
        country=args.country,
        area_code=args.area_code,
        city=args.city,
        state=args.state,
        toll_free_prefix=args.toll_free_prefix,
    )
    numbers = search(client, criteria, args.count)
    if len(numbers) < args.count:
        print(
            f"only {len(numbers)} of {args.count} numbers available; nothing ordered",
            file=sys.stderr,
        )
        return 1
    wait = Wait(timeout=args.timeout, poll_interval=args.poll_interval)
    result = order(client, numbers, name=args.name, wait=wait)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(f"order {result.order_id}: {result.status.value}")
        for number in result.acquired:
            print(number)
    if result.timed_out:
        print(
            f"order {result.order_id} still {result.status.value} after {args.timeout:g}s; "
            "check later with `callrec phone-number list`",
            file=sys.stderr,
        )
    elif result.ok:
        print("add them to Terraform's phone_numbers to route them to the SMA", file=sys.stderr)
    return 0 if result.ok else 1


def _list_command(args: argparse.Namespace) -> int:
    aws_options.configure(args)
    numbers = list(list_numbers(voice_client(), status=args.status, product_type=args.product_type))
    if args.format == "json":
        print(json.dumps(numbers, indent=2, default=str))
    else:
        for number in numbers:
            print(
                f"{number.get('E164PhoneNumber', '')}\t{number.get('ProductType', '')}\t"
                f"{number.get('Status', '')}"
            )
    return 0


def _release_command(args: argparse.Namespace) -> int:
    if not args.yes:
        print(
            "releasing numbers cannot be undone after 7 days; rerun with --yes to confirm",
            file=sys.stderr,
        )
        return 2
    aws_options.configure(args)
    client = voice_client()
    for number in args.numbers:
        release(client, number)
        print(f"released {number}")
    return 0
