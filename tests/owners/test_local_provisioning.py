from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from callrec.local import definitions
from callrec.local.resources import provision_owners
from chalicelib import aws
from chalicelib.owners.directory import OwnerDirectory
from tests.owners.conftest import owner


@pytest.fixture
def moto() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.mark.usefixtures("moto")
def test_the_local_directory_has_the_terraform_names_and_the_owners() -> None:
    env = provision_owners(aws.client, [owner("alice"), owner("bob", sma_number="+12065550198")])
    assert env == {
        "OWNER_DIRECTORY_TABLE": "callrec-owner-directory",
        "OWNER_USAGE_TABLE": "callrec-owner-usage",
    }
    found = OwnerDirectory(env["OWNER_DIRECTORY_TABLE"]).find_by_sma_number("+12065550198")
    assert found is not None and found.owner_id == "bob"


def test_table_names_come_from_the_module() -> None:
    assert definitions.owner_table_names() == ("callrec-owner-directory", "callrec-owner-usage")
