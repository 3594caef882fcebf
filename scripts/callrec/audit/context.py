"""Settings that shape an audit run (the allow-list, the owning account)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    owner_account: str | None = None
    allow_accounts: frozenset[str] = frozenset()

    def account_allowed(self, account: str) -> bool:
        return account == self.owner_account or account in self.allow_accounts
