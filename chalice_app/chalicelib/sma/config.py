"""The SMA handler's configuration, read from the environment (see README's table).

:func:`current` parses and validates it once per container and again only when one of the
variables it reads changes (a Lambda's environment is fixed for the life of its container; tests
and the simulator change it between invocations).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import settings
from chalicelib.errors import ConfigurationError
from chalicelib.owners.directory import TABLE_ENV as OWNER_DIRECTORY_TABLE
from chalicelib.sma.numbers import is_e164
from chalicelib.sma.requests import Command

OWNER_PHONE_NUMBER = "OWNER_PHONE_NUMBER"
SMA_PHONE_NUMBER = "SMA_PHONE_NUMBER"
RECORDINGS_BUCKET = "RECORDINGS_BUCKET"
RECORDINGS_PREFIX = "RECORDINGS_PREFIX"
PROMPTS_BUCKET = "PROMPTS_BUCKET"
RECORDING_PAUSE_DIGIT = "RECORDING_PAUSE_DIGIT"
RECORDING_RESUME_DIGIT = "RECORDING_RESUME_DIGIT"
RECORDING_STOP_DIGIT = "RECORDING_STOP_DIGIT"
RECORDING_AUTO_START = "RECORDING_AUTO_START"
DIAL_MAX_ATTEMPTS = "DIAL_MAX_ATTEMPTS"
CALL_TIMEOUT_SECONDS = "CALL_TIMEOUT_SECONDS"
DEFAULT_COUNTRY_CODE = "DEFAULT_COUNTRY_CODE"
ENVIRONMENT = (
    OWNER_PHONE_NUMBER,
    SMA_PHONE_NUMBER,
    RECORDINGS_BUCKET,
    RECORDINGS_PREFIX,
    PROMPTS_BUCKET,
    RECORDING_PAUSE_DIGIT,
    RECORDING_RESUME_DIGIT,
    RECORDING_STOP_DIGIT,
    RECORDING_AUTO_START,
    DIAL_MAX_ATTEMPTS,
    CALL_TIMEOUT_SECONDS,
    DEFAULT_COUNTRY_CODE,
    # set, the owners come from the directory and OWNER_PHONE_NUMBER is optional
    OWNER_DIRECTORY_TABLE,
)

_DTMF = set("0123456789*#")


@dataclass(frozen=True)
class SmaConfig:
    """The SMA handler's configuration, validated (see the module doc)."""

    owner_number: str
    sma_number_override: str
    recordings_bucket: str
    recordings_prefix: str
    prompts_bucket: str
    pause_digit: str
    resume_digit: str
    stop_digit: str
    auto_start: bool
    dial_max_attempts: int
    call_timeout_seconds: int
    default_country_code: str

    @property
    def recording_location(self) -> str:
        """``Destination.Location`` of StartCallRecording: bucket plus optional key prefix."""
        return (
            f"{self.recordings_bucket}/{self.recordings_prefix}"
            if self.recordings_prefix
            else (self.recordings_bucket)
        )

    @property
    def digit_commands(self) -> dict[str, Command]:
        """The keypad digit of each recording command the owner can give: the one map the flow
        reads digits with and :attr:`control_digits` is derived from."""
        return {
            self.pause_digit: Command.PAUSE,
            self.resume_digit: Command.RESUME,
            self.stop_digit: Command.STOP,
        }

    @property
    def control_digits(self) -> str:
        """The digits ReceiveDigits listens for: exactly the keys of :attr:`digit_commands`."""
        return "".join(self.digit_commands)

    @classmethod
    def from_env(cls) -> SmaConfig:
        # With an owner directory the owners come from it; without, OWNER_PHONE_NUMBER is the one.
        owner = settings.optional(OWNER_PHONE_NUMBER)
        if owner or not settings.optional(OWNER_DIRECTORY_TABLE):
            owner = _phone(OWNER_PHONE_NUMBER, settings.require(OWNER_PHONE_NUMBER))
        override = settings.optional(SMA_PHONE_NUMBER)
        if override:
            _phone(SMA_PHONE_NUMBER, override)
        bucket = settings.require(RECORDINGS_BUCKET)
        if "/" in bucket:
            raise ConfigurationError(
                f"{RECORDINGS_BUCKET}={bucket!r} contains '/'",
                hint=f"give the bucket name only and the key prefix in {RECORDINGS_PREFIX}",
            )
        prefix = settings.optional(RECORDINGS_PREFIX, "recordings")
        if prefix.startswith("/") or prefix.endswith("/") or "//" in prefix:
            raise ConfigurationError(
                f"{RECORDINGS_PREFIX}={prefix!r} has a leading, trailing or doubled '/'",
                hint="use a key prefix such as 'recordings' or 'calls/2024'",
            )
        digits = tuple(
            _digit(name, default)
            for name, default in (
                (RECORDING_PAUSE_DIGIT, "5"),
                (RECORDING_RESUME_DIGIT, "6"),
                (RECORDING_STOP_DIGIT, "7"),
            )
        )
        if len(set(digits)) != len(digits):
            raise ConfigurationError(
                f"the pause/resume/stop digits {digits} are not distinct",
                hint="give each recording control its own keypad digit",
            )
        country = settings.optional(DEFAULT_COUNTRY_CODE, "1")
        if not country.isdigit() or not 1 <= len(country) <= 3 or country.startswith("0"):
            raise ConfigurationError(
                f"{DEFAULT_COUNTRY_CODE}={country!r} is not a country calling code",
                hint="use 1 to 3 digits without '+', e.g. 1 or 44",
            )
        return cls(
            owner_number=owner,
            sma_number_override=override,
            recordings_bucket=bucket,
            recordings_prefix=prefix,
            prompts_bucket=settings.require(PROMPTS_BUCKET),
            pause_digit=digits[0],
            resume_digit=digits[1],
            stop_digit=digits[2],
            auto_start=settings.flag(RECORDING_AUTO_START, True),
            dial_max_attempts=settings.integer(DIAL_MAX_ATTEMPTS, 3, minimum=1, maximum=9),
            call_timeout_seconds=settings.integer(CALL_TIMEOUT_SECONDS, 30, minimum=1, maximum=120),
            default_country_code=country,
        )


def _phone(name: str, value: str) -> str:
    if not is_e164(value):
        raise ConfigurationError(
            f"{name}={value!r} is not an E.164 phone number", hint="use the form +15555550100"
        )
    return value


def _digit(name: str, default: str) -> str:
    value = settings.optional(name, default)
    if len(value) != 1 or value not in _DTMF:
        raise ConfigurationError(
            f"{name}={value!r} is not one keypad digit", hint="use 0-9, * or #"
        )
    return value


# The configuration parsed last, with the environment it came from (one entry at most).
_PARSED: list[tuple[settings.EnvironmentKey, SmaConfig]] = []


def current() -> SmaConfig:
    """The configuration for this invocation: the cached one while ENVIRONMENT is unchanged.
    An invalid environment is not cached: it raises on every invocation until fixed."""
    if _PARSED and _PARSED[0][0].unchanged():
        return _PARSED[0][1]
    key = settings.EnvironmentKey.of(ENVIRONMENT)
    config = SmaConfig.from_env()
    _PARSED[:] = [(key, config)]
    return config
