"""Atomic file writes: a file appears whole under its name or not at all.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_bytes_atomic(d / "a.bin", b"xy")
>>> (d / "a.bin").read_bytes()
b'xy'
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from synthgen.errors import OutputError

__all__ = ["write_atomic", "write_bytes_atomic", "sha256_file", "FILE_MODE", "ensure_dir"]

#: Output is owner-only unless the user says otherwise (``SYNTHGEN_FILE_MODE=0644``).
FILE_MODE = int(os.environ.get("SYNTHGEN_FILE_MODE", "0600"), 8)
DIR_MODE = FILE_MODE | ((FILE_MODE & 0o444) >> 2)  # r -> x for directories


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with the output directory mode."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {path}: {exc.strerror or exc}; "
                          "choose a writable --out") from exc
    return path


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` to ``path``; on any failure remove ``tmp`` and raise OutputError."""
    ensure_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}; free disk space or choose "
                              "another --out") from exc
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    write_atomic(path, lambda tmp: tmp.write_bytes(data))


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
