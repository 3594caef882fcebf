"""``GET /audit``: the access trail, newest first, for admins only."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import Console, add_call, body

TX = "0a0a0a0a-0000-4000-8000-000000000001"


def test_an_owner_may_not_read_the_trail(http: Any, console: Console) -> None:
    response = http.get("/audit", headers=console.headers("olive"))
    assert response.status_code == 403
    assert body(response)["error"] == "forbidden"


def test_the_trail_without_a_token_is_401(http: Any, console: Console) -> None:
    assert http.get("/audit").status_code == 401


def test_an_admin_reads_who_did_what_newest_first(http: Any, console: Console) -> None:
    add_call("owner-a", TX)
    http.get(f"/calls/{TX}", headers=console.headers("olive"))
    http.delete(f"/calls/{TX}", headers=console.headers("otto"))
    entries = body(http.get("/audit", headers=console.headers("ada")))["entries"]
    assert [(e["actor"], e["action"], e["outcome"]) for e in entries] == [
        ("otto", "delete", "not_found"),
        ("olive", "view", "ok"),
    ]
    assert set(entries[0]) == {
        "at",
        "actor",
        "action",
        "transaction_id",
        "source_ip",
        "user_agent",
        "outcome",
    }


def test_the_trail_pages_with_next(http: Any, console: Console) -> None:
    for _ in range(3):
        http.get("/calls", headers=console.headers("olive"))
    first = body(http.get("/audit?limit=2", headers=console.headers("ada")))
    rest = body(http.get(f"/audit?limit=2&next={first['next']}", headers=console.headers("ada")))
    assert len(first["entries"]) == 2
    assert [e["action"] for e in rest["entries"]] == ["list"]


def test_a_malformed_trail_page_is_400(http: Any, console: Console) -> None:
    assert http.get("/audit?limit=0", headers=console.headers("ada")).status_code == 400
    assert http.get("/audit?next=%%", headers=console.headers("ada")).status_code == 400
