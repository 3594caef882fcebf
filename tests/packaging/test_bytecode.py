from __future__ import annotations

import os
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


# Counts the sources the import system compiles, then imports ``mod`` and prints both.
IMPORT_PROBE = """
import importlib.machinery as m
compiled = []
original = m.SourceFileLoader.source_to_code
def counting(self, data, path, **kw):
    compiled.append(path)
    return original(self, data, path, **kw)
m.SourceFileLoader.source_to_code = counting
import mod
print(mod.VALUE, len(compiled))
"""


def _import_from_package(tmp_path: Path, source: str, edited: str | None = None) -> str:
    package = _package(tmp_path / "p.zip", {"mod.py": source})
    add_to_zip(package)
    task = tmp_path / "task"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(task)
    # Whatever time the runtime's copy carries, it is not the one compiled from: only the
    # source's hash can match.
    os.utime(task / "mod.py", (315_532_800, 315_532_800))
    if edited is not None:
        (task / "mod.py").write_text(edited)
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        cwd=task,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""},  # /var/task cannot be written
    )
    return done.stdout.strip()


def test_the_runtime_uses_the_bytecode_instead_of_compiling(tmp_path: Path) -> None:
    assert _import_from_package(tmp_path, "VALUE = 'packaged'\n") == "packaged 0"


def test_a_source_edited_in_the_deployed_package_takes_effect(tmp_path: Path) -> None:
    result = _import_from_package(tmp_path, "VALUE = 'packaged'\n", edited="VALUE = 'edited'\n")
    assert result == "edited 1"


def test_a_file_that_does_not_compile_stays_source_only(tmp_path: Path) -> None:
    package = _package(tmp_path / "p.zip", {"old.py": "print 'python 2'\n", "ok.py": "Z = 3\n"})
    assert add_to_zip(package) == 1
    with zipfile.ZipFile(package) as archive:
        assert f"__pycache__/old.{TAG}.pyc" not in archive.namelist()


PACKAGE_IN_A_PROCESS = """
import sys, zipfile
from pathlib import Path
if sys.argv[2:] == ["intern"]:
    sys.intern("{")
from callrec.bytecode import add_to_zip
path = Path(sys.argv[1])
info = zipfile.ZipInfo("mod.py", date_time=(1980, 1, 1, 0, 0, 0))
with zipfile.ZipFile(path, "w") as archive:
    archive.writestr(info, 'OPEN = "{"\\n')
add_to_zip(path)
"""


def test_the_bytecode_does_not_depend_on_what_the_packaging_process_loaded(
    tmp_path: Path,
) -> None:
    # marshal marks a string the process has interned (importing boto3, as ``package --apply``
    # does first, interns the one-character "{" CallOwner's encoding uses): compiled in the
    # packaging process, the bytes would depend on what it had loaded, and source_code_hash
    # would move for nothing.
    scripts = Path(__file__).resolve().parents[2] / "scripts"
    packages = []
    for name, preload in (("plain.zip", []), ("interned.zip", ["intern"])):
        subprocess.run(
            [sys.executable, "-c", PACKAGE_IN_A_PROCESS, str(tmp_path / name), *preload],
            env={"PYTHONPATH": str(scripts), "PATH": ""},
            check=True,
        )
        packages.append((tmp_path / name).read_bytes())
    assert packages[0] == packages[1]
