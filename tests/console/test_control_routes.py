"""``POST /calls/{id}/recording``: UpdateSipMediaApplicationCall with the SMA handler's argument."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from chalicelib import aws
from chalicelib.call_records import CallRecords
from tests.console.conftest import SMA_ID, Console, add_call, ago, body, trail_entries

LIVE = "f1f1f1f1-0000-4000-8000-000000000001"
ENDED = "f2f2f2f2-0000-4000-8000-000000000002"
OTHERS = "f3f3f3f3-0000-4000-8000-000000000003"


@pytest.fixture
def calls(console: Console) -> None:
    add_call("owner-a", LIVE, started_at=ago(minutes=3), ended=False)
    add_call("owner-a", ENDED)
    add_call("owner-b", OTHERS, started_at=ago(minutes=3), ended=False)


@pytest.fixture
def chime(calls: None) -> Iterator[Stubber]:
    stubber = Stubber(aws.client("chime-sdk-voice"))
    with stubber:
        yield stubber


def expect_update(chime: Stubber, action: str, transaction_id: str = LIVE) -> None:
    # Response shape per the Chime SDK Voice API reference: 202 with SipMediaApplicationCall.
    chime.add_response(
        "update_sip_media_application_call",
        {"SipMediaApplicationCall": {"TransactionId": transaction_id}},
        {
            "SipMediaApplicationId": SMA_ID,
            "TransactionId": transaction_id,
            "Arguments": {"recording": action},
        },
    )


def post(http: Any, console: Console, user: str, payload: Any, tx: str = LIVE) -> Any:
    headers = {**console.headers(user), "Content-Type": "application/json"}
    return http.post(f"/calls/{tx}/recording", headers=headers, body=json.dumps(payload))


def test_pause_calls_update_sip_media_application_call_and_answers_202(
    http: Any, console: Console, chime: Stubber
) -> None:
    expect_update(chime, "pause")
    response = post(http, console, "olive", {"action": "pause"})
    assert response.status_code == 202
    assert body(response) == {"accepted": True, "action": "pause", "recording_state": "recording"}
    chime.assert_no_pending_responses()


def test_resume_of_a_paused_call_is_sent(http: Any, console: Console, chime: Stubber) -> None:
    CallRecords().update(LIVE, {"recording_state": "paused"})
    expect_update(chime, "resume")
    assert post(http, console, "olive", {"action": "resume"}).status_code == 202
    chime.assert_no_pending_responses()


def test_a_command_the_state_refuses_is_409_and_not_sent(
    http: Any, console: Console, chime: Stubber
) -> None:
    response = post(http, console, "olive", {"action": "resume"})
    assert response.status_code == 409
    assert body(response)["error"] == "conflict"


def test_a_call_that_has_ended_is_409(http: Any, console: Console, chime: Stubber) -> None:
    response = post(http, console, "olive", {"action": "stop"}, tx=ENDED)
    assert response.status_code == 409
    assert "not live" in body(response)["message"]


def test_chime_not_knowing_the_call_is_409(http: Any, console: Console, chime: Stubber) -> None:
    chime.add_client_error(
        "update_sip_media_application_call", "NotFoundException", http_status_code=404
    )
    response = post(http, console, "olive", {"action": "stop"})
    assert response.status_code == 409
    assert "ended" in body(response)["message"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"action": "record"}, {"action": "PAUSE"}, ["pause"], {"action": "pause", "x": 1}],
)
def test_a_malformed_body_is_400(http: Any, console: Console, chime: Stubber, payload: Any) -> None:
    response = post(http, console, "olive", payload)
    assert response.status_code == 400


def test_a_body_that_is_not_json_is_400(http: Any, console: Console, chime: Stubber) -> None:
    headers = {**console.headers("olive"), "Content-Type": "application/json"}
    response = http.post(f"/calls/{LIVE}/recording", headers=headers, body="pause")
    assert response.status_code == 400


def test_another_owners_live_call_is_404_and_not_sent(
    http: Any, console: Console, chime: Stubber
) -> None:
    response = post(http, console, "olive", {"action": "pause"}, tx=OTHERS)
    assert response.status_code == 404


def test_an_admin_may_control_any_live_call(http: Any, console: Console, chime: Stubber) -> None:
    expect_update(chime, "stop", OTHERS)
    assert post(http, console, "ada", {"action": "stop"}, tx=OTHERS).status_code == 202


def test_controls_are_trailed_with_their_action(
    http: Any, console: Console, chime: Stubber
) -> None:
    expect_update(chime, "pause")
    post(http, console, "olive", {"action": "pause"})
    post(http, console, "olive", {"action": "pause"}, tx=ENDED)
    entries = sorted(
        (e["action"], e["transaction_id"], e["outcome"]) for e in trail_entries(console)
    )
    assert entries == [("control-pause", LIVE, "ok"), ("control-pause", ENDED, "conflict")]


def test_the_sma_id_on_the_call_record_wins_over_the_setting(
    http: Any, console: Console, chime: Stubber
) -> None:
    CallRecords().update(LIVE, {"sip_media_application_id": "0b0b0b0b-1111-4222-8333-444444444444"})
    chime.add_response(
        "update_sip_media_application_call",
        {"SipMediaApplicationCall": {"TransactionId": LIVE}},
        {
            "SipMediaApplicationId": "0b0b0b0b-1111-4222-8333-444444444444",
            "TransactionId": LIVE,
            "Arguments": {"recording": "pause"},
        },
    )
    assert post(http, console, "olive", {"action": "pause"}).status_code == 202
    chime.assert_no_pending_responses()
