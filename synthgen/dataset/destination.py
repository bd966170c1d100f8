"""A dataset root on any filesystem pyarrow supports: a local folder, ``file://``, ``s3://``, ``gs://``, ...

The session writer (:mod:`synthgen.dataset.writer`) puts each file here, data first and each
``sessions`` row last, so a session is complete at the destination exactly when its sessions row exists
there. Each file appears whole or not at all: on a local disk or a filesystem with rename, a temporary
name and a rename (local files get the output mode, owner-only by default); on an object store, one PUT
(atomic there). Listing never follows a symbolic link: a dataset is only what is inside it.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> dest = Destination.from_uri(str(root / "out"))
>>> dest.put_bytes("sessions/a.parquet", b"x")
>>> dest.exists("sessions/a.parquet"), sorted(dest.list_names("sessions"))
(True, ['a.parquet'])
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyarrow.fs as pafs

from synthgen.dataset.files import write_bytes_atomic
from synthgen.dataset.layout import temp_name
from synthgen.errors import OutputError

__all__ = ["Destination", "is_uri", "OBJECT_STORES"]

#: Filesystems without an atomic rename, where a single PUT is the atomic unit instead.
OBJECT_STORES = frozenset({"s3", "gcs", "abfs", "mock"})
_CHUNK = 1 << 20


def is_uri(out: str | Path) -> bool:
    """Whether ``out`` names a filesystem by scheme (``s3://b/k``) rather than a plain local path.

    >>> is_uri("s3://bucket/run1"), is_uri("output/run1"), is_uri(Path("/tmp/x"))
    (True, False, False)
    """
    return isinstance(out, str) and "://" in out


@dataclass(frozen=True)
class Destination:
    """Where a dataset goes: a pyarrow filesystem and the dataset root's path inside it."""

    fs: pafs.FileSystem
    base: str
    uri: str

    @classmethod
    def from_uri(cls, out: str | Path) -> "Destination":
        """A local path (made absolute) or any URI ``pyarrow.fs.FileSystem.from_uri`` understands.

        >>> Destination.from_uri("/tmp/x").is_local
        True
        """
        try:
            if is_uri(out):
                fs, base = pafs.FileSystem.from_uri(str(out))
            else:
                fs, base = pafs.LocalFileSystem(), Path(out).expanduser().resolve().as_posix()
        except (ValueError, OSError) as exc:  # pyarrow.ArrowInvalid is a ValueError
            raise OutputError(f"cannot open output {out}: {exc}; use a local folder or a URI such as "
                              "s3://bucket/prefix (with credentials in the environment)") from exc
        return cls(fs, base.rstrip("/") or "/", str(out))

    @property
    def is_local(self) -> bool:
        """A folder on this machine (writers may write there directly)."""
        return self.fs.type_name == "local"

    @property
    def local_path(self) -> Path:
        """The root as a local :class:`Path` (only when :attr:`is_local`)."""
        if not self.is_local:
            raise OutputError(f"{self.uri} is not a local folder")
        return Path(self.base)

    def path(self, rel: str) -> str:
        """The full path of ``rel`` (a POSIX path relative to the root)."""
        return posixpath.join(self.base, rel)

    # ---- writing ---------------------------------------------------------------------------------
    def _write_stream(self, full: str, chunks: Iterator[bytes]) -> None:
        with self.fs.open_output_stream(full) as out:
            for chunk in chunks:
                out.write(chunk)

    def _put(self, rel: str, chunks: Iterator[bytes]) -> None:
        full = self.path(rel)
        try:
            self.fs.create_dir(posixpath.dirname(full), recursive=True)
            if self.fs.type_name in OBJECT_STORES:
                self._write_stream(full, chunks)  # one PUT: the object appears whole or not at all
                return
            tmp = posixpath.join(posixpath.dirname(full), temp_name(posixpath.basename(full), os.getpid()))
            try:
                self._write_stream(tmp, chunks)
                self.fs.move(tmp, full)
            except BaseException:
                try:
                    self.fs.delete_file(tmp)
                except OSError:
                    pass
                raise
        except OSError as exc:
            raise OutputError(f"cannot write {self.uri}/{rel}: {exc}; check the destination and its "
                              "credentials, or choose another --out") from exc

    def put_bytes(self, rel: str, data: bytes) -> None:
        """Write ``data`` at ``rel`` atomically."""
        if self.is_local:
            write_bytes_atomic(self.local_path / rel, data)
            return
        self._put(rel, iter([data]))

    # ---- reading ---------------------------------------------------------------------------------
    def exists(self, rel: str) -> bool:
        """Whether a file exists at ``rel``."""
        return self.fs.get_file_info(self.path(rel)).type == pafs.FileType.File

    def list_names(self, rel_dir: str) -> set[str]:
        """Names of the files directly in ``rel_dir`` (empty if it does not exist); one listing call."""
        sel = pafs.FileSelector(self.path(rel_dir), allow_not_found=True, recursive=False)
        return {posixpath.basename(i.path) for i in self.fs.get_file_info(sel) if i.type == pafs.FileType.File}

    def walk(self, under: str = "") -> list[tuple[str, int]]:
        """Every file under the root (or its folder ``under``) as ``(relative path, size)``, sorted, temporary
        files left out. On a local disk symbolic links are neither listed nor followed."""
        if self.is_local:
            return self._walk_local(under)
        sel = pafs.FileSelector(self.path(under) if under else self.base, allow_not_found=True, recursive=True)
        out = []
        for info in self.fs.get_file_info(sel):
            if info.type != pafs.FileType.File or posixpath.basename(info.path).startswith("."):
                continue
            out.append((posixpath.relpath(info.path, self.base), int(info.size or 0)))
        return sorted(out)

    def _walk_local(self, under: str) -> list[tuple[str, int]]:
        top = self.local_path / under if under else self.local_path
        if top.is_symlink() or not top.is_dir():
            return []
        out = []
        for d, dirs, files in os.walk(top, followlinks=False):
            dirs[:] = [x for x in dirs if not os.path.islink(os.path.join(d, x))]
            for name in files:
                full = os.path.join(d, name)
                if name.startswith(".") or os.path.islink(full):
                    continue
                out.append((os.path.relpath(full, self.base).replace(os.sep, "/"), os.lstat(full).st_size))
        return sorted(out)

    def read_bytes(self, rel: str) -> bytes:
        """The whole file at ``rel``."""
        with self.fs.open_input_stream(self.path(rel), compression=None) as fh:
            return fh.read()

    def delete(self, rel: str) -> bool:
        """Remove the file at ``rel`` (never through a symbolic link); False if it was not there."""
        if self.is_local:
            p = self.local_path / rel
            if not p.is_symlink() and not p.is_file():
                return False
            p.unlink(missing_ok=True)
            return True
        try:
            self.fs.delete_file(self.path(rel))
            return True
        except (FileNotFoundError, OSError):
            return False

    def sha256(self, rel: str) -> str:
        """Hex SHA-256 of the file at ``rel``, streamed."""
        h = hashlib.sha256()
        with self.fs.open_input_stream(self.path(rel), compression=None) as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        return h.hexdigest()
