"""moto in server mode on a free loopback port: S3, DynamoDB, SNS, SQS, EventBridge, Kinesis,
KMS, STS and Cognito IdP."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from callrec.local.ports import LOOPBACK, endpoint_url, free_port

MOTO_SERVICES: tuple[str, ...] = (
    "s3",
    "dynamodb",
    "sns",
    "sqs",
    "events",
    "kinesis",
    "kms",
    "sts",
    "cognito-idp",  # the console's user pool: real JWTs signed with the pool's keys (JWKS)
)
START_ATTEMPTS = 5
READY_TIMEOUT_S = 10.0


class MotoService:
    """One ThreadedMotoServer; its state is reset on start so every run begins empty."""

    name = "moto"

    def __init__(self) -> None:
        self._server: Any = None
        self.url = ""

    def start(self) -> Mapping[str, str]:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on the console

        last_error: Exception | None = None
        for _ in range(START_ATTEMPTS):  # a free port can be taken between probe and bind
            port = free_port()
            server = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)
            try:
                server.start()
            except OSError as error:
                last_error = error
                continue
            self._server = server
            self.url = endpoint_url(port)
            self._wait_ready()
            self._reset()
            return {service: self.url for service in MOTO_SERVICES}
        raise RuntimeError(f"moto could not bind a port on {LOOPBACK}: {last_error}")

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError) as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not answer on {self.url}: {error}") from error
                time.sleep(0.05)

    def _reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10):
            pass
