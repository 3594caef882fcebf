from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from callrec.bytecode import add_to_zip

TAG = sys.implementation.cache_tag


def _package(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_every_module_gets_its_bytecode_beside_it(tmp_path: Path) -> None:
    package = _package(tmp_path / "p.zip", {"app.py": "X = 1\n", "lib/mod.py": "Y = 2\n"})
    assert add_to_zip(package) == 2
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
    assert {f"__pycache__/app.{TAG}.pyc", f"lib/__pycache__/mod.{TAG}.pyc"} <= names
    assert {"app.py", "lib/mod.py"} <= names


def test_the_same_sources_give_the_same_package(tmp_path: Path) -> None:
    files = {"app.py": "X = 1\n", "lib/mod.py": "Y = 2\n"}
    first, second = _package(tmp_path / "a.zip", files), _package(tmp_path / "b.zip", files)
    add_to_zip(first)
    add_to_zip(second)
    assert first.read_bytes() == second.read_bytes()


def test_the_runtime_uses_the_bytecode_without_checking_the_source(tmp_path: Path) -> None:
    package = _package(tmp_path / "p.zip", {"mod.py": "VALUE = 'compiled'\n"})
    add_to_zip(package)
    task = tmp_path / "task"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(task)
    # A changed source with a newer timestamp: a timestamp pyc would be recompiled, an
    # unchecked-hash one is used as it is (what Lambda's read-only /var/task needs).
    (task / "mod.py").write_text("VALUE = 'source'\n")
    done = subprocess.run(
        [sys.executable, "-c", "import mod; print(mod.VALUE)"],
        cwd=task,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""},
    )
    assert done.stdout.strip() == "compiled"


def test_a_file_that_does_not_compile_stays_source_only(tmp_path: Path) -> None:
    package = _package(tmp_path / "p.zip", {"old.py": "print 'python 2'\n", "ok.py": "Z = 3\n"})
    assert add_to_zip(package) == 1
    with zipfile.ZipFile(package) as archive:
        assert f"__pycache__/old.{TAG}.pyc" not in archive.namelist()
