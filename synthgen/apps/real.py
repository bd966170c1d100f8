"""Real open-source web apps for scenario packs: started on loopback with a fresh state per run, then stopped.

Three apps that install from PyPI and need no download at run time, each run from its own virtual
environment (``scripts/setup.sh`` makes ``.venv-apps``, pinned in ``requirements-apps.txt``; they are
separate programs, so their dependencies never meet synthgen's lock):

* ``datasette``: a SQLite explorer (tables, facets, column menus, a SQL editor), on a fresh database of
  fixed rows written for each run;
* ``mkdocs``: MkDocs' development server on a project ``mkdocs new`` creates, plus two pages (navigation,
  search dialog, keyboard shortcuts);
* ``streamlit``: Streamlit's own demo (``streamlit hello``: sidebar navigation, sliders, buttons).

>>> sorted(REAL_APPS)
['datasette', 'mkdocs', 'streamlit']
>>> # with RealApp("datasette") as app: print(app.base_url)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from synthgen.errors import SynthgenError

__all__ = ["REAL_APPS", "RealApp", "RealAppSpec", "apps_bin_dir", "missing_apps"]

_ROOT = Path(__file__).resolve().parents[2]
_START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class RealAppSpec:
    """How to run one app: ``command(bin_dir, state_dir, port)`` after ``prepare(state_dir)``; ready once
    ``ready_path`` answers 200."""

    name: str
    title: str
    program: str  # the executable in the apps' environment
    prepare: Callable[[Path, Path], None]
    command: Callable[[Path, Path, int], list[str]]
    ready_path: str = "/"
    port: int = 0  # the default port, the one the app's scenarios name in base_url


def _datasette_db(_bin: Path, state: Path) -> None:
    # Fixed rows, so every run starts from the same data (Datasette serves it read-only).
    con = sqlite3.connect(state / "library.db")
    con.execute("create table books (id integer primary key, title text, author text, genre text, year integer, "
                "pages integer)")
    genres = ("Fiction", "History", "Science", "Poetry")
    authors = ("Ada Byron", "Ben Okri", "Clara Hale", "Dev Patel", "Eun Kim", "Femi Ade")
    rows = [(i, f"Book {i:03d}", authors[i % len(authors)], genres[(i * 7) % len(genres)], 1950 + (i * 13) % 70,
             120 + (i * 37) % 600) for i in range(1, 121)]
    con.executemany("insert into books values (?, ?, ?, ?, ?, ?)", rows)
    con.execute("create table authors (name text primary key, country text)")
    con.executemany("insert into authors values (?, ?)", [(a, c) for a, c in zip(
        authors, ("UK", "Nigeria", "USA", "India", "Korea", "Nigeria"))])
    con.commit()
    con.close()


def _mkdocs_project(bin_dir: Path, state: Path) -> None:
    subprocess.run([str(bin_dir / "mkdocs"), "new", str(state / "site")], check=True, capture_output=True)
    docs = state / "site" / "docs"
    (docs / "install.md").write_text("# Install\n\nRun the installer, then check the version.\n\n"
                                     "## Upgrading\n\nUpgrade with the same command.\n")
    (docs / "usage.md").write_text("# Usage\n\nStart the server and open the dashboard.\n\n"
                                   "## Keyboard shortcuts\n\nPress the search key to find a page.\n")


REAL_APPS: dict[str, RealAppSpec] = {
    "datasette": RealAppSpec(
        "datasette", "Datasette (SQLite explorer)", "datasette", _datasette_db,
        lambda b, s, p: [str(b / "datasette"), "serve", str(s / "library.db"), "-h", "127.0.0.1", "-p", str(p),
                         "--setting", "default_page_size", "20"],
        "/library", 8801),
    "mkdocs": RealAppSpec(
        "mkdocs", "MkDocs development server", "mkdocs", _mkdocs_project,
        lambda b, s, p: [str(b / "mkdocs"), "serve", "-f", str(s / "site" / "mkdocs.yml"), "-a", f"127.0.0.1:{p}",
                         "--no-livereload"], "/", 8802),
    "streamlit": RealAppSpec(
        "streamlit", "Streamlit demo (streamlit hello)", "streamlit", lambda _b, _s: None,
        lambda b, s, p: [str(b / "streamlit"), "hello", "--server.port", str(p), "--server.address", "127.0.0.1",
                         "--server.headless", "true", "--browser.gatherUsageStats", "false",
                         "--server.fileWatcherType", "none", "--global.developmentMode", "false"],
        "/_stcore/health", 8803),
}


def apps_bin_dir() -> Path:
    """Where the apps' programs are: ``$SYNTHGEN_APPS_BIN``, else the repository's ``.venv-apps/bin``.

    >>> apps_bin_dir().name
    'bin'
    """
    env = os.environ.get("SYNTHGEN_APPS_BIN")
    return Path(env) if env else _ROOT / ".venv-apps" / "bin"


def missing_apps() -> list[str]:
    """The real apps whose program is not installed (``scripts/setup.sh`` installs them)."""
    b = apps_bin_dir()
    return [n for n, s in REAL_APPS.items() if not (b / s.program).is_file()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RealApp:
    """One app running on 127.0.0.1 with a fresh state folder, stopped (with its process group) on exit."""

    def __init__(self, name: str, port: int = -1) -> None:
        if name not in REAL_APPS:
            raise SynthgenError(f"no real app named {name!r}; choose one of {', '.join(sorted(REAL_APPS))}")
        self.spec = REAL_APPS[name]
        self.port = port if port >= 0 else _free_port()  # -1: any free port; 0: the app's own
        self.port = self.port or self.spec.port
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._state: Path | None = None

    def __enter__(self) -> "RealApp":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Prepare a fresh state and start the app; returns once it answers (``SynthgenError`` if it does not)."""
        b = apps_bin_dir()
        if not (b / self.spec.program).is_file():
            raise SynthgenError(f"{self.spec.name} is not installed in {b}; run scripts/setup.sh (or "
                                f"pip install -r requirements-apps.txt into a venv and set SYNTHGEN_APPS_BIN)")
        self._state = Path(tempfile.mkdtemp(prefix=f"synthgen-{self.spec.name}-"))
        self.spec.prepare(b, self._state)
        env = {**os.environ, "HOME": str(self._state), "PYTHONUNBUFFERED": "1"}
        self._log = open(self._state / "app.log", "wb")
        self._proc = subprocess.Popen(self.spec.command(b, self._state, self.port), cwd=self._state, env=env,
                                      stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base_url + self.spec.ready_path, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        log = (self._state / "app.log").read_text(errors="replace")[-800:]
        self.stop()
        raise SynthgenError(f"{self.spec.name} did not start on {self.base_url} within {_START_TIMEOUT_S:.0f} s; "
                            f"its output ends: {log}")

    def stop(self) -> None:
        """Stop the app's whole process group and remove its state."""
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGTERM)
                self._proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self._proc.wait(timeout=5)
        self._proc = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
        if self._state is not None:
            shutil.rmtree(self._state, ignore_errors=True)
            self._state = None


def serve(name: str, port: int) -> None:
    """Run one app until Ctrl+C (``synthgen apps start NAME``)."""
    with RealApp(name, port) as app:
        print(f"{app.spec.title} on {app.base_url}/ (fresh state; Ctrl+C stops it)", flush=True)
        try:
            while app._proc is not None and app._proc.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    sys.stdout.flush()
