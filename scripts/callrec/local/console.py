"""``callrec console``: the call console offline, with the same app code as on AWS.

:class:`ConsoleStack` starts the local stack (moto with its Cognito IdP, the Transcribe and
chime-sdk-voice emulators), creates the resources the Terraform creates for the console (user
pool, app client, groups, owner directory, access trail table), an admin and two owners, runs
completed demo calls for each owner through the whole pipeline (the demo's machinery), keeps one
more call live in real time so its recording can be controlled from the page, and serves the web
app and the Chalice app's routes on one 127.0.0.1 origin (``console_server``).
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from callrec import environment as process_environment
from callrec.local import console_users as users
from callrec.local import definitions as defs
from callrec.local.chime_voice import ChimeVoiceService
from callrec.local.console_server import ConsoleServer, ConsoleSite
from callrec.local.console_tables import create_trail, link_console_users
from callrec.local.delivery import EventDelivery
from callrec.local.demo import (
    DEFAULT_SCENARIO,
    DemoOptions,
    DemoResult,
    _chalice_app,
    _environment,
    _load_scenario,
    _Pipeline,
)
from callrec.local.live_call import LiveCall
from callrec.local.moto_service import MotoService
from callrec.local.resources import app_environment, owner_environment, provision
from callrec.local.sma_runtime import LocalChime, phrases
from callrec.local.stack import ACCOUNT_ID, REGION, LocalStack
from callrec.local.transcribe.server import TranscribeService

Progress = Callable[[str], None]
SMA_NAME = "console"
SMA_ID = f"sma-{SMA_NAME}"  # the SIP media application id every call's events carry
ADMIN_USERNAME = "admin"
LIVE_READY_TIMEOUT_S = 60.0


@dataclass
class ConsoleOptions:
    port: int = 0
    scenario: Path = DEFAULT_SCENARIO
    out_dir: Path = Path("out/console")
    calls_per_owner: tuple[int, ...] = (1, 1)
    live_hold_s: float = 30 * 60.0


@dataclass
class ConsoleStack:
    """Context manager: everything up on enter, everything down (in reverse) on exit."""

    options: ConsoleOptions = field(default_factory=ConsoleOptions)
    progress: Progress = print
    url: str = ""
    pool: users.UserPool | None = None
    calls: dict[str, list[str]] = field(default_factory=dict)
    live: LiveCall | None = None
    stack: LocalStack | None = None
    table_name: str = ""
    bucket: str = ""
    _exit: ExitStack = field(default_factory=ExitStack)

    def __enter__(self) -> ConsoleStack:
        try:
            self._start()
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._exit.close()

    def _start(self) -> None:
        scenario = dataclasses.replace(_load_scenario(self.options.scenario), name=SMA_NAME)
        definitions = defs.load(ACCOUNT_ID, REGION, SMA_ID)
        transcribe = TranscribeService(
            phrases=phrases(scenario, list(defs.prompt_texts().values()))
        )
        voice = ChimeVoiceService()
        # Chalice marks the process as a Lambda runtime (AWS_EXECUTION_ENV) when the app runs.
        self._exit.enter_context(process_environment.preserved(("AWS_EXECUTION_ENV",)))
        stack = self._exit.enter_context(LocalStack([MotoService(), transcribe, voice]))
        self.stack = stack
        provisioned = provision(definitions, stack.client)
        self.table_name, self.bucket = provisioned.table_name, definitions.recordings_bucket
        # Versioned as on AWS, so deletion has every version of a recording to remove.
        stack.client("s3").put_bucket_versioning(
            Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"}
        )
        owners = scenario.owners  # the demo scenario's owner directory (owners:)
        people = [(ADMIN_USERNAME, users.ADMINS_GROUP, None)] + [
            (owner.owner_id, users.OWNERS_GROUP, owner.owner_id) for owner in owners
        ]
        self.pool = users.create_pool(stack.client("cognito-idp"), people)
        environment = {
            **app_environment(definitions, provisioned),
            **owner_environment(),
            **create_trail(stack.client("dynamodb")),
            "SIP_MEDIA_APPLICATION_ID": SMA_ID,
            "CONSOLE_USER_POOL_ID": self.pool.pool_id,
            "CONSOLE_APP_CLIENT_ID": self.pool.client_id,
            # Where the API fetches the pool's JWKS (docs/console-api.md names this variable;
            # boto3's own for the service is AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER).
            "AWS_ENDPOINT_URL_COGNITO_IDP": stack.endpoints["cognito-idp"],
        }
        self._exit.enter_context(_environment(environment))
        app = _chalice_app()
        delivery = EventDelivery.wired(stack.client, app, provisioned.dead_letter_url)
        self._serve(app, stack)
        self.progress(f"[console] local stack up (moto {stack.endpoints['s3']})")
        run = _CallRunner(self.options, stack, delivery, provisioned, definitions, self.progress)
        for owner, count in zip(owners, self.options.calls_per_owner, strict=False):
            for _ in range(count):
                transaction_id = run.completed(_as_owner(scenario, owner), transcribe)
                self.calls.setdefault(owner.owner_id, []).append(transaction_id)
        # Each demo call wrote the scenario's directory afresh: link the console users after.
        if not self.calls:
            from callrec.simulation import directory as scenario_directory

            scenario_directory.provision(scenario, now=time.time())
        link_console_users(environment["OWNER_DIRECTORY_TABLE"], [o.owner_id for o in owners])
        self.live = run.live(_live(scenario), voice, self.options.live_hold_s)
        self._exit.callback(self._end_live)
        self.calls.setdefault(owners[0].owner_id, []).append(self.live.transaction_id)

    def _serve(self, app: Any, stack: LocalStack) -> None:
        """Serve the console before the demo calls, so their notifications can link to it."""
        assert self.pool is not None
        server = ConsoleServer(
            ConsoleSite(
                app=app,
                region=REGION,
                user_pool_id=self.pool.pool_id,
                client_id=self.pool.client_id,
                cognito_url=stack.endpoints["cognito-idp"],
                media_origin=stack.endpoints["s3"],
            ),
            self.options.port,
        )
        # The API allows the console's origin only (CORS): here the server itself; and the
        # report notifications of the demo calls link to the call in this console.
        # Restored on exit like the rest of the environment (nothing leaks past the stack).
        self._exit.enter_context(
            _environment({"CONSOLE_ORIGIN": server.url, "CONSOLE_URL": server.url})
        )
        self.url = server.start()
        self._exit.callback(server.stop)

    def _end_live(self) -> None:
        if self.live is not None:
            self.live.hang_up()
            self.live.ended.wait(10)


def _as_owner(scenario: Any, owner: Any) -> Any:
    """The demo scenario placed by ``owner``: their phone dials their SIP media application and
    keys their PIN. The scenario's expectations are its first owner's, so another owner's call
    is checked by the pipeline's stages only."""
    from callrec.simulation.scenario import Expectations

    first = scenario.owners[0]
    if owner == first:
        return scenario
    timeline = tuple(
        dataclasses.replace(entry, digits=f"{owner.pin}#")
        if first.pin and entry.digits == f"{first.pin}#"
        else entry
        for entry in scenario.timeline
    )
    return dataclasses.replace(
        scenario,
        owner=owner.numbers[0],
        caller=owner.numbers[0],
        sma_number=owner.sma_number,
        timeline=timeline,
        expect=Expectations(),
    )


