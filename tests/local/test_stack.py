"""The local stack's lifecycle: endpoints exported and restored, services stopped on any exit."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Mapping

import pytest

from callrec.local.moto_service import MotoService
from callrec.local.stack import ACCOUNT_ID, LocalStack, endpoint_variable
from callrec.simulation.chime import ACCOUNT as SIMULATED_ACCOUNT


class FakeService:
    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.name = name
        self.log = log
        self.fail = fail

    def start(self) -> Mapping[str, str]:
        if self.fail:
            raise RuntimeError(f"{self.name} cannot start")
        self.log.append(f"start {self.name}")
        return {self.name: f"http://127.0.0.1:1/{self.name}"}

    def stop(self) -> None:
        self.log.append(f"stop {self.name}")


def test_endpoint_variable_uses_the_service_id_not_the_client_name() -> None:
    assert endpoint_variable("events") == "AWS_ENDPOINT_URL_EVENTBRIDGE"
    assert endpoint_variable("s3") == "AWS_ENDPOINT_URL_S3"


def test_stack_exports_endpoints_and_restores_the_environment() -> None:
    log: list[str] = []
    with LocalStack([FakeService("sqs", log)]):
        assert os.environ["AWS_ENDPOINT_URL_SQS"] == "http://127.0.0.1:1/sqs"
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert "AWS_ENDPOINT_URL_SQS" not in os.environ


def test_services_stop_in_reverse_order_when_the_body_raises() -> None:
    log: list[str] = []
    with pytest.raises(ValueError), LocalStack([FakeService("s3", log), FakeService("sns", log)]):
        raise ValueError("boom")
    assert log == ["start s3", "start sns", "stop sns", "stop s3"]


def test_started_services_stop_when_a_later_one_fails_to_start() -> None:
    log: list[str] = []
    with (
        pytest.raises(RuntimeError, match="sns cannot start"),
        LocalStack([FakeService("s3", log), FakeService("sns", log, fail=True)]),
    ):
        pass
    assert log == ["start s3", "stop s3"]


def test_sigterm_tears_the_stack_down() -> None:
    log: list[str] = []
    with pytest.raises(KeyboardInterrupt), LocalStack([FakeService("s3", log)]):
        os.kill(os.getpid(), signal.SIGTERM)
    assert log == ["start s3", "stop s3"]


def test_signal_handlers_are_restored_on_exit() -> None:
    before = {n: signal.getsignal(n) for n in (signal.SIGTERM, signal.SIGINT)}
    with LocalStack([FakeService("s3", [])]):
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    assert {n: signal.getsignal(n) for n in before} == before


def test_stack_account_is_the_simulated_sma_account() -> None:
    assert ACCOUNT_ID == SIMULATED_ACCOUNT


def test_moto_listens_on_loopback_only_and_frees_its_port() -> None:
    service = MotoService()
    endpoints = service.start()
    url = endpoints["s3"]
    host, port = url.removeprefix("http://").split(":")
    try:
        assert host == "127.0.0.1"
        with socket.create_connection((host, int(port)), timeout=2):
            pass
    finally:
        service.stop()
    with pytest.raises(OSError), socket.create_connection((host, int(port)), timeout=2):
        pass
