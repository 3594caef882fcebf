"""What the simulator and the demo print of secrets: PIN digits as asterisks, the call owner
attribute without its PIN hash (the PIN is never echoed, even in a simulated call)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.errors import InvalidEventError
from chalicelib.owners.call_owner import ATTRIBUTE as OWNER_ATTRIBUTE
from chalicelib.owners.call_owner import CallOwner
from chalicelib.sma.prompts import Prompt


def shown_digits(action_data: Mapping[str, Any]) -> str:
    """The digits of an event for display: a PIN (answer to the PIN prompt) as asterisks."""
    digits = str(action_data.get("ReceivedDigits", ""))
    key = ((action_data.get("Parameters") or {}).get("AudioSource") or {}).get("Key", "")
    return "*" * len(digits) if str(key).endswith(Prompt.ENTER_PIN.value) else digits


def shown_attribute(key: str, value: str) -> str:
    """A TransactionAttributes value for display: the call owner without its PIN hash."""
    if key != OWNER_ATTRIBUTE:
        return value
    try:
        owner = CallOwner.decode(value)
    except InvalidEventError:
        return "(unreadable)"
    if owner is None:
        return ""
    return f"{owner.owner_id}({'verified' if owner.verified else 'unverified'})"
