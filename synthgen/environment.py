"""The environment fingerprint: everything on this machine that can change a dataset's bytes.

Measured (README "Reproducibility"): the Python packages whose code or data decide names, typed text,
timings and file bytes (numpy's generators, Faker's data, pyarrow's writer, Pillow's encoders, ...), the
browser build and kind (headless shell or full Chromium: layout, boxes, click points, screenshots), the
fonts Chromium can use (text metrics, so element boxes), and the OS. The fingerprint is recorded in the
dataset marker and the manifest; a run that would continue a dataset made under another fingerprint says
what differs and refuses unless told to continue (``--allow-env-change``).

>>> fp = fingerprint()
>>> sorted(fp), env_differences(fp, fp)
(['browser', 'fonts', 'os', 'packages', 'python'], [])
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
from importlib import metadata
from typing import Any

from synthgen.dataset.job import env_differences

__all__ = ["OUTPUT_PACKAGES", "fingerprint", "env_differences", "browser_info", "fonts_info"]

#: Distributions whose version can change output bytes (and why).
OUTPUT_PACKAGES = {
    "synthgen": "the generator itself",
    "numpy": "random generators and the motor models' arithmetic",
    "scipy": "motor model helpers",
    "Faker": "names, e-mails, typed text (its locale data)",
    "pyarrow": "the Parquet writer (file bytes)",
    "pydantic": "scenario validation and defaults",
    "ruamel.yaml": "how scenario files parse",
    "playwright": "the driver protocol to Chromium (input dispatch, locators)",
    "pillow": "WebP re-encoding of captures",
}


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def browser_info(chromium: str | None = None) -> dict[str, Any]:
    """The Chromium that runs sessions: kind (headless shell or full) and its ``--version``.

    >>> sorted(browser_info("/nonexistent/chrome"))
    ['kind', 'path', 'version']
    """
    try:
        from synthgen.browser.discovery import find_chromium, is_headless_shell

        path = str(chromium or find_chromium())
        kind = "headless-shell" if is_headless_shell(path) else "full"
    except Exception:  # no browser here (a machine that only checks fixtures): say so, do not fail
        return {"path": None, "kind": None, "version": None}
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
        version = " ".join(out.split()[:2]) or None  # "Chromium 156.0.8078.129" (build host text left out)
    except (OSError, subprocess.SubprocessError):
        version = None
    return {"path": path, "kind": kind, "version": version}


def fonts_info() -> dict[str, Any]:
    """The fonts fontconfig offers Chromium: how many, and a hash of their files' names and sizes."""
    if shutil.which("fc-list") is None:
        return {"count": None, "sha256": None}
    try:
        out = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return {"count": None, "sha256": None}
    files = sorted(set(line.strip() for line in out.splitlines() if line.strip()))
    h = hashlib.sha256()
    for f in files:
        try:
            size = os.path.getsize(f)
        except OSError:
            size = -1
        h.update(f"{f}\0{size}\n".encode())
    return {"count": len(files), "sha256": h.hexdigest()[:16]}


def _os_info() -> dict[str, Any]:
    release: dict[str, str] = {}
    try:
        for line in open("/etc/os-release", encoding="utf-8"):
            k, _, v = line.strip().partition("=")
            release[k] = v.strip('"')
    except OSError:
        pass
    return {"system": platform.system(), "machine": platform.machine(),
            "distribution": " ".join(x for x in (release.get("ID"), release.get("VERSION_ID")) if x) or None}


def fingerprint(chromium: str | None = None) -> dict[str, Any]:
    """This machine's fingerprint (a JSON object)."""
    return {
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in OUTPUT_PACKAGES},
        "browser": {k: v for k, v in browser_info(chromium).items() if k != "path"},
        "fonts": fonts_info(),
        "os": _os_info(),
    }
