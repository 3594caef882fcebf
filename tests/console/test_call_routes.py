"""``GET /calls``, ``GET /calls/live`` and ``GET /calls/{id}``: scoping, filters, paging, detail."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.call_records import CallRecords
from chalicelib.console import listing
from tests.console.conftest import Console, add_call, ago, body, store_recording, trail_entries

TX_A1 = "a1a1a1a1-0000-4000-8000-000000000001"
TX_A2 = "a2a2a2a2-0000-4000-8000-000000000002"
TX_B1 = "b1b1b1b1-0000-4000-8000-000000000003"


@pytest.fixture
def calls(console: Console) -> dict[str, dict[str, Any]]:
    return {
        TX_A1: add_call("owner-a", TX_A1, started_at=ago(hours=3)),
        TX_A2: add_call(
            "owner-a",
            TX_A2,
            started_at=ago(hours=1),
            direction="inbound",
            other_number="+447700900123",
        ),
        TX_B1: add_call("owner-b", TX_B1, started_at=ago(hours=2)),
    }


def ids(response: Any) -> list[str]:
    return [call["transaction_id"] for call in body(response)["calls"]]


def test_calls_without_a_token_is_401(http: Any, calls: Any) -> None:
    assert http.get("/calls").status_code == 401


def test_an_owner_lists_only_their_own_calls_newest_first(
    http: Any, console: Console, calls: Any
) -> None:
    response = http.get("/calls", headers=console.headers("olive"))
    assert response.status_code == 200
    assert ids(response) == [TX_A2, TX_A1]
    assert body(response)["next"] is None


def test_an_admin_lists_every_owners_calls_merged_newest_first(
    http: Any, console: Console, calls: Any
) -> None:
    assert ids(http.get("/calls", headers=console.headers("ada"))) == [TX_A2, TX_B1, TX_A1]


def test_an_admin_may_list_one_owner(http: Any, console: Console, calls: Any) -> None:
    assert ids(http.get("/calls?owner=owner-b", headers=console.headers("ada"))) == [TX_B1]


def test_an_owner_may_not_list_another_owner(http: Any, console: Console, calls: Any) -> None:
    response = http.get("/calls?owner=owner-b", headers=console.headers("olive"))
    assert response.status_code == 403
    assert body(response)["error"] == "forbidden"


def test_a_call_summary_has_the_contract_fields(http: Any, console: Console, calls: Any) -> None:
    store_recording(console, TX_A2, calls[TX_A2])
    [newest, _] = body(http.get("/calls", headers=console.headers("olive")))["calls"]
    assert newest == {
        "transaction_id": TX_A2,
        "owner_id": "owner-a",
        "direction": "inbound",
        "owner_number": "+12065550100",
        "other_number": "+447700900123",
        "sma_number": "+12065550199",
        "started_at": calls[TX_A2]["started_at"],
        "ended_at": calls[TX_A2]["ended_at"],
        "recording_state": "stopped",
        "duration_seconds": 120.0,
        "live": False,
        "has_recording": True,
        "has_transcript": False,
        "has_report": False,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("direction=inbound", [TX_A2]),
        ("party=%2B44%207700", [TX_A2]),
        ("state=stopped", [TX_A2, TX_A1]),
        ("state=paused", []),
    ],
)
def test_filters_narrow_the_list(
    http: Any, console: Console, calls: Any, query: str, expected: list[str]
) -> None:
    assert ids(http.get(f"/calls?{query}", headers=console.headers("olive"))) == expected


def test_a_date_range_keeps_calls_started_within_it(
    http: Any, console: Console, calls: Any
) -> None:
    since = calls[TX_A1]["started_at"]
    until = ago(hours=2)
    response = http.get(f"/calls?from={since}&to={until}", headers=console.headers("olive"))
    assert ids(response) == [TX_A1]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=ten",
        "direction=sideways",
        "state=muted",
        "party=abc",
        "from=yesterday",
        "from=2026-12-02&to=2026-12-01",
        "next=%%%",
        "next=eyJ4IjoxfQ",
        "sort=oldest",
    ],
)
def test_malformed_parameters_are_400(http: Any, console: Console, calls: Any, query: str) -> None:
    response = http.get(f"/calls?{query}", headers=console.headers("olive"))
    assert response.status_code == 400
    assert body(response)["error"] == "bad_request"


def test_pages_follow_next_without_repeats_or_gaps(http: Any, console: Console, calls: Any) -> None:
    seen: list[str] = []
    query = "/calls?limit=1"
    for _ in range(5):
        page = body(http.get(query, headers=console.headers("ada")))
        seen += [call["transaction_id"] for call in page["calls"]]
        if page["next"] is None:
            break
        query = f"/calls?limit=1&next={page['next']}"
    assert seen == [TX_A2, TX_B1, TX_A1]


def test_an_owners_listing_queries_the_owner_index_only(
    http: Any, console: Console, calls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    original = CallRecords.list_for_owner

    def spy(self: CallRecords, owner_id: str, **kwargs: Any) -> Any:
        asked.append(owner_id)
        return original(self, owner_id, **kwargs)

    monkeypatch.setattr(CallRecords, "list_for_owner", spy)
    http.get("/calls", headers=console.headers("olive"))
    assert asked == ["owner-a"]


def test_a_page_cut_short_by_the_budget_still_offers_next(
    http: Any, console: Console, calls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "EXAMINE_BUDGET", 1)
    page = body(http.get("/calls?direction=outbound", headers=console.headers("olive")))
    assert page["calls"] == []
    assert page["next"] is not None
    rest = body(
        http.get(f"/calls?direction=outbound&next={page['next']}", headers=console.headers("olive"))
    )
    assert [c["transaction_id"] for c in rest["calls"]] == [TX_A1]


def test_live_calls_are_those_not_ended_and_recent(http: Any, console: Console, calls: Any) -> None:
    live = "11111111-0000-4000-8000-00000000000a"
    add_call("owner-a", live, started_at=ago(minutes=5), ended=False)
    add_call(
        "owner-a", "22222222-0000-4000-8000-00000000000b", started_at=ago(hours=7), ended=False
    )
    response = http.get("/calls/live", headers=console.headers("olive"))
    assert ids(response) == [live]
    assert body(response)["calls"][0]["live"] is True


def test_call_detail_has_timeline_notes_and_links(http: Any, console: Console, calls: Any) -> None:
    store_recording(console, TX_A1, calls[TX_A1])
    CallRecords().note(TX_A1, "consent played")
    response = http.get(f"/calls/{TX_A1}", headers=console.headers("olive"))
    assert response.status_code == 200
    detail = body(response)
    assert detail["call"]["timeline"] == [
        {"at": calls[TX_A1]["started_at"], "state": "recording", "by": "auto", "result": None}
    ]
    assert [note["text"] for note in detail["call"]["notes"]] == ["consent played"]
    assert detail["links"] == {"recording": f"/calls/{TX_A1}/recording"}


def test_another_owners_call_is_404_like_a_missing_one(
    http: Any, console: Console, calls: Any
) -> None:
    other = http.get(f"/calls/{TX_B1}", headers=console.headers("olive"))
    missing = http.get(
        "/calls/ffffffff-0000-4000-8000-000000000000", headers=console.headers("olive")
    )
    assert other.status_code == missing.status_code == 404
    assert body(other)["error"] == "not_found"
    assert body(other)["message"].replace(TX_B1, "ID") == body(missing)["message"].replace(
        "ffffffff-0000-4000-8000-000000000000", "ID"
    )


def test_an_admin_sees_any_call(http: Any, console: Console, calls: Any) -> None:
    assert http.get(f"/calls/{TX_B1}", headers=console.headers("ada")).status_code == 200


def test_a_malformed_call_id_is_400(http: Any, console: Console, calls: Any) -> None:
    response = http.get("/calls/not%20an%20id", headers=console.headers("olive"))
    assert response.status_code == 400


def test_views_are_written_to_the_trail_with_who_and_from_where(
    http: Any, console: Console, calls: Any
) -> None:
    http.get(f"/calls/{TX_A1}", headers=console.headers("olive"))
    http.get(f"/calls/{TX_B1}", headers=console.headers("olive"))
    entries = sorted(trail_entries(console), key=lambda e: e["at_id"])
    assert [(e["actor"], e["action"], e["transaction_id"], e["outcome"]) for e in entries] == [
        ("olive", "view", TX_A1, "ok"),
        ("olive", "view", TX_B1, "not_found"),
    ]
    assert entries[0]["user_agent"] == "pytest-console/1.0"
    assert entries[0]["at"]


def test_answers_carry_the_console_origin_only(http: Any, console: Console, calls: Any) -> None:
    response = http.get("/calls", headers=console.headers("olive"))
    assert response.headers["Access-Control-Allow-Origin"] == "https://console.example.org"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_preflight_needs_no_token_and_allows_the_two_headers(http: Any, console: Console) -> None:
    response = http.request("OPTIONS", f"/calls/{TX_A1}/recording")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response.headers["Access-Control-Allow-Origin"] == "https://console.example.org"
