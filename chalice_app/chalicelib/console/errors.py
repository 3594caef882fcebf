"""The console API's errors: each is an HTTP status and the contract's JSON error code.

They derive from the app's one hierarchy (:class:`chalicelib.errors.CallRecError`); the route
wiring turns any of them into ``{"error": code, "message": one line}`` with its status.
"""

from __future__ import annotations

from chalicelib.errors import CallRecError


class ApiError(CallRecError):
    """An answer other than success; ``status`` is the HTTP status, ``code`` the JSON code."""

    status = 500
    code = "internal"

    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": str(self)}


class UnauthenticatedError(ApiError):
    """No token, or one that is expired, forged, or for another pool or client."""

    status = 401
    code = "unauthenticated"


class ForbiddenError(ApiError):
    """An admin-only route asked for by someone who is not an admin."""

    status = 403
    code = "forbidden"


class NotFoundError(ApiError):
    """No such call, or one the caller may not see (never a 403: that would confirm it exists)."""

    status = 404
    code = "not_found"


class BadRequestError(ApiError):
    """A parameter or body that does not have the documented form."""

    status = 400
    code = "bad_request"


class ConflictError(ApiError):
    """The call is not in a state that allows the request (not live, refused, locked)."""

    status = 409
    code = "conflict"
