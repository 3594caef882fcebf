"""The SIP media application (SMA) call flow: on-demand call recording for the owner's phone.

Modules, one concern each:

- ``events``: typed read-only views over the invocation events Chime sends.
- ``actions``: builders of the documented actions, parameters checked against the documented ranges.
- ``state``: the call's state, carried in ``TransactionAttributes`` (never in Lambda memory).
- ``recovery``: rebuilding that state from the event when a mid-call event carries none.
- ``config``: the environment the flow reads, at call time.
- ``numbers``: turning the digits the owner typed into an E.164 number.
- ``prompts``: the prompt files and their keys in the prompts bucket.
- ``context``: what every transition gets (``Context``) and returns (``TransitionResult``).
- ``requests``: recording requests in flight or queued, carried in ``TransactionAttributes``.
- ``recording``: recording commands, settled by Chime's results, never lost (docs/call-flow.md).
- ``flow``: the explicit transition table (phase, event type, action type) -> pure handler.
- ``records``: writing the call record, never letting a storage error drop the call.
- ``handler``: the Lambda entry point; it never raises to Chime.
"""
