"""Chromium discovery: explicit path, environment variable, clear errors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from synthgen.browser import discovery
from synthgen.errors import BrowserNotFoundError


def _fake_exe(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_explicit_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = _fake_exe(tmp_path / "mychrome")
    monkeypatch.setenv(discovery.ENV_VAR, "/nonexistent")
    assert discovery.find_chromium(str(exe)) == exe


def test_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = _fake_exe(tmp_path / "envchrome")
    monkeypatch.setenv(discovery.ENV_VAR, str(exe))
    assert discovery.find_chromium() == exe


def test_bad_env_var_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(discovery.ENV_VAR, "/no/such/chrome")
    with pytest.raises(BrowserNotFoundError, match=r"\$SYNTHGEN_CHROMIUM=/no/such/chrome"):
        discovery.find_chromium()


def test_playwright_build_preferred_over_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / "chromium-1300" / "chrome-linux64"
    build.mkdir(parents=True)
    exe = _fake_exe(build / "chrome")
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert discovery.find_chromium() == exe


def test_nothing_found_says_how_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError, match="playwright install chromium.*--chromium"):
        discovery.find_chromium()
