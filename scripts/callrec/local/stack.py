"""Lifecycle of the local stack: a registry of services, their endpoints, and clean shutdown.

Each service (moto, the Transcribe emulator, later the media pipelines emulator) starts on a free
port on 127.0.0.1 and reports which AWS services it answers for. The stack exports one
``AWS_ENDPOINT_URL_<SERVICE>`` variable per AWS service plus fake credentials, so boto3 in the
in-process app code reaches the local services without any local-only branch. On exit (normal,
exception, Ctrl-C or SIGTERM) every service is stopped in reverse order and the environment
restored.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Mapping, Sequence
from types import FrameType, TracebackType
from typing import Any, Protocol

from callrec import environment
from chalicelib import aws

REGION = "us-east-1"
# The account of the simulated SIP media application (its invocation events carry it); moto is
# told to use it too (MOTO_ACCOUNT_ID), so ARNs, bucket policies and events all agree.
ACCOUNT_ID = "111122223333"

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "MOTO_ACCOUNT_ID": ACCOUNT_ID,
}


class LocalService(Protocol):
    """A local stand-in for one or more AWS services."""

    name: str

    def start(self) -> Mapping[str, str]:
        """Start listening; return {boto3 service name: endpoint URL} for what it answers."""
        ...

    def stop(self) -> None:
        """Stop listening and release every resource; safe to call twice."""
        ...


@functools.cache
def endpoint_variable(service: str) -> str:
    """The botocore variable naming the endpoint of boto3 service ``service``.

    botocore derives it from the service *id*, not the client name: ``events`` is
    ``AWS_ENDPOINT_URL_EVENTBRIDGE``.
    """
    import botocore.session

    service_id = botocore.session.get_session().get_service_model(service).service_id
    return "AWS_ENDPOINT_URL_" + str(service_id).upper().replace("-", "_").replace(" ", "_")


class LocalStack:
    """Context manager that runs ``services`` and wires the environment to them."""

    def __init__(self, services: Sequence[LocalService]) -> None:
        self.services = list(services)
        self.endpoints: dict[str, str] = {}
        self._started: list[LocalService] = []
        self._saved_env: dict[str, str | None] = {}
        self._saved_signals: dict[int, Any] = {}

    def __enter__(self) -> LocalStack:
        self._install_signal_handlers()
        try:
            for service in self.services:
                endpoints = service.start()
                self._started.append(service)
                self.endpoints.update(endpoints)
            self._export_environment()
            for service in self._started:
                attach = getattr(service, "attach", None)
                if attach is not None:  # services that call AWS bind to the stack's endpoints
                    attach(self)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def service(self, name: str) -> LocalService:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(f"no local service named {name!r}")

    def client(self, service: str) -> Any:
        """A boto3 client bound to the local endpoint of ``service``."""
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoints[service],
            region_name=REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        )

    def close(self) -> None:
        """Stop every started service (reverse order) and restore environment and signals."""
        errors: list[BaseException] = []
        while self._started:
            service = self._started.pop()
            try:
                service.stop()
            except Exception as error:  # noqa: BLE001  (stop the others; the first error is re-raised)
                errors.append(error)
        self._restore_environment()
        self._restore_signal_handlers()
        aws.reset_clients()
        if errors:
            raise errors[0]

    def _export_environment(self) -> None:
        values = dict(FAKE_CREDENTIALS)
        values.update({endpoint_variable(svc): url for svc, url in self.endpoints.items()})
        for name, value in values.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        self._saved_env.setdefault("AWS_PROFILE", os.environ.get("AWS_PROFILE"))
        os.environ.pop("AWS_PROFILE", None)
        aws.reset_clients()

    def _restore_environment(self) -> None:
        environment.restore(self._saved_env)
        self._saved_env.clear()

    def _install_signal_handlers(self) -> None:
        # SIGTERM becomes KeyboardInterrupt so `with LocalStack(...)` unwinds and stops servers.
        if threading.current_thread() is not threading.main_thread():
            return
        self._saved_signals[signal.SIGTERM] = signal.signal(signal.SIGTERM, _interrupt)
        self._saved_signals[signal.SIGINT] = signal.signal(signal.SIGINT, _interrupt)

    def _restore_signal_handlers(self) -> None:
        for number, handler in self._saved_signals.items():
            signal.signal(number, handler)
        self._saved_signals.clear()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")
