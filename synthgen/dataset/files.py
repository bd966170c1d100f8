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
from typing import TYPE_CHECKING, Any, Callable

from synthgen.dataset.layout import temp_name

if TYPE_CHECKING:
    import pyarrow as pa
from synthgen.errors import OutputError

__all__ = ["write_atomic", "write_bytes_atomic", "write_table", "parquet_bytes", "sha256_file", "FILE_MODE",
           "DIR_MODE", "ensure_dir", "parse_file_mode", "set_file_mode", "file_mode", "dir_mode"]


def parse_file_mode(text: str) -> int:
    """An octal file mode for output files; owner read+write required, no execute or special bits.

    >>> oct(parse_file_mode("0640")), oct(parse_file_mode("600"))
    ('0o640', '0o600')
    >>> parse_file_mode("0755")
    Traceback (most recent call last):
    ...
    synthgen.errors.ConfigError: file_mode='0755': data files take no execute bits; use e.g. 0600 or 0644
    """
    from synthgen.errors import ConfigError

    try:
        mode = int(str(text), 8)
    except ValueError:
        raise ConfigError("file_mode", text, "must be an octal mode such as 0600 or 0644") from None
    if not 0 <= mode <= 0o7777:
        raise ConfigError("file_mode", text, "must be an octal mode such as 0600 or 0644")
    if mode & 0o7111:
        raise ConfigError("file_mode", text, "data files take no execute bits; use e.g. 0600 or 0644")
    if mode & 0o600 != 0o600:
        raise ConfigError("file_mode", text, "the owner needs read and write (0600 at least)")
    return mode


def _dir_mode(file_mode: int) -> int:
    return file_mode | ((file_mode & 0o444) >> 2)  # r -> x for directories


#: Output is owner-only unless the user says otherwise (``--file-mode 0644`` or ``SYNTHGEN_FILE_MODE``).
#: An unusable ``SYNTHGEN_FILE_MODE`` keeps the owner-only default here; the CLI reports it.
try:
    FILE_MODE = parse_file_mode(os.environ.get("SYNTHGEN_FILE_MODE", "0600"))
except ValueError:
    FILE_MODE = 0o600
DIR_MODE = _dir_mode(FILE_MODE)


def set_file_mode(mode: int) -> None:
    """Use ``mode`` for files written from now on (and folders ``mode`` plus x where r), in this process
    and in worker processes it starts (through ``SYNTHGEN_FILE_MODE``).

    >>> set_file_mode(0o600); oct(DIR_MODE)
    '0o700'
    """
    global FILE_MODE, DIR_MODE
    parse_file_mode(oct(mode))  # the same rules as the option
    FILE_MODE, DIR_MODE = mode, _dir_mode(mode)
    os.environ["SYNTHGEN_FILE_MODE"] = f"{mode:04o}"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents with the output folder mode (the umask cannot widen or
    narrow it); folders that already exist are left as they are."""
    path = Path(path)
    missing: list[Path] = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    try:
        for d in reversed(missing):
            try:
                d.mkdir(mode=DIR_MODE)
            except FileExistsError:
                continue  # made meanwhile by another worker
            os.chmod(d, DIR_MODE)
        if not path.is_dir():
            raise NotADirectoryError(20, "Not a directory")
    except OSError as exc:
        raise OutputError(f"cannot create output folder {path}: {exc.strerror or exc}; "
                          "choose a writable --out") from exc
    return path


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` to ``path``; on any failure remove ``tmp`` and raise OutputError."""
    ensure_dir(path.parent)
    tmp = path.with_name(temp_name(path.name, os.getpid()))
    try:
        # Create the temporary file with the final mode, so its bytes are never readable more widely.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
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


def _parquet(table: "pa.Table", where: Any) -> None:
    import pyarrow.parquet as pq

    # Fixed settings: the same table gives the same bytes (pyarrow writes no timestamps).
    pq.write_table(table, where, compression="zstd", use_dictionary=True, write_statistics=True,
                   store_schema=True)


def write_table(table: "pa.Table", path: Path) -> None:
    """Write one Parquet file atomically.

    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t" / "a.parquet"
    >>> write_table(pa.table({"x": [1, 2]}), p); pq.read_table(p).num_rows
    2
    """
    write_atomic(path, lambda tmp: _parquet(table, tmp))


def parquet_bytes(table: "pa.Table") -> bytes:
    """The bytes :func:`write_table` writes for ``table`` (for destinations without local files)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    _parquet(table, sink)
    return sink.getvalue().to_pybytes()


def file_mode() -> int:
    """The mode files are written with now (see :func:`set_file_mode`)."""
    return FILE_MODE


def dir_mode() -> int:
    """The mode folders are made with now."""
    return DIR_MODE


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
