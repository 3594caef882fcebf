from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.errors import RecordingKeyError
from chalicelib.recording_keys import (
    AudioFormat,
    RecordingSource,
    decode_event_key,
    parse_recording_key,
    transaction_id_hint,
)

TX = "6a1c9a3e-4b8f-4c1e-9d3a-1f2e3d4c5b6a"
CALL = "0b4e2c8d-7f1a-4e3b-8c9d-2a1b3c4d5e6f"
SMA = f"recordings/2026/11/20/2026-11-20-14-01-05-123_{TX}_{CALL}.wav"


def test_sma_key_gives_transaction_call_and_start() -> None:
    key = parse_recording_key(SMA)
    assert key.source is RecordingSource.SMA
    assert (key.transaction_id, key.call_id, key.prefix) == (TX, CALL, "recordings")
    assert key.started_at == datetime(2026, 11, 20, 14, 1, 5, 123000, tzinfo=UTC)
    assert key.audio_format is AudioFormat.WAV
    assert key.date_path == "2026/11/20"


def test_sma_key_without_prefix_is_accepted() -> None:
    key = parse_recording_key(SMA.removeprefix("recordings/"))
    assert (key.prefix, key.transaction_id) == ("", TX)


def test_sma_key_with_nested_prefix_is_accepted() -> None:
    assert parse_recording_key(f"a/b/{SMA}").prefix == "a/b/recordings"


def test_media_insights_key_gives_connector_and_transaction() -> None:
    key = parse_recording_key(f"abcdef1ghij2klmno3pqr4/{TX}_2026-11-20-14-05-00-250.ogg")
    assert key.source is RecordingSource.MEDIA_INSIGHTS
    assert (key.voice_connector_id, key.transaction_id, key.call_id) == (
        "abcdef1ghij2klmno3pqr4",
        TX,
        None,
    )
    assert key.audio_format is AudioFormat.OGG
    assert key.started_at == datetime(2026, 11, 20, 14, 5, 0, 250000, tzinfo=UTC)


def test_media_insights_wav_under_a_prefix() -> None:
    key = parse_recording_key(f"recordings/mi/vc1/{TX}_2026-11-20-14-05-00-250.wav")
    assert (key.prefix, key.voice_connector_id, key.audio_format) == (
        "recordings/mi",
        "vc1",
        AudioFormat.WAV,
    )


@pytest.mark.parametrize(
    "key",
    [
        "recordings/notes.wav",
        f"recordings/2026/11/20/2026-11-20-14-01-05_{TX}_{CALL}.wav",  # no milliseconds
        f"recordings/2026/11/20/2026-11-20-14-01-05-123_{TX}_{CALL}.mp3",  # SMA writes WAV only
        f"recordings/2026/11/20/2026-11-20-14-01-05-123_{TX}.wav",  # no call id
        f"vc1/{TX}_2026-11-20-14-05-00-250.flac",
        f"{TX}_2026-11-20-14-05-00-250.wav",  # no voice connector folder
    ],
)
def test_keys_of_neither_form_are_rejected(key: str) -> None:
    with pytest.raises(RecordingKeyError) as raised:
        parse_recording_key(key)
    assert raised.value.code == "UnrecognisedRecordingKey"


def test_impossible_timestamp_is_rejected() -> None:
    with pytest.raises(RecordingKeyError, match="impossible timestamp"):
        parse_recording_key(f"recordings/2026/13/20/2026-13-20-14-01-05-123_{TX}_{CALL}.wav")


def test_date_folders_must_match_the_timestamp() -> None:
    with pytest.raises(RecordingKeyError, match="disagree"):
        parse_recording_key(f"recordings/2026/11/21/2026-11-20-14-01-05-123_{TX}_{CALL}.wav")


def test_event_keys_are_unquoted_plus() -> None:
    assert decode_event_key("recordings/a+b%2Bc%3D.wav") == "recordings/a b+c=.wav"


def test_transaction_hint_finds_a_uuid_in_a_bad_key() -> None:
    assert transaction_id_hint(f"recordings/odd/{TX}.wav") == TX
    assert transaction_id_hint("recordings/odd/file.wav") is None


@pytest.mark.parametrize(
    ("key", "audio_format"),
    [
        (f"recordings/2026/11/20/2026-11-20-14-01-05-123_{TX}_{CALL}.WAV", AudioFormat.WAV),
        (f"recordings/abcdef1ghij2/{TX}_2026-11-20-14-05-00-250.OGG", AudioFormat.OGG),
        (f"recordings/abcdef1ghij2/{TX}_2026-11-20-14-05-00-250.Wav", AudioFormat.WAV),
    ],
)
def test_upper_case_suffix_is_accepted_as_the_handler_filter_accepts_it(
    key: str, audio_format: AudioFormat
) -> None:
    parsed = parse_recording_key(key)
    assert (parsed.audio_format, parsed.transaction_id) == (audio_format, TX)
