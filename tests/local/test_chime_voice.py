"""The chime-sdk-voice emulator: UpdateSipMediaApplicationCall reaches a live call's handler as
CALL_UPDATE_REQUESTED, and answers as the API reference says when it cannot."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from callrec.local.chime_voice import ChimeVoiceService
from callrec.local.live_call import LiveCall
from callrec.simulation.scenario import parse

SCENARIO = {
    "name": "live",
    "owner": "+15555550100",
    "sma_number": "+15555550199",
    "caller": "+15555550100",
    "callee": {"number": "+12065550123"},
}
EMPTY = {"SchemaVersion": "1.0", "Actions": []}


class _Handler:
    """Answers every invocation with no actions and keeps the events it got."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return EMPTY

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["InvocationEventType"] == event_type]


@pytest.fixture
def voice() -> Iterator[ChimeVoiceService]:
    service = ChimeVoiceService()
    service.start()
    yield service
    service.stop()


def _client(voice: ChimeVoiceService) -> Any:
    return boto3.client("chime-sdk-voice", endpoint_url=voice.url, region_name="us-east-1")


def _live(voice: ChimeVoiceService, handler: _Handler, hold_s: float = 30.0) -> LiveCall:
    call = LiveCall(parse(SCENARIO), handler, transaction_id="tx-live", hold_s=hold_s)
    voice.register(call)
    threading.Thread(target=call.run, daemon=True).start()
    assert call.bridged.wait(10)
    return call


def test_update_reaches_the_handler_as_call_update_requested(voice: ChimeVoiceService) -> None:
    handler = _Handler()
    call = _live(voice, handler)
    answer = _client(voice).update_sip_media_application_call(
        SipMediaApplicationId="sma-live", TransactionId="tx-live", Arguments={"recording": "pause"}
    )
    call.hang_up()
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["SipMediaApplicationCall"] == {"TransactionId": "tx-live"}
    [update] = handler.of_type("CALL_UPDATE_REQUESTED")
    assert update["ActionData"] == {
        "Type": "CallUpdateRequest",
        "Parameters": {"Arguments": {"recording": "pause"}},
    }
    assert update["CallDetails"]["TransactionId"] == "tx-live"


def test_unknown_transaction_is_not_found(voice: ChimeVoiceService) -> None:
    handler = _Handler()
    call = _live(voice, handler)  # still up: only its transaction id tells the calls apart
    with pytest.raises(ClientError) as raised:
        _client(voice).update_sip_media_application_call(
            SipMediaApplicationId="sma-live", TransactionId="tx-other", Arguments={}
        )
    call.hang_up()
    assert raised.value.response["Error"]["Code"] == "NotFoundException"
    assert not handler.of_type("CALL_UPDATE_REQUESTED")


def test_another_sip_media_application_is_not_found(voice: ChimeVoiceService) -> None:
    call = _live(voice, _Handler())
    with pytest.raises(ClientError) as raised:
        _client(voice).update_sip_media_application_call(
            SipMediaApplicationId="sma-other", TransactionId="tx-live", Arguments={}
        )
    call.hang_up()
    assert raised.value.response["Error"]["Code"] == "NotFoundException"


def test_more_than_twenty_arguments_is_a_bad_request(voice: ChimeVoiceService) -> None:
    call = _live(voice, _Handler())
    arguments = {f"k{i}": "v" for i in range(21)}
    with pytest.raises(ClientError) as raised:
        _client(voice).update_sip_media_application_call(
            SipMediaApplicationId="sma-live", TransactionId="tx-live", Arguments=arguments
        )
    call.hang_up()
    assert raised.value.response["Error"]["Code"] == "BadRequestException"


def test_an_ended_call_is_not_found(voice: ChimeVoiceService) -> None:
    call = _live(voice, _Handler())
    call.hang_up()
    assert call.ended.wait(10)
    with pytest.raises(ClientError) as raised:
        _client(voice).update_sip_media_application_call(
            SipMediaApplicationId="sma-live", TransactionId="tx-live", Arguments={}
        )
    assert raised.value.response["Error"]["Code"] == "NotFoundException"


def test_the_live_call_hangs_up_after_its_hold_time() -> None:
    handler = _Handler()
    call = LiveCall(parse(SCENARIO), handler, transaction_id="tx-short", hold_s=0.3)
    began = time.monotonic()
    call.run()
    assert time.monotonic() - began >= 0.3
    assert handler.of_type("HANGUP")
