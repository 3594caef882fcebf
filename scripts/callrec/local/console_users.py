"""The console's people in moto's Cognito IdP: a user pool like the Terraform one, an app client
without a secret (a browser cannot keep one) that allows USER_PASSWORD_AUTH and refresh, the
groups ``admins`` and ``owners``, and admin-created users with permanent passwords.

The passwords are generated per run (``secrets``) and printed by ``callrec console``; they exist
only in this process's moto and die with it.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ADMINS_GROUP = "admins"
OWNERS_GROUP = "owners"
POOL_NAME = "callrec-console-local"
CLIENT_NAME = "callrec-console-web"


@dataclass(frozen=True)
class ConsoleUser:
    username: str
    password: str
    group: str
    owner_id: str | None = None


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    client_id: str
    users: tuple[ConsoleUser, ...]

    def user(self, username: str) -> ConsoleUser:
        return next(u for u in self.users if u.username == username)


def new_password() -> str:
    """A password the pool's policy accepts: upper, lower, digit and symbol, 20 characters."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(16))
    return f"{core}Aa1!"


def create_pool(cognito: Any, people: Sequence[tuple[str, str, str | None]]) -> UserPool:
    """``people``: (username, group, owner id or None). Returns the pool with their passwords."""
    pool_id = cognito.create_user_pool(
        PoolName=POOL_NAME,
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        MfaConfiguration="OPTIONAL",
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in (ADMINS_GROUP, OWNERS_GROUP):
        cognito.create_group(GroupName=group, UserPoolId=pool_id)
    users = tuple(_create_user(cognito, pool_id, *person) for person in people)
    return UserPool(pool_id, client_id, users)


def _create_user(
    cognito: Any, pool_id: str, username: str, group: str, owner_id: str | None
) -> ConsoleUser:
    password = new_password()
    cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    return ConsoleUser(username, password, group, owner_id)
