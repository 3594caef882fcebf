"""Authentication and identity: who may call the API at all, and what ``GET /me`` says."""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import app as chalice_app
from chalicelib.console import auth
from tests.console.conftest import Console, add_call, body
from tests.owners.conftest import owner, throttled

TX_A = "a1a1a1a1-0000-4000-8000-000000000001"


def forged_token(console: Console, **claims: Any) -> str:
    """A token with every claim right, signed by a key that is not the pool's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real = jwt.decode(console.tokens["olive"], options={"verify_signature": False})
    return jwt.encode({**real, **claims}, key, algorithm="RS256", headers={"kid": "dummy"})


def test_me_without_a_token_is_401(http: Any) -> None:
    response = http.get("/me")
    assert response.status_code == 401
    assert body(response)["error"] == "unauthenticated"


def test_me_with_a_non_bearer_header_is_401(http: Any, console: Console) -> None:
    response = http.get("/me", headers={"Authorization": f"Basic {console.tokens['olive']}"})
    assert response.status_code == 401


def test_me_names_an_owner_and_their_owner_id(http: Any, console: Console) -> None:
    response = http.get("/me", headers=console.headers("olive"))
    assert response.status_code == 200
    assert body(response) == {
        "username": "olive",
        "owner_id": "owner-a",
        "is_admin": False,
        "display_name": "Owner owner-a",
    }


def test_an_entry_without_a_display_name_shows_the_username(http: Any, console: Console) -> None:
    olive = owner("owner-a", display_name="", sma_number="+12065550201", console_username="olive")
    console.put_directory_item(olive.to_item())
    me = body(http.get("/me", headers=console.headers("olive")))
    assert (me["owner_id"], me["display_name"]) == ("owner-a", "olive")


def test_a_throttled_directory_read_is_503_try_again(http: Any, console: Console) -> None:
    with throttled("query"):
        response = http.get("/me", headers=console.headers("olive"))
    assert response.status_code == 503
    assert body(response) == {
        "error": "unavailable",
        "message": "a service is busy; try again shortly",
    }


def directory_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_user_named_by_two_owners_sees_no_calls_and_one_error_is_logged(
    http: Any, console: Console, caplog: pytest.LogCaptureFixture
) -> None:
    add_call("owner-a", TX_A)
    console.add_owner("owner-c", "olive")  # a second entry naming olive
    caplog.set_level(logging.ERROR)
    me = body(http.get("/me", headers=console.headers("olive")))
    assert me["owner_id"] is None
    [logged] = directory_errors(caplog)
    assert "console user olive sees no calls" in logged
    assert "belongs to more than one owner (at least 2 entries)" in logged
    assert body(http.get("/calls", headers=console.headers("olive")))["calls"] == []


def _without_owner_numbers(item: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name != "owner_numbers"}


def _with_a_fractional_limit(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "daily_call_limit": {"N": "2.5"}}  # a valid DynamoDB number, not an int


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_without_owner_numbers, "give 1 to 5 owner phone numbers"),
        (_with_a_fractional_limit, "is malformed"),
    ],
)
def test_an_entry_the_directory_refuses_makes_no_owner_and_is_logged(
    http: Any,
    console: Console,
    caplog: pytest.LogCaptureFixture,
    damage: Any,
    reason: str,
) -> None:
    add_call("owner-a", TX_A)
    olive = owner("owner-a", sma_number="+12065550201", console_username="olive")
    console.put_directory_item(damage(olive.to_item()))
    caplog.set_level(logging.ERROR)
    assert body(http.get("/me", headers=console.headers("olive")))["owner_id"] is None
    [logged] = directory_errors(caplog)
    assert "console user olive sees no calls" in logged and reason in logged
    assert body(http.get("/calls", headers=console.headers("olive")))["calls"] == []


def test_me_names_an_admin(http: Any, console: Console) -> None:
    me = body(http.get("/me", headers=console.headers("ada")))
    assert me["is_admin"] is True
    assert me["owner_id"] is None


def test_a_forged_signature_is_401(http: Any, console: Console) -> None:
    headers = {"Authorization": f"Bearer {forged_token(console)}"}
    response = http.get("/me", headers=headers)
    assert response.status_code == 401
    assert "Signature verification failed" in body(response)["message"]


def test_an_expired_token_is_401(http: Any, console: Console) -> None:
    # Signed with moto's own key (its JWKS has kid "dummy"): only the expiry is wrong.
    pool_key = _moto_private_key()
    real = jwt.decode(console.tokens["olive"], options={"verify_signature": False})
    now = int(time.time())
    expired = jwt.encode(
        {**real, "iat": now - 7200, "exp": now - 3600},
        pool_key,
        algorithm="RS256",
        headers={"kid": "dummy"},
    )
    response = http.get("/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert body(response)["message"].startswith("the token has expired")


def test_an_id_token_is_refused(http: Any, console: Console) -> None:
    response = http.get("/me", headers={"Authorization": f"Bearer {console.tokens['olive:id']}"})
    assert response.status_code == 401


def test_a_pool_signed_token_whose_use_is_not_access_is_refused(
    http: Any, console: Console
) -> None:
    real = jwt.decode(console.tokens["olive"], options={"verify_signature": False})
    token = jwt.encode(
        {**real, "token_use": "id"},
        _moto_private_key(),
        algorithm="RS256",
        headers={"kid": "dummy"},
    )
    response = http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "not an access token" in body(response)["message"]


def test_a_pool_signed_token_with_its_claims_intact_is_accepted(
    http: Any, console: Console
) -> None:
    # The control for the two tests above: re-signing with moto's key alone changes nothing.
    real = jwt.decode(console.tokens["olive"], options={"verify_signature": False})
    token = jwt.encode(real, _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})
    assert http.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_token_of_another_app_client_is_401(
    http: Any, console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.CLIENT_ENV, "another-client-id")
    response = http.get("/me", headers=console.headers("olive"))
    assert response.status_code == 401
    assert "another app client" in body(response)["message"]


def test_a_token_of_another_pool_is_401(
    http: Any, console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_pool = console.boto("cognito-idp").create_user_pool(PoolName="other")["UserPool"]["Id"]
    monkeypatch.setenv(auth.POOL_ENV, other_pool)
    response = http.get("/me", headers=console.headers("olive"))
    assert response.status_code == 401
    assert "Invalid issuer" in body(response)["message"]


def test_a_user_in_no_group_has_no_owner_id(http: Any, console: Console) -> None:
    me = body(http.get("/me", headers=console.headers("nobody")))
    assert me["owner_id"] is None
    assert me["is_admin"] is False


def test_the_directory_of_one_makes_the_named_user_owner_default(
    http: Any, console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OWNER_DIRECTORY_TABLE")
    monkeypatch.setenv("CONSOLE_OWNER_USERNAME", "olive")
    assert body(http.get("/me", headers=console.headers("olive")))["owner_id"] == "default"
    assert body(http.get("/me", headers=console.headers("otto")))["owner_id"] is None


def test_the_jwks_is_fetched_once_per_container(http: Any, console: Console) -> None:
    http.get("/me", headers=console.headers("olive"))
    [client] = auth._jwk_clients.values()
    fetched = client.fetch_data
    calls = []
    client.fetch_data = lambda: calls.append(1) or fetched()
    http.get("/me", headers=console.headers("otto"))
    assert calls == []


def test_jwks_url_uses_the_endpoint_override_offline_and_the_issuer_on_aws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issuer = auth.issuer_for("eu-west-1_abc")
    assert issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
    assert auth.jwks_url("eu-west-1_abc", issuer) == f"{issuer}/.well-known/jwks.json"
    monkeypatch.setenv(auth.ENDPOINT_ENV, "http://127.0.0.1:5000/")
    assert (
        auth.jwks_url("eu-west-1_abc", issuer)
        == "http://127.0.0.1:5000/eu-west-1_abc/.well-known/jwks.json"
    )


def _moto_private_key() -> Any:
    import gzip
    import json
    from importlib.resources import files

    packed = (files("moto.cognitoidp") / "resources" / "jwks-private.json.gz").read_bytes()
    return jwt.PyJWK(json.loads(gzip.decompress(packed))).key


ROUTES = sorted(
    (path.replace("{transaction_id}", "c1c1c1c1-0000-4000-8000-000000000001"), method)
    for path, methods in chalice_app.app.routes.items()
    for method in methods
    if method != "OPTIONS"
)


def test_the_route_list_is_the_whole_console() -> None:
    assert len(ROUTES) == 12  # a new route joins the check below by itself


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_every_route_without_a_token_is_401(
    http: Any, console: Console, path: str, method: str
) -> None:
    """Authorization is server-side on every request: no route answers before the token check."""
    response = http.request(method, path, headers={"Content-Type": "application/json"}, body=b"{}")
    assert response.status_code == 401
    assert body(response)["error"] == "unauthenticated"
