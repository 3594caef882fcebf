from __future__ import annotations

from pathlib import Path

import pytest

from callrec.cli import main

pytestmark = pytest.mark.infra


def test_fmt_rewrites_a_file_in_canonical_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text('locals {\nname="x"\n}\n')
    assert main(["infra", "fmt", str(tmp_path)]) == 0
    assert (tmp_path / "main.tf").read_text() == 'locals {\n  name = "x"\n}\n'
    assert "formatted main.tf" in capsys.readouterr().out


def test_fmt_fails_on_a_syntax_error_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text('locals {\nname="x"\n')
    assert main(["infra", "fmt", str(tmp_path)]) == 1
    assert "Unclosed configuration block" in capsys.readouterr().err


def test_fmt_of_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["infra", "fmt", str(tmp_path / "absent")]) == 2
