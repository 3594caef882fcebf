"""`callrec phone-number`, against botocore's Stubber (requests and responses are checked
against the chime-sdk-voice service model, so wrong parameter names or shapes fail)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from callrec.cli import main
from callrec.commands import phone_number
from callrec.commands.phone_number import (
    OrderStatus,
    PhoneNumberError,
    SearchCriteria,
    Wait,
    list_numbers,
    order,
    search,
)

NUMBER = "+12065550100"
OTHER = "+12065550101"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def client() -> Any:
    return boto3.client("chime-sdk-voice", region_name="us-east-1")


@pytest.fixture
def stub(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _order(status: str, numbers: dict[str, str]) -> dict[str, Any]:
    return {
        "PhoneNumberOrder": {
            "PhoneNumberOrderId": "order-1",
            "ProductType": "SipMediaApplicationDialIn",
            "Status": status,
            "OrderType": "New",
            "OrderedPhoneNumbers": [
                {"E164PhoneNumber": n, "Status": s} for n, s in numbers.items()
            ],
            "CreatedTimestamp": NOW,
            "UpdatedTimestamp": NOW,
        }
    }


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_search_for_local_numbers_by_area_code(client: Any, stub: Stubber) -> None:
    stub.add_response(
        "search_available_phone_numbers",
        {"E164PhoneNumbers": [NUMBER, OTHER]},
        {"Country": "US", "MaxResults": 2, "PhoneNumberType": "Local", "AreaCode": "206"},
    )
    assert search(client, SearchCriteria(area_code="206"), 2) == [NUMBER, OTHER]


def test_search_for_toll_free_numbers(client: Any, stub: Stubber) -> None:
    stub.add_response(
        "search_available_phone_numbers",
        {"E164PhoneNumbers": ["+18445550100"]},
        {"Country": "US", "MaxResults": 1, "PhoneNumberType": "TollFree", "TollFreePrefix": "844"},
    )
    assert search(client, SearchCriteria(toll_free_prefix="844"), 1) == ["+18445550100"]


def test_order_waits_until_successful(client: Any, stub: Stubber) -> None:
    stub.add_response(
        "create_phone_number_order",
        _order("Processing", {NUMBER: "Processing"}),
        {"ProductType": "SipMediaApplicationDialIn", "E164PhoneNumbers": [NUMBER]},
    )
    stub.add_response(
        "get_phone_number_order",
        _order("Processing", {NUMBER: "Processing"}),
        {"PhoneNumberOrderId": "order-1"},
    )
    stub.add_response(
        "get_phone_number_order",
        _order("Successful", {NUMBER: "Acquired"}),
        {"PhoneNumberOrderId": "order-1"},
    )
    clock = FakeClock()
    result = order(client, [NUMBER], wait=Wait(poll_interval=2, sleep=clock.sleep, clock=clock))
    assert result.ok
    assert result.acquired == (NUMBER,)
    assert clock.sleeps == [2, 2]


def test_order_gives_up_after_the_timeout(client: Any, stub: Stubber) -> None:
    stub.add_response("create_phone_number_order", _order("Processing", {NUMBER: "Processing"}))
    for _ in range(3):
        stub.add_response("get_phone_number_order", _order("Processing", {NUMBER: "Processing"}))
    clock = FakeClock()
    wait = Wait(timeout=15, poll_interval=5, sleep=clock.sleep, clock=clock)
    result = order(client, [NUMBER], wait=wait)
    assert result.timed_out
    assert not result.ok
    assert result.status is OrderStatus.PROCESSING
    assert len(clock.sleeps) == 3


def test_partial_order_reports_acquired_and_failed_numbers(client: Any, stub: Stubber) -> None:
    stub.add_response(
        "create_phone_number_order",
        _order("Partial", {NUMBER: "Acquired", OTHER: "Failed"}),
    )
    clock = FakeClock()
    result = order(client, [NUMBER, OTHER], wait=Wait(sleep=clock.sleep, clock=clock))
    assert clock.sleeps == []
    assert not result.ok
    assert result.acquired == (NUMBER,)
    assert result.failed == (OTHER,)


def test_api_errors_become_phone_number_errors(client: Any, stub: Stubber) -> None:
    stub.add_client_error(
        "create_phone_number_order",
        service_error_code="ResourceLimitExceededException",
        service_message="too many numbers",
        http_status_code=400,
    )
    with pytest.raises(PhoneNumberError, match="ResourceLimitExceededException: too many"):
        order(client, [NUMBER])


def test_list_follows_next_token(client: Any, stub: Stubber) -> None:
    stub.add_response(
        "list_phone_numbers",
        {"PhoneNumbers": [{"E164PhoneNumber": NUMBER}], "NextToken": "t1"},
        {"Status": "Unassigned"},
    )
    stub.add_response(
        "list_phone_numbers",
        {"PhoneNumbers": [{"E164PhoneNumber": OTHER}]},
        {"Status": "Unassigned", "NextToken": "t1"},
    )
    numbers = [n["E164PhoneNumber"] for n in list_numbers(client, status="Unassigned")]
    assert numbers == [NUMBER, OTHER]


def test_cli_order_prints_the_numbers(
    client: Any, stub: Stubber, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(phone_number, "voice_client", lambda: client)
    stub.add_response("search_available_phone_numbers", {"E164PhoneNumbers": [NUMBER]})
    stub.add_response(
        "create_phone_number_order",
        _order("Successful", {NUMBER: "Acquired"}),
        {"ProductType": "SipMediaApplicationDialIn", "E164PhoneNumbers": [NUMBER], "Name": "rec"},
    )
    assert main(["phone-number", "order", "--area-code", "206", "--name", "rec"]) == 0
    assert NUMBER in capsys.readouterr().out


def test_cli_order_orders_nothing_when_too_few_numbers(
    client: Any, stub: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phone_number, "voice_client", lambda: client)
    stub.add_response("search_available_phone_numbers", {"E164PhoneNumbers": [NUMBER]})
    # No create_phone_number_order response is queued: ordering would raise in the Stubber.
    assert main(["phone-number", "order", "--area-code", "206", "--count", "2"]) == 1


def test_cli_release_needs_confirmation(
    client: Any, stub: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phone_number, "voice_client", lambda: client)
    assert main(["phone-number", "release", NUMBER]) == 2


def test_cli_release_deletes_each_number(
    client: Any, stub: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phone_number, "voice_client", lambda: client)
    stub.add_response("delete_phone_number", {}, {"PhoneNumberId": NUMBER})
    stub.add_response("delete_phone_number", {}, {"PhoneNumberId": OTHER})
    assert main(["phone-number", "release", NUMBER, OTHER, "--yes"]) == 0


def test_cli_rejects_numbers_that_are_not_e164() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["phone-number", "release", "2065550100", "--yes"])
    assert exit_info.value.code == 2


def test_cli_city_needs_a_state() -> None:
    assert main(["phone-number", "order", "--city", "Seattle"]) == 2


@pytest.mark.parametrize("count", ["0", "501"])
def test_cli_count_stays_within_the_search_limit(count: str) -> None:
    """SearchAvailablePhoneNumbers accepts MaxResults 1-500; anything else is a usage error."""
    with pytest.raises(SystemExit) as exited:
        main(["phone-number", "order", "--area-code", "206", "--count", count])
    assert exited.value.code == 2


def test_cli_list_uses_the_region_flag(
    client: Any, stub: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--region reaches the client the command builds (chalicelib.aws, boto3's default session)."""
    from chalicelib import aws

    regions: list[str] = []

    def voice() -> Any:
        regions.append(aws.client("chime-sdk-voice").meta.region_name)
        return client

    monkeypatch.setattr(phone_number, "voice_client", voice)
    stub.add_response("list_phone_numbers", {"PhoneNumbers": []}, {})
    assert main(["phone-number", "list", "--region", "eu-west-2"]) == 0
    assert regions == ["eu-west-2"]
