"""An out-of-range setting names the real bounds (it said "between 1 and None")."""

from __future__ import annotations

import pytest

from chalicelib import settings
from chalicelib.errors import ConfigurationError


@pytest.mark.parametrize(
    ("raw", "bounds", "hint"),
    [
        ("0", {"minimum": 1}, "use a value of at least 1"),
        ("11", {"maximum": 10}, "use a value of at most 10"),
        ("11", {"minimum": 1, "maximum": 10}, "use a value between 1 and 10"),
    ],
)
def test_out_of_range_names_the_bounds_that_exist(
    monkeypatch: pytest.MonkeyPatch, raw: str, bounds: dict[str, int], hint: str
) -> None:
    monkeypatch.setenv("CALLREC_TEST_INT", raw)
    with pytest.raises(ConfigurationError) as caught:
        settings.integer("CALLREC_TEST_INT", 5, **bounds)
    assert caught.value.hint == hint
    assert "None" not in str(caught.value)
