"""What every check reads through: the deployment, the account, clients, and a few cached reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from callrec.doctor.deployment import Deployment
from callrec.doctor.results import CannotCheckError, CheckFailedError
from chalicelib import aws

# What AWS answers when the caller may not make a read: the check cannot reach a verdict.
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "ForbiddenException"}
)
NOT_FOUND_CODES = aws.OBJECT_MISSING_CODES | {
    "ResourceNotFoundException",
    "NotFoundException",
    "NoSuchEntity",
    "NoSuchBucket",
}


@dataclass
class DoctorContext:
    deployment: Deployment
    account: str
    region: str
    partition: str = "aws"
    # Clients by service name that replace chalicelib.aws's (tests: Stubber-backed Chime clients).
    overrides: Mapping[str, Any] = field(default_factory=dict)
    # IAM client for SimulatePrincipalPolicy (moto does not implement it; tests stub it).
    simulation: Any = None
    memo: dict[str, Any] = field(default_factory=dict)  # reads shared between checks
    _functions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def client(self, service: str, region: str | None = None) -> Any:
        if service in self.overrides:
            return self.overrides[service]
        if region and region != self.region:
            import boto3

            return boto3.client(service, region_name=region)
        return aws.client(service)

    def function_name(self, function: str) -> str:
        name = self.deployment.function(function)
        if not name:
            raise CannotCheckError(
                f"the deployment does not name the {function} function",
                "pass --outputs with the root module's outputs (lambda_function_names)",
            )
        return name

    def function(self, function: str) -> dict[str, Any]:
        """GetFunctionConfiguration of a Chalice function, by its Chalice name."""
        if function not in self._functions:
            name = self.function_name(function)
            configuration = read(
                f"lambda GetFunctionConfiguration {name}",
                self.client("lambda").get_function_configuration,
                FunctionName=name,
            )
            if configuration is None:
                raise CheckFailedError(
                    f"the function {name} does not exist",
                    "deploy the functions (callrec package && terraform apply, or chalice deploy)",
                )
            self._functions[function] = configuration
        return self._functions[function]

    def function_arn(self, function: str) -> str:
        return str(self.function(function)["FunctionArn"])

    def function_policy(self, function_arn: str) -> str | None:
        """The function's resource policy (JSON), or None when it has none."""
        response = read(
            f"lambda GetPolicy {function_arn}",
            self.client("lambda").get_policy,
            FunctionName=function_arn,
        )
        return None if response is None else str(response["Policy"])

    def simulate(self, role_arn: str, action: str, resource: str) -> str:
        """IAM's decision (allowed, explicitDeny, implicitDeny) for the role's own policies."""
        iam = self.simulation if self.simulation is not None else aws.client("iam")
        response = read(
            f"iam SimulatePrincipalPolicy {role_arn}",
            iam.simulate_principal_policy,
            PolicySourceArn=role_arn,
            ActionNames=[action],
            ResourceArns=[resource],
        )
        if response is None:
            raise CheckFailedError(f"the role {role_arn} does not exist", "apply infra/ again")
        result = response["EvaluationResults"][0]
        decision = str(result["EvalDecision"])
        missing = result.get("MissingContextValues") or []
        if decision != "allowed" and missing:
            # The simulation was not told the condition keys the policy tests (IAM API reference,
            # EvaluationResult.MissingContextValues): the real request may carry them.
            raise CannotCheckError(
                f"IAM cannot simulate {action} for {role_arn} without {', '.join(missing)}",
                "check that permission by hand (its policy has conditions the doctor cannot fill)",
            )
        return decision


def read(what: str, operation: Any, /, **params: Any) -> Any:
    """Run one read; None when the resource does not exist. Denied or failed: CannotCheckError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return operation(**params)
    except ClientError as error:
        code = aws.error_code(error)
        if code in NOT_FOUND_CODES:
            return None
        if code in DENIED_CODES:
            raise CannotCheckError(
                f"{what} was denied", f"let the doctor's credentials call {what.split()[1]}"
            ) from None
        raise CannotCheckError(f"{what} failed: {code or error}", "retry; check the name") from None
    except BotoCoreError as error:
        raise CannotCheckError(f"{what} failed: {error}", "check the network and Region") from None


def read_items(what: str, operation: Any, key: str, /, **params: Any) -> Iterator[Any]:
    """The ``key`` items of every page of a paged read (``NextToken``), fetched as needed."""
    request = dict(params)
    while True:
        page = read(what, operation, **request) or {}
        yield from page.get(key, [])
        if not page.get("NextToken"):
            return
        request["NextToken"] = page["NextToken"]
