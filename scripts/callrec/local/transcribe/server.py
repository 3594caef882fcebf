"""The Transcribe API on loopback: botocore's JSON protocol (POST / with X-Amz-Target).

Only the operations the app uses are served; anything else is answered with
``UnknownOperationException`` as AWS does. Errors carry the documented ``__type`` and
``Message`` so botocore raises the same ClientError codes it would against AWS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from callrec.local.http_server import LoopbackHttpServer
from callrec.local.ports import LOOPBACK
from callrec.local.stack import ACCOUNT_ID, REGION
from callrec.local.transcribe.jobs import JobService, ServiceError

TARGET_PREFIX = "Transcribe."
CONTENT_TYPE = "application/x-amz-json-1.1"


def _handlers(jobs: JobService) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    return {
        "StartCallAnalyticsJob": jobs.start_call_analytics_job,
        "GetCallAnalyticsJob": jobs.get_call_analytics_job,
        "StartTranscriptionJob": jobs.start_transcription_job,
        "GetTranscriptionJob": jobs.get_transcription_job,
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the demo prints progress
        return

    def do_POST(self) -> None:
        target = self.headers.get("X-Amz-Target", "")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        handler = _handlers(self.server.jobs).get(operation)
        try:
            if handler is None:
                raise ServiceError("UnknownOperationException", f"Unknown operation {target!r}")
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError as error:
                raise ServiceError("SerializationException", f"Malformed JSON: {error}") from error
            if not isinstance(body, dict):
                raise ServiceError(
                    "SerializationException", "The request body must be a JSON object"
                )
            self._reply(200, handler(body))
        except ServiceError as error:
            self._reply(error.status, {"__type": error.error_type, "Message": error.message})

    def do_GET(self) -> None:
        # Service-managed output (no output bucket given): the transcript URI points here.
        name = self.path.rsplit("/", 1)[-1].removesuffix(".json")
        document = (
            self.server.jobs.managed_output(name) if self.path.startswith("/transcripts/") else None
        )
        if document is None:
            self._reply(404, {"__type": "NotFoundException", "Message": "No such transcript"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(document)))
        self.end_headers()
        self.wfile.write(document)

    def _reply(self, status: int, payload: Mapping[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "local-transcribe")
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    def __init__(self, jobs: JobService) -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.jobs = jobs


class TranscribeService:
    """The emulator as a LocalService: answers for boto3's ``transcribe`` client."""

    name = "transcribe"

    def __init__(
        self,
        *,
        phrases: Sequence[str] = (),
        client: Callable[[str], Any] | None = None,
        processes: int = 2,
    ) -> None:
        self._client = client
        self.jobs = JobService(
            client=self._call_client,
            account_id=ACCOUNT_ID,
            region=REGION,
            phrases=phrases,
            service_url=lambda: self.url,
            processes=processes,
        )
        self._http: LoopbackHttpServer | None = None
        self.url = ""

    def _call_client(self, service: str) -> Any:
        return (self._client or _env_client)(service)

    def attach(self, stack: Any) -> None:
        """Reach S3 and EventBridge through ``stack`` (unless a client factory was given)."""
        if self._client is None:
            self._client = stack.client

    def start(self) -> Mapping[str, str]:
        self._http = LoopbackHttpServer(_Server(self.jobs), "transcribe-emulator")
        self.url = self._http.start()
        self.jobs.warm_up()
        return {"transcribe": self.url}

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            self._http = None
        self.jobs.shutdown()


def _env_client(service: str) -> Any:
    """A boto3 client resolved from the environment (the stack's endpoints), made per call."""
    import boto3

    return boto3.client(service, region_name=REGION)
