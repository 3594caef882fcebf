"""Who is calling: the one place the console API verifies a Cognito token.

The browser sends the **access token** (``Authorization: Bearer <JWT>``). Cognito access tokens
carry ``cognito:groups``, ``username``, ``client_id`` and ``token_use: access``; moto's Cognito
IdP issues the same claims, so this module runs unchanged on AWS and offline. The ID token is
refused: it is meant for the client to read the user's attributes, not to call APIs ("Using
tokens with user pools", Amazon Cognito Developer Guide).

Checks, per "Verifying a JSON web token" (Amazon Cognito Developer Guide):

* the signature (RS256) against the pool's JWKS, ``<issuer>/.well-known/jwks.json``, fetched
  once per container and again only for a ``kid`` not seen yet (Cognito rotates keys by adding
  one); offline the standard ``AWS_ENDPOINT_URL_COGNITO_IDP`` override names the host instead
  (moto serves ``/<pool id>/.well-known/jwks.json``);
* ``iss`` is ``https://cognito-idp.<region>.amazonaws.com/<pool id>`` (moto writes the same);
* ``exp`` has not passed; ``token_use`` is ``access``; ``client_id`` is the console's app client.

An access token Cognito has revoked (sign-out, RevokeToken) still passes these checks until it
expires: Cognito revokes it only for its own APIs. Hence the app client's short access token
validity (infra/modules/console).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from chalicelib import settings
from chalicelib.console.errors import UnauthenticatedError
from chalicelib.errors import ConfigurationError, TransientAwsError

POOL_ENV = "CONSOLE_USER_POOL_ID"
CLIENT_ENV = "CONSOLE_APP_CLIENT_ID"
ENDPOINT_ENV = "AWS_ENDPOINT_URL_COGNITO_IDP"
ALGORITHMS = ["RS256"]  # the only algorithm Cognito signs user pool tokens with
REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "token_use", "client_id", "username"]
SIGN_IN_AGAIN = "sign in to the console again"

_jwk_clients: dict[str, Any] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Principal:
    """The verified caller: Cognito user name, subject and groups."""

    username: str
    subject: str
    groups: frozenset[str]


def authenticate(authorization: str | None) -> Principal:
    """The caller of ``authorization`` (the raw header), or UnauthenticatedError."""
    claims = verify(bearer_token(authorization))
    groups = claims.get("cognito:groups") or []
    if not isinstance(groups, list):
        raise UnauthenticatedError(
            "the token's cognito:groups claim is not a list", hint=SIGN_IN_AGAIN
        )
    return Principal(
        username=str(claims["username"]),
        subject=str(claims["sub"]),
        groups=frozenset(str(group) for group in groups),
    )


def bearer_token(authorization: str | None) -> str:
    """The JWT of an ``Authorization: Bearer <JWT>`` header."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError(
            "no bearer token in the Authorization header",
            hint="send Authorization: Bearer <Cognito access token>",
        )
    return token.strip()


def verify(token: str) -> dict[str, Any]:
    """The claims of ``token`` once signature, issuer, expiry, token use and client id hold."""
    import jwt

    pool_id = settings.require(POOL_ENV)
    issuer = issuer_for(pool_id)
    try:
        key = _signing_key(pool_id, issuer, token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise UnauthenticatedError("the token has expired", hint=SIGN_IN_AGAIN) from error
    except jwt.PyJWTError as error:
        raise UnauthenticatedError(
            f"the token is not valid: {error}", hint=SIGN_IN_AGAIN
        ) from error
    if claims["token_use"] != "access":
        raise UnauthenticatedError(
            f"the token is an {claims['token_use']} token, not an access token",
            hint="send the access token from InitiateAuth",
        )
    if claims["client_id"] != settings.require(CLIENT_ENV):
        raise UnauthenticatedError("the token was issued to another app client", hint=SIGN_IN_AGAIN)
    return claims


def issuer_for(pool_id: str) -> str:
    """``https://cognito-idp.<region>.amazonaws.com/<pool id>``; the region prefixes the id."""
    region, separator, _ = pool_id.partition("_")
    if not separator or not region:
        raise ConfigurationError(
            f"{POOL_ENV}={pool_id!r} is not a user pool id",
            hint="use the id of the console's user pool, <region>_<id>",
        )
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def jwks_url(pool_id: str, issuer: str) -> str:
    """Where the pool publishes its signing keys (the endpoint override's host offline)."""
    endpoint = settings.optional(ENDPOINT_ENV) or settings.optional("AWS_ENDPOINT_URL")
    base = f"{endpoint.rstrip('/')}/{pool_id}" if endpoint else issuer
    return f"{base}/.well-known/jwks.json"


def reset_keys() -> None:
    """Forget every cached key set (tests, and the local stack when its endpoints change)."""
    with _lock:
        _jwk_clients.clear()


def _signing_key(pool_id: str, issuer: str, token: str) -> Any:
    import jwt

    url = jwks_url(pool_id, issuer)
    with _lock:
        client = _jwk_clients.get(url)
        if client is None:
            # Keys are cached for the container's life; an unknown kid refetches the set once.
            client = jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=86400, timeout=5)
            _jwk_clients[url] = client
    try:
        return client.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientConnectionError as error:
        raise TransientAwsError(
            f"the user pool's signing keys could not be fetched from {url}",
            hint="retry shortly; check the API's network access to Cognito",
        ) from error
