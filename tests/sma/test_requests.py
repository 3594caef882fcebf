"""The ``pending`` attribute: decoded once per distinct value, encoded once per value."""

from __future__ import annotations

from chalicelib.sma.requests import NOTHING_PENDING, Command, Pending, Request


def test_the_same_text_decodes_to_the_same_value() -> None:
    first = Pending.decode("start|auto|7;pause|owner|9")
    assert Pending.decode("start|auto|7;pause|owner|9") is first
    assert first.inflight == Request(Command.START, "auto", 7)
    assert first.queued == (Request(Command.PAUSE, "owner", 9),)


def test_a_value_encodes_back_to_its_text() -> None:
    assert Pending.decode("start|auto|7;pause|owner|9").encode() == "start|auto|7;pause|owner|9"
    assert Pending(queued=(Request(Command.STOP, "api"),)).encode() == ";stop|api|"


def test_nothing_pending_is_the_empty_text() -> None:
    assert Pending.decode("") is NOTHING_PENDING
    assert NOTHING_PENDING.encode() == ""


def test_a_legacy_value_decodes_as_one_queued_request() -> None:
    assert Pending.decode("pause:owner").queued == (Request(Command.PAUSE, "owner"),)


def test_unknown_parts_are_dropped_once_the_requests_change() -> None:
    pending = Pending.decode("start|auto|7;dance|owner|8")
    assert pending.ignored == ("dance|owner|8",)
    assert pending.with_inflight(None).ignored == ()
    _, rest = pending.pop()
    assert rest.ignored == ()
    assert rest.inflight == pending.inflight


def test_nothing_pending_stays_the_empty_texts_value_once_the_memo_is_full() -> None:
    for number in range(300):  # more distinct values than the memo keeps
        Pending.decode(f"start|auto|{number}")
    assert Pending.decode("") is NOTHING_PENDING
