"""Compiled bytecode in the Lambda deployment package (``callrec package``).

Lambda runs a function's code from ``/var/task``, which is read-only (only ``/tmp`` is
writable): a package without ``__pycache__`` entries makes CPython compile every module of the
app from source on every cold start, and it cannot keep the result. Compiling the SMA handler's
modules was about a fifth of its cold start here (bench/sma.py). So every ``.py`` in the zip gets
its bytecode beside it, in the ``__pycache__/<name>.<tag>.pyc`` form the runtime looks for.

The pycs are *checked-hash* pycs (PEP 552): they hold a hash of their source instead of its
timestamp (which a zip does not carry reliably), so the same sources give the same bytes and
Terraform's ``source_code_hash`` moves only when the code does. The runtime reads and hashes
each source before using its pyc (about 5% of importing the SMA handler's modules, measured),
so a source edited in the deployed package (the Lambda console's code editor) takes effect, as
an operator debugging a function expects; it is then compiled on every cold start until the
package is built again. (Unchecked-hash pycs would skip that check and ignore such an edit.)

They are compiled by this interpreter (``sys.executable``), whose version is the runtime
Chalice packages for: ``chalice package`` takes the Lambda runtime from the Python it
runs under and offers no setting for it (Chalice 1.34's ``Config.lambda_python_version``: the
same version for Python 3.10 to 3.15, python3.10 below and python3.15 above, so a Python newer
than the Chalice installed gets an older runtime). A runtime of another version looks only for
pycs with its own cache tag (``<name>.cpython-3XY.pyc``) and compiles the source as if there
were none, so they can never be wrong, only unused.
Not verified offline: that the Lambda Python runtimes honour ``__pycache__`` in ``/var/task``
like any CPython (nothing in the Lambda documentation says otherwise).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from callrec.terraform.chalice_tf import PackageError

# Lambda mounts the package here: tracebacks name the files where they are.
LAMBDA_TASK_ROOT = "/var/task"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def add_to_zip(package: Path) -> int:
    """Add the bytecode of every ``.py`` in ``package`` that has none; return how many."""
    with tempfile.TemporaryDirectory(prefix="callrec-bytecode-") as temp:
        root = Path(temp)
        with zipfile.ZipFile(package) as archive:
            names = set(archive.namelist())
            for name in sorted(n for n in names if n.endswith(".py")):
                archive.extract(name, root)
        _compile(root)
        # A vendored file that does not compile (Python 2 leftovers) simply stays source-only.
        compiled = sorted(
            (path.relative_to(root).as_posix(), path)
            for path in root.rglob("*.pyc")
            if path.relative_to(root).as_posix() not in names
        )
        with zipfile.ZipFile(package, "a") as archive:
            for name, path in compiled:
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return len(compiled)


def _compile(root: Path) -> None:
    """Compile every ``.py`` under ``root`` in a fresh interpreter (see the module doc)."""
    command = [sys.executable, "-I", "-S", "-m", "compileall", "-qq", "-d", LAMBDA_TASK_ROOT]
    command += ["--invalidation-mode", "checked-hash", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: some file did not compile, which is allowed
        raise PackageError(
            f"compiling the package's bytecode failed: {done.stderr.strip()[-2000:]}",
            hint=f"run {sys.executable} -m compileall on chalice_app/ to see the details",
        )
