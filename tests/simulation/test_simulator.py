"""The call simulator: every shipped scenario passes, the Chime side behaves as documented,
the scenario schema rejects mistakes by name, and ``callrec simulate`` exits 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callrec import simulation
from callrec.cli import main
from callrec.simulation import Records
from callrec.simulation.chime import ChimeSimulator
from callrec.simulation.executor import ActionExecutor, ActionResult, CallControl
from callrec.simulation.scenario import ScenarioError, parse
from callrec.simulation.validation import response_problems

SHIPPED = simulation.shipped_scenarios()

BASE: dict[str, Any] = {
    "name": "t",
    "owner": "+15555550100",
    "sma_number": "+15555550199",
    "caller": "+15555550100",
    "callee": {"number": "+12065550123"},
    "timeline": [
        {"at": 1, "party": "owner", "dtmf": "2065550123#"},
        {"at": 30, "party": "callee", "hangup": True},
    ],
}


def scenario(**changes: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(BASE))
    doc.update(changes)
    return doc


@pytest.fixture(autouse=True)
def no_handler_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in simulation.HANDLER_ENV:
        monkeypatch.delenv(name, raising=False)


# --- shipped scenarios ---------------------------------------------------------------------------


def test_a_scenario_ships_for_every_flow() -> None:
    names = {p.stem for p in SHIPPED}
    assert {
        "owner-dial-out",
        "inbound-call",
        "invalid-number-reprompt",
        "invalid-number-give-up",
        "callee-no-answer",
        "dtmf-pause-resume-stop",
        "dtmf-by-other-party-ignored",
        "api-recording-control",
        "recording-no-access",
        "other-party-hangs-up-first",
        "owner-hangs-up-first",
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_passes(path: Path) -> None:
    outcome = simulation.run(path, records=Records.MOTO)
    failed = [r.to_dict() for r in outcome.results if not r.ok]
    assert outcome.results, "a shipped scenario must expect something"
    assert failed == []


# --- the Chime side ------------------------------------------------------------------------------


def test_events_carry_increasing_sequence_and_legs() -> None:
    transcript = simulation.run(scenario()).transcript
    assert [s.sequence for s in transcript.steps] == list(range(1, len(transcript.steps) + 1))
    first, bridged = transcript.steps[0].event, transcript.steps[2].event
    assert [p["ParticipantTag"] for p in first["CallDetails"]["Participants"]] == ["LEG-A"]
    assert [p["ParticipantTag"] for p in bridged["CallDetails"]["Participants"]] == [
        "LEG-A",
        "LEG-B",
    ]
    leg_b = bridged["CallDetails"]["Participants"][1]
    assert (leg_b["From"], leg_b["To"]) == ("+15555550199", "+12065550123")


def test_action_successful_reports_the_last_action_of_the_list() -> None:
    transcript = simulation.run(scenario()).transcript
    step = transcript.steps[2]  # answer to PlayAudio + CallAndBridge
    assert step.event["ActionData"]["Type"] == "CallAndBridge"


def test_attributes_returned_come_back_in_the_next_event() -> None:
    transcript = simulation.run(scenario()).transcript
    returned = transcript.steps[0].response["TransactionAttributes"]
    assert transcript.steps[1].event["CallDetails"]["TransactionAttributes"] == returned


def test_injected_recording_failure_uses_the_documented_error_field() -> None:
    doc = scenario(
        failures=[{"action": "StartCallRecording", "error_type": "NoAccessToDestination"}]
    )
    steps = simulation.run(doc).transcript.steps
    failed = next(s for s in steps if s.event_type == "ACTION_FAILED")
    assert failed.event["ActionData"]["Error"].startswith("NoAccessToDestination:")


def test_other_failures_use_error_type_and_message() -> None:
    # "Understanding telephony events": ACTION_FAILED carries ErrorType and ErrorMessage; only
    # StartCallRecording's page shows the single "Error" field.
    doc = scenario(
        timeline=[*BASE["timeline"][:1], {"at": 20, "party": "owner", "dtmf": "5"}],
        failures=[{"action": "PauseCallRecording", "error_type": "SystemException"}],
    )
    steps = simulation.run(doc).transcript.steps
    failed = next(s for s in steps if s.event_type == "ACTION_FAILED")
    assert failed.event["ActionData"]["Type"] == "PauseCallRecording"
    assert failed.event["ActionData"]["ErrorType"] == "SystemException"
    assert "Error" not in failed.event["ActionData"]


def test_recording_key_follows_the_documented_format() -> None:
    recording = simulation.run(scenario()).transcript.recordings[0]
    # Dated by the recorded leg's start (LEG-A joined at StartTimeInMilliseconds 1700000000000,
    # 2023-11-14 22:13:20 UTC), not by the moment the recording began.
    assert recording.location.startswith(
        "callrec-recordings/recordings/2023/11/14/2023-11-14-22-13-20-000_"
    )
    assert recording.location.endswith("_sim-t_sim-t-leg-a.wav")


def test_update_cuts_an_interruptible_prompt_short_after_the_handler_answers() -> None:
    # "Updating in-progress calls": the update invokes the handler, its actions replace the
    # rest of the list, and the cut-short PlayAudio is reported afterwards, for information.
    doc = scenario(
        callee={"number": "+12065550123", "answer_after": 2},
        timeline=[*BASE["timeline"][:1], {"at": 10, "api": {"recording": "pause"}}],
    )
    steps = simulation.run(doc).transcript.steps
    kinds = [s.event_type for s in steps]
    update = kinds.index("CALL_UPDATE_REQUESTED")
    assert kinds[update + 1] == "ACTION_INTERRUPTED"
    assert steps[update + 1].event["ActionData"]["Type"] == "PlayAudio"
    assert kinds.count("ACTION_INTERRUPTED") == 1


@pytest.mark.parametrize(("at", "running"), [(3, "PlayAudioAndGetDigits"), (8, "CallAndBridge")])
def test_update_waits_for_an_action_that_cannot_be_interrupted(at: float, running: str) -> None:
    doc = scenario(
        callee={"number": "+12065550123", "answer_after": 5},
        timeline=[*BASE["timeline"][:1], {"at": at, "api": {"recording": "pause"}}],
    )
    outcome = simulation.run(doc)
    kinds = [s.event_type for s in outcome.transcript.steps]
    assert "CALL_UPDATE_REQUESTED" in kinds
    assert "ACTION_INTERRUPTED" not in kinds
    # The handler answers an update before the bridge with no actions, which keeps the running
    # ones: the number is still taken, the callee still bridged and the call still recorded.
    done = [
        s.event["ActionData"]["Type"]
        for s in outcome.transcript.steps
        if s.event_type == "ACTION_SUCCESSFUL"
    ]
    assert running in done
    assert [r.leg for r in outcome.transcript.recordings] == ["LEG-A"]


def test_hangup_of_a_bridged_leg_is_reported_before_the_rest_of_the_list_runs() -> None:
    # "Hangup": Chime disconnects LEG-B, invokes the handler with HANGUP for LEG-B and runs what
    # it answers; the last leg's HANGUP is only reported.
    doc = scenario(
        timeline=BASE["timeline"][:1],
        failures=[{"reject_response_to": 3, "error_type": "ActionNotAllowed"}],
    )
    steps = simulation.run(doc).transcript.steps
    hangups = [s for s in steps if s.event_type == "HANGUP"]
    assert [h.event["ActionData"]["Parameters"]["ParticipantTag"] for h in hangups] == [
        "LEG-B",
        "LEG-A",
    ]
    assert [a["Type"] for a in hangups[0].actions] == ["Hangup"]
    legs = {
        p["ParticipantTag"]: p["Status"] for p in hangups[0].event["CallDetails"]["Participants"]
    }
    assert legs == {"LEG-A": "Connected", "LEG-B": "Disconnected"}


def test_dtmf_without_a_listener_is_ignored_and_noted() -> None:
    doc = scenario(timeline=[*BASE["timeline"][:1], {"at": 20, "party": "callee", "dtmf": "5"}])
    transcript = simulation.run(doc).transcript
    assert "DIGITS_RECEIVED" not in [s.event_type for s in transcript.steps]
    assert any("no ReceiveDigits armed" in n for n in transcript.notes)


def test_dtmf_the_armed_regex_rejects_is_ignored_and_noted() -> None:
    """ReceiveDigits only reports digits matching its InputDigitsRegex (the control digits)."""
    doc = scenario(timeline=[*BASE["timeline"][:1], {"at": 20, "party": "owner", "dtmf": "9"}])
    transcript = simulation.run(doc).transcript
    assert "DIGITS_RECEIVED" not in [s.event_type for s in transcript.steps]
    assert any("'9'" in n and "does not match" in n for n in transcript.notes), transcript.notes


def test_invalid_response_is_answered_with_invalid_lambda_response() -> None:
    def broken(event: dict[str, Any]) -> dict[str, Any]:
        if event["InvocationEventType"] == "INVALID_LAMBDA_RESPONSE":
            return {
                "SchemaVersion": "1.0",
                "Actions": [{"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-A"}}],
            }
        return {"SchemaVersion": "1.0", "Actions": [{"Type": "Dance", "Parameters": {}}]}

    transcript = ChimeSimulator(parse(scenario()), broken).run()
    assert [s.event_type for s in transcript.steps][:2] == [
        "NEW_INBOUND_CALL",
        "INVALID_LAMBDA_RESPONSE",
    ]


def test_handler_that_never_ends_the_call_is_stopped() -> None:
    def chatty(event: dict[str, Any]) -> dict[str, Any]:
        play = {
            "Type": "PlayAudio",
            "Parameters": {
                "ParticipantTag": "LEG-A",
                "AudioSource": {"Type": "S3", "BucketName": "b", "Key": "k"},
            },
        }
        return {"SchemaVersion": "1.0", "Actions": [play]}

    with pytest.raises(simulation.SimulationError, match="still going"):
        ChimeSimulator(parse(scenario(timeline=[])), chatty).run()


def test_executor_subclass_decides_the_outcome() -> None:
    class NoBucketAccess(ActionExecutor):
        def start_call_recording(self, params: Any, call: CallControl) -> ActionResult:
            return ActionResult.failed(
                "NoAccessToDestination", "bucket policy denies the principal"
            )

    outcome = simulation.run(scenario(), executor=NoBucketAccess())
    assert outcome.transcript.final_attributes["rec"] == "failed"
    assert outcome.transcript.recordings == []


def test_utterances_are_accepted_and_change_nothing() -> None:
    plain = simulation.run(scenario()).transcript
    spoken = simulation.run(
        scenario(utterances=[{"party": "callee", "at": 12, "text": "Hello?", "clip": "a.wav"}])
    ).transcript
    assert [s.response for s in spoken.steps] == [s.response for s in plain.steps]


# --- schema --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "unknown field"),
        ({"owner": "5555550100"}, "owner"),
        ({"callee": {"number": "+12065550123", "answer": "maybe"}}, "callee.answer"),
        ({"timeline": [{"at": 1, "party": "owner", "dtmf": "12a"}]}, r"timeline\[0\].dtmf"),
        ({"timeline": [{"at": -1, "party": "owner", "hangup": True}]}, r"timeline\[0\].at"),
        ({"timeline": [{"at": 1, "party": "owner"}]}, "exactly one of"),
        ({"failures": [{"action": "Hangup"}]}, "error_type"),
        ({"expect": {"recording_started": {"leg": "LEG-C"}}}, "recording_started.leg"),
        ({"expect": {"final_state": "x"}}, "expect has unknown"),
        ({"name": "has space"}, "name"),
    ],
)
def test_schema_mistakes_name_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse(scenario(**changes))


def test_json_scenarios_are_read(tmp_path: Path) -> None:
    path = tmp_path / "call.json"
    path.write_text(json.dumps(scenario()))
    assert simulation.load(path).name == "t"


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        (
            {
                "Type": "CallAndBridge",
                "Parameters": {
                    "CallTimeoutSeconds": 0,
                    "CallerIdNumber": "+15555550199",
                    "Endpoints": [{"BridgeEndpointType": "PSTN", "Uri": "+12065550123"}],
                },
            },
            "CallTimeoutSeconds",
        ),
        (
            {
                "Type": "StartCallRecording",
                "Parameters": {
                    "CallId": "c",
                    "Track": "BOTH",
                    "Destination": {"Type": "S3", "Location": "s3://b"},
                },
            },
            "Location",
        ),
        ({"Type": "Teleport", "Parameters": {}}, "unknown action Type"),
        ({"Type": "ReceiveDigits", "Parameters": {"CallId": "c"}}, "InputDigitsRegex"),
    ],
)
def test_validation_catches_undocumented_actions(action: dict[str, Any], problem: str) -> None:
    problems = response_problems({"SchemaVersion": "1.0", "Actions": [action]})
    assert any(problem in p for p in problems)


def test_validation_holds_responses_to_the_documented_limits() -> None:
    hangup = {"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-A", "SipResponseCode": "0"}}
    # "Responding to invocations with action lists": at most 10 actions per invocation.
    assert response_problems({"SchemaVersion": "1.0", "Actions": [hangup] * 10}) == []
    assert response_problems({"SchemaVersion": "1.0", "Actions": [hangup] * 11})
    # "Invalid inputs": an 11-pair TransactionAttributes map is rejected.
    attrs = {f"key{i}": f"value{i}" for i in range(1, 12)}
    assert response_problems(
        {"SchemaVersion": "1.0", "Actions": [], "TransactionAttributes": attrs}
    )
    del attrs["key11"]
    assert not response_problems(
        {"SchemaVersion": "1.0", "Actions": [], "TransactionAttributes": attrs}
    )


# --- command -------------------------------------------------------------------------------------


def test_command_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "owner-dial-out", "--format", "jsonl", "--records", "moto"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["event"]["InvocationEventType"] == "NEW_INBOUND_CALL"
    assert lines[-1]["ok"] is True


def test_command_prints_one_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "owner-dial-out", "--format", "json", "--records", "moto"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True
    assert document["steps"][0]["event"]["InvocationEventType"] == "NEW_INBOUND_CALL"
    assert document["call_record"]["direction"] == "outbound"


def test_command_exits_1_when_an_expectation_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(json.dumps(scenario(expect={"recording_started": {"leg": "callee"}})))
    assert main(["simulate", str(path), "--records", "off"]) == 1
    assert "FAIL recording_started" in capsys.readouterr().out


def test_command_exits_2_on_a_broken_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text('name: x\nowner: 12\ncallee: {number: "+12065550123"}\n')
    assert main(["simulate", str(path)]) == 2
    assert "owner" in capsys.readouterr().err


def test_outcome_renders_text_and_json() -> None:
    outcome = simulation.run(scenario())
    assert outcome.render()[-1] == "t: passed (0 expectation(s))"
    assert json.loads(outcome.render("jsonl")[-1])["ok"] is True
    assert json.loads("\n".join(outcome.render("json")))["ok"] is True


def test_command_lists_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--list"]) == 0
    assert "owner-dial-out" in capsys.readouterr().out


def test_bucket_only_location_gets_the_documented_default_prefix() -> None:
    class BucketOnly(ActionExecutor):
        def start_call_recording(self, params: Any, call: CallControl) -> ActionResult:
            params = {**params, "Destination": {"Type": "S3", "Location": "bucket"}}
            return super().start_call_recording(params, call)

    recording = simulation.run(scenario(), executor=BucketOnly()).transcript.recordings[0]
    assert recording.location.startswith("bucket/Amazon-Chime-SMA-Call-Recordings/2023/11/14/")


def test_record_expectations_fail_when_records_are_off() -> None:
    outcome = simulation.run(scenario(expect={"record": {"direction": "outbound"}}))
    assert [r.detail for r in outcome.results] == ["call records were not enabled"]
    assert not outcome.ok


def test_a_uuid_transaction_gets_uuid_call_ids_as_chime_gives() -> None:
    import uuid

    from callrec.simulation.chime import call_id_for

    transaction_id = "6f1c7a2e-0d0c-4a57-9a44-1f1e0b0c2d3e"
    leg_a = call_id_for(transaction_id, "LEG-A")
    assert uuid.UUID(leg_a)
    assert leg_a != call_id_for(transaction_id, "LEG-B")
    assert leg_a == call_id_for(transaction_id, "LEG-A")


def test_a_scenario_transaction_keeps_readable_call_ids() -> None:
    from callrec.simulation.chime import call_id_for

    assert call_id_for("sim-t", "LEG-B") == "sim-t-leg-b"


# --- fidelity ------------------------------------------------------------------------------------

CROSSING = [
    {"at": 1, "party": "owner", "dtmf": "2065550123#"},
    {"at": 10.5, "party": "owner", "dtmf": "5"},  # while the consent prompt plays to the callee
    {"at": 30, "party": "callee", "hangup": True},
]


def test_digits_reach_the_handler_while_the_list_runs() -> None:
    transcript = simulation.run(scenario(timeline=CROSSING)).transcript
    digits = next(s for s in transcript.steps if s.event_type == "DIGITS_RECEIVED")
    assert digits.at == pytest.approx(10.5)
    started = next(
        s
        for s in transcript.steps
        if s.event_type == "ACTION_SUCCESSFUL"
        and s.event["ActionData"]["Type"] == "StartCallRecording"
    )
    assert digits.sequence < started.sequence


def test_queued_actions_an_answer_replaces_are_printed_as_dropped() -> None:
    lines = simulation.run(scenario(timeline=CROSSING)).render()
    assert any("dropped (replaced): StartCallRecording" in line for line in lines)


def test_digits_nothing_listens_for_are_discarded_when_pressed() -> None:
    timeline = [
        {"at": 1, "party": "owner", "dtmf": "2065550123#"},
        {"at": 6, "party": "owner", "dtmf": "5"},  # during CallAndBridge: nothing armed
        {"at": 30, "party": "callee", "hangup": True},
    ]
    transcript = simulation.run(scenario(timeline=timeline)).transcript
    assert "DIGITS_RECEIVED" not in [s.event_type for s in transcript.steps]
    happenings = [h for s in transcript.steps for h in s.happenings]
    assert any(h.startswith("   6.0 s") and "discarded" in h for h in happenings)


def test_each_attempt_of_a_digit_prompt_carries_its_own_time() -> None:
    transcript = simulation.run("no-digits-give-up").transcript
    attempts = [h for h in transcript.steps[0].happenings if "attempt" in h]
    times = [float(h.split(" s")[0]) for h in attempts]
    assert len(times) >= 2 and times == sorted(set(times))


def test_output_is_reproducible_with_call_records() -> None:
    first = simulation.run("owner-dial-out", records=Records.MOTO).render()
    second = simulation.run("owner-dial-out", records=Records.MOTO).render()
    assert first == second
    record_line = next(line for line in first if "call record:" in line)
    assert "2023-11-14T" in record_line  # the simulated call's day, not the machine's
    assert "expires_at" not in record_line
