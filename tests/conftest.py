"""Suite-wide isolation: fake credentials, no real endpoints, fresh boto3 clients per test."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import JSONFileLoader

from chalicelib import aws

REPO_ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = Path(__file__).resolve().parent / "events"

# What `make test-fast` leaves out, by place, so a new test in these folders is marked without
# anyone remembering to: `slow` (end to end, a browser, a deployer, a second venv), `infra`
# (embedded Terraform), `integration` (against moto or the emulators: the AWS side, not a unit).
# A test elsewhere that is slow carries @pytest.mark.slow itself.
MARKS_BY_PATH: tuple[tuple[str, str], ...] = (
    ("tests/e2e/", "slow"),
    ("tests/browser/", "slow"),
    ("tests/deploy/", "slow"),
    ("tests/console/test_console_stack", "slow"),
    ("tests/media_insights/test_demo_path.py", "slow"),
    ("tests/audit/test_checkov.py", "slow"),
    ("tests/core/test_test_runner.py", "slow"),
    ("tests/infra/", "infra"),
    ("tests/packaging/", "infra"),
    ("tests/tfdocs/", "infra"),
    ("tests/audit/test_terraform.py", "infra"),
    ("tests/audit/test_unresolved.py", "infra"),
    ("tests/audit/test_security_md.py", "infra"),
    ("tests/doctor/", "integration"),
    ("tests/console/", "integration"),
    ("tests/local/", "integration"),
    ("tests/media_insights/", "integration"),
    ("tests/transcription/", "integration"),
    ("tests/owners/", "integration"),
    ("tests/phone_number/", "integration"),
    ("tests/report/test_report_handler.py", "integration"),
    ("tests/audit/test_live.py", "integration"),
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = Path(str(item.path)).resolve().relative_to(REPO_ROOT).as_posix()
        for prefix, mark in MARKS_BY_PATH:
            if where.startswith(prefix):
                item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(autouse=True, scope="session")
def parsed_botocore_models() -> Iterator[None]:
    """Parse each of botocore's model files once per test process, not once per test.

    moto gives every ``mock_aws()`` a fresh boto3 default session (its ``reset_boto3_session``),
    and a fresh session has a fresh loader that decodes botocore's JSON models again: a quarter
    of the suite's time went on that. Sessions stay fresh (credentials, profile and Region are
    still resolved per test); only the decoded files are shared, as one session shares them
    between its clients. botocore's only change to a loaded model, merging the sdk-extras
    files, writes the same values each time.
    """
    load = functools.cache(JSONFileLoader().load_file)

    def load_file(self: JSONFileLoader, file_path: str) -> Any:
        return load(file_path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(JSONFileLoader, "load_file", load_file)
        yield


@pytest.fixture(autouse=True)
def aws_isolation(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never reach AWS: fake credentials, a fixed region, and no inherited endpoint overrides.

    Code under test may also set AWS_* variables directly (``callrec.aws_options.configure``
    exports the chosen profile and Region, as a CLI process should); whatever a test adds this
    way is removed after it, so no later test or session fixture inherits e.g. AWS_PROFILE.
    """
    before = {name for name in os.environ if name.startswith("AWS_")}
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    aws.reset_clients()
    yield
    for name in [n for n in os.environ if n.startswith("AWS_") and n not in before]:
        del os.environ[name]
    aws.reset_clients()
