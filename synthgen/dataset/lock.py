"""One run per dataset at a time: an exclusive ``flock`` on ``<dataset>/.synthgen.lock``.

The OS releases the lock when its holder dies, so a killed run never blocks the next one; a run that
ends removes the file. A process that opened the file just before it was removed re-checks, after
locking, that the name still points at the file it locked, and starts over if not.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> with DatasetLock(d):
...     DatasetLock(d).acquire()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
synthgen.errors.OutputError: another synthgen run (pid ...) is writing to ...; wait for it to finish or choose another --out
>>> (d / LOCK_NAME).exists()
False
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from synthgen.dataset.files import file_mode
from synthgen.dataset.layout import LOCK_NAME
from synthgen.errors import OutputError

__all__ = ["DatasetLock", "LOCK_NAME"]


class DatasetLock:
    """An exclusive lock on a local dataset folder for the length of a run."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> "DatasetLock":
        for _ in range(10):
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                try:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                finally:
                    os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputError(f"another synthgen run (pid {holder}) is writing to {self.path.parent}; "
                                      "wait for it to finish or choose another --out") from None
                raise OutputError(f"cannot lock {self.path}: {exc.strerror or exc}") from exc
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the previous holder removed the file between our open and our lock
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            self._fd = fd
            return self
        raise OutputError(f"cannot lock {self.path}: it keeps being replaced; is another program using it?")

    def _open(self) -> int:
        try:
            # O_NOFOLLOW: a symbolic link planted under the lock's name is refused, not followed.
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, file_mode())
        except OSError as exc:
            raise OutputError(f"cannot create {self.path}: {exc.strerror or exc}; choose a writable --out") from exc

    def release(self) -> None:
        if self._fd is not None:
            try:
                self.path.unlink(missing_ok=True)  # while still holding it: no one can lock the old file now
            except OSError:
                pass
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "DatasetLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