def _live(scenario: Any) -> Any:
    """The demo scenario without its hangup and speech: the call stays up (see LiveCall)."""
    from callrec.simulation.scenario import EntryKind

    return dataclasses.replace(
        scenario,
        timeline=tuple(e for e in scenario.timeline if e.kind is not EntryKind.HANGUP),
        utterances=(),
    )


@dataclass
class _CallRunner:
    options: ConsoleOptions
    stack: LocalStack
    delivery: EventDelivery
    provisioned: Any
    definitions: defs.Definitions
    progress: Progress

    def completed(self, scenario: Any, transcribe: TranscribeService) -> str:
        """One call through the whole pipeline (call, recording, transcript, report)."""
        result = DemoResult()
        options = DemoOptions(scenario=self.options.scenario, out_dir=self.options.out_dir)
        pipeline = _Pipeline(
            options,
            scenario,
            self.definitions,
            self.stack,
            self.delivery,
            self.provisioned,
            result,
            _quiet,
        )
        pipeline.run(transcribe)
        self.progress(
            f"[console] call {result.transaction_id} by {scenario.owner}: recorded, "
            "transcribed and reported"
        )
        return result.transaction_id

    def live(self, scenario: Any, voice: ChimeVoiceService, hold_s: float) -> LiveCall:
        """A call that stays up on its own thread, reachable by UpdateSipMediaApplicationCall."""
        call = LiveCall(
            scenario,
            self.delivery.invoke_sma_handler,
            LocalChime(s3=self.stack.client("s3"), definitions=self.definitions),
            transaction_id=str(uuid.uuid4()),
            start_ms=int(time.time() * 1000),
            hold_s=hold_s,
        )
        voice.register(call)
        threading.Thread(target=call.run, name="live-call", daemon=True).start()
        if not call.bridged.wait(LIVE_READY_TIMEOUT_S):
            raise RuntimeError("the live call did not reach the bridge in time")
        self.progress(f"[console] live call {call.transaction_id} by {scenario.owner}: recording")
        return call


def _quiet(line: str) -> None:
    return
