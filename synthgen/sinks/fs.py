"""A dataset root on any filesystem pyarrow supports: a local folder, ``file://``, ``s3://``, ``gs://``, ...

Writers stage each session in a local folder with the ordinary :class:`~synthgen.sinks.parquet.ParquetSink`
and :meth:`Destination.publish` copies the finished files over, data first and each ``sessions`` row last,
so a session is complete at the destination exactly when its sessions row exists there (as on a local
disk). Each file appears whole or not at all: on a filesystem with rename, a temporary name and a
rename; on an object store, one PUT (atomic there).

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
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyarrow.fs as pafs

from synthgen.errors import OutputError

__all__ = ["Destination", "is_uri", "remove_tree", "OBJECT_STORES"]

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
            tmp = posixpath.join(posixpath.dirname(full), f".{posixpath.basename(full)}.tmp-{os.getpid()}")
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
        self._put(rel, iter([data]))

    def put_file(self, src: Path, rel: str) -> None:
        """Copy the local file ``src`` to ``rel`` atomically (streamed, in 1 MiB chunks)."""
        def chunks() -> Iterator[bytes]:
            with open(src, "rb") as fh:
                yield from iter(lambda: fh.read(_CHUNK), b"")
        self._put(rel, chunks())

    def publish(self, staging: Path, *, remove: bool = True) -> int:
        """Copy every finished file under ``staging`` here (then delete it locally); returns the count.

        Order makes completeness visible only when it is true: the ``sessions`` rows present when the
        call starts are listed first, every other file is copied next (a session's data files were
        written before its sessions row), and those rows last. Temporary files (dot-names) are skipped.
        """
        staging = Path(staging)
        rows = sorted(p for p in (staging / "sessions").glob("*.parquet")) if (staging / "sessions").is_dir() else []
        row_set = set(rows)
        data = sorted(p for p in staging.rglob("*") if p.is_file() and not p.name.startswith(".")
                      and p not in row_set and p.parent != staging / "sessions")
        n = 0
        for p in [*data, *rows]:
            self.put_file(p, p.relative_to(staging).as_posix())
            if remove:
                p.unlink()
            n += 1
        if remove:
            for d in sorted((d for d in staging.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
                try:
                    d.rmdir()  # only empty folders (a session still running keeps its frames folder)
                except OSError:
                    pass
        return n

    # ---- reading ---------------------------------------------------------------------------------
    def exists(self, rel: str) -> bool:
        """Whether a file exists at ``rel``."""
        return self.fs.get_file_info(self.path(rel)).type == pafs.FileType.File

    def list_names(self, rel_dir: str) -> set[str]:
        """Names of the files directly in ``rel_dir`` (empty if it does not exist); one listing call."""
        sel = pafs.FileSelector(self.path(rel_dir), allow_not_found=True, recursive=False)
        return {posixpath.basename(i.path) for i in self.fs.get_file_info(sel) if i.type == pafs.FileType.File}

    def walk(self) -> list[tuple[str, int]]:
        """Every file under the root as ``(relative path, size)``, sorted, temporary files left out."""
        sel = pafs.FileSelector(self.base, allow_not_found=True, recursive=True)
        out = []
        for info in self.fs.get_file_info(sel):
            if info.type != pafs.FileType.File or posixpath.basename(info.path).startswith("."):
                continue
            out.append((posixpath.relpath(info.path, self.base), int(info.size or 0)))
        return sorted(out)

    def sha256(self, rel: str) -> str:
        """Hex SHA-256 of the file at ``rel``, streamed."""
        h = hashlib.sha256()
        with self.fs.open_input_stream(self.path(rel)) as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        return h.hexdigest()


def remove_tree(path: Path) -> None:
    """Delete a local staging folder, ignoring what is already gone."""
    shutil.rmtree(path, ignore_errors=True)
