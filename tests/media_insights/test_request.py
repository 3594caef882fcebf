"""CreateMediaInsightsPipeline request: the API's limits, the fragment selector, the token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.errors import ConfigurationError, InvalidEventError
from chalicelib.media_insights.request import (
    FragmentSelector,
    FragmentSelectorType,
    PipelineSettings,
    RecordingFileFormat,
    build_create_request,
    client_request_token,
    validate_streams,
)

CONFIG = (
    "arn:aws:chime:us-east-1:123456789012:media-insights-pipeline-configuration/callrec-recording"
)
KVS = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/ChimeVoiceConnector-vc1-{}/1680731924044"
START = datetime(2023, 4, 5, 22, 14, 2, tzinfo=UTC)


def selector(seconds: float = 60.0) -> FragmentSelector:
    return FragmentSelector(
        FragmentSelectorType.PRODUCER_TIMESTAMP, START, START + timedelta(seconds=seconds)
    )


def test_two_streams_are_accepted() -> None:
    assert validate_streams([KVS.format("a"), KVS.format("b")]) == [
        KVS.format("a"),
        KVS.format("b"),
    ]


def test_three_streams_exceed_the_api_maximum() -> None:
    with pytest.raises(InvalidEventError, match="at most 2"):
        validate_streams([KVS.format("a"), KVS.format("b"), KVS.format("c")])


def test_no_stream_is_rejected() -> None:
    with pytest.raises(InvalidEventError, match="no Kinesis video stream"):
        validate_streams([])


def test_same_stream_twice_is_rejected() -> None:
    with pytest.raises(InvalidEventError, match="twice"):
        validate_streams([KVS.format("a"), KVS.format("a")])


def test_stream_arn_must_match_the_api_pattern() -> None:
    with pytest.raises(InvalidEventError, match="not a Kinesis video stream ARN"):
        validate_streams(["arn:aws:kinesis:us-east-1:123456789012:stream/not-video"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ProducerTimestamp", FragmentSelectorType.PRODUCER_TIMESTAMP),
        ("producer_timestamp", FragmentSelectorType.PRODUCER_TIMESTAMP),
        ("server_timestamp", FragmentSelectorType.SERVER_TIMESTAMP),
        ("ServerTimestamp", FragmentSelectorType.SERVER_TIMESTAMP),
    ],
)
def test_fragment_selector_type_spellings(raw: str, expected: FragmentSelectorType) -> None:
    assert FragmentSelectorType.parse(raw) is expected


def test_unknown_fragment_selector_type_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="fragment selector type 'arrival'"):
        FragmentSelectorType.parse("arrival")


def test_fragment_selector_range_must_not_be_empty() -> None:
    with pytest.raises(InvalidEventError, match="range is empty"):
        selector(0)


def test_fragment_selector_needs_aware_timestamps() -> None:
    with pytest.raises(InvalidEventError, match="timezone-aware"):
        FragmentSelector(
            FragmentSelectorType.SERVER_TIMESTAMP,
            datetime(2023, 1, 1),
            datetime(2023, 1, 2),
        )


def test_fragment_selector_api_shape() -> None:
    assert selector(30).to_api() == {
        "FragmentSelectorType": "ProducerTimestamp",
        "TimestampRange": {"StartTimestamp": START, "EndTimestamp": START + timedelta(seconds=30)},
    }


def test_transaction_id_is_its_own_token_when_valid() -> None:
    assert client_request_token("ec97a8ff-3f83-4de2-8d73-d988070f6af4") == (
        "ec97a8ff-3f83-4de2-8d73-d988070f6af4"
    )


@pytest.mark.parametrize("transaction_id", ["a:b/c", "x", "t" * 100, "héllo wörld"])
def test_token_always_matches_the_api_pattern(transaction_id: str) -> None:
    token = client_request_token(transaction_id)
    assert re.fullmatch(r"[-_a-zA-Z0-9]{2,64}", token)


def test_distinct_ids_that_clean_alike_get_distinct_tokens() -> None:
    assert client_request_token("a:b") != client_request_token("a/b")


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", CONFIG)
    monkeypatch.setenv("MEDIA_INSIGHTS_FRAGMENT_SELECTOR", "server_timestamp")
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_DESTINATION", "arn:aws:s3:::bucket/recordings")
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_FORMAT", "opus")
    settings = PipelineSettings.from_env()
    assert settings.selector_type is FragmentSelectorType.SERVER_TIMESTAMP
    assert settings.sink_override is not None
    assert settings.sink_override.file_format is RecordingFileFormat.OPUS
    assert settings.sink_override.file_format.extension == "ogg"


def test_missing_configuration_arn_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", raising=False)
    with pytest.raises(ConfigurationError, match="MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN"):
        PipelineSettings.from_env()


def test_configuration_arn_of_another_kind_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", "arn:aws:s3:::bucket")
    with pytest.raises(ConfigurationError, match="not a pipeline configuration ARN"):
        PipelineSettings.from_env()


def test_sink_format_without_destination_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", CONFIG)
    monkeypatch.delenv("MEDIA_INSIGHTS_SINK_DESTINATION", raising=False)
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_FORMAT", "Opus")
    with pytest.raises(ConfigurationError, match="MEDIA_INSIGHTS_SINK_DESTINATION is not"):
        PipelineSettings.from_env()


def test_unsupported_sink_format_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", CONFIG)
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_DESTINATION", "arn:aws:s3:::bucket")
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_FORMAT", "mp3")
    with pytest.raises(ConfigurationError, match="use Wav or Opus"):
        PipelineSettings.from_env()


def test_sink_destination_must_be_an_s3_arn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", CONFIG)
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_DESTINATION", "s3://bucket/recordings")
    with pytest.raises(ConfigurationError, match="not an S3 ARN"):
        PipelineSettings.from_env()


def test_request_without_override_has_no_sink_runtime_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", CONFIG)
    for name in ("MEDIA_INSIGHTS_SINK_DESTINATION", "MEDIA_INSIGHTS_SINK_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    request = build_create_request(
        PipelineSettings.from_env(),
        transaction_id="tx-1",
        stream_arns=[KVS.format("a"), KVS.format("b")],
        selector=selector(),
        runtime_metadata={"transactionId": "tx-1", "callId": ""},
    )
    assert "S3RecordingSinkRuntimeConfiguration" not in request
    assert request["MediaInsightsRuntimeMetadata"] == {"transactionId": "tx-1"}
    assert request["ClientRequestToken"] == "tx-1"
    assert request["KinesisVideoStreamRecordingSourceRuntimeConfiguration"]["Streams"] == [
        {"StreamArn": KVS.format("a")},
        {"StreamArn": KVS.format("b")},
    ]
