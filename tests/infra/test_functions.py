"""Terraform itself evaluates a function call on known values (for the local stack's policies)."""

from __future__ import annotations

import pytest

from callrec.infra_check import functions


def test_terraform_evaluates_a_function_the_static_evaluator_lacks() -> None:
    assert functions.call("setsubtract", [["a", "b"], ["b"]]) == ["a"]


def test_template_markers_in_arguments_stay_literal() -> None:
    assert functions.call("upper", ["${x}"]) == "${X}"


def test_a_call_terraform_refuses_is_declined() -> None:
    with pytest.raises(functions.FunctionUnavailableError, match="no_such_function"):
        functions.call("no_such_function", [1])
