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
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # no system headless shell either
    assert discovery.find_chromium() == exe


def test_headless_prefers_a_shell_headed_never_gets_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.SHELL_ENV_VAR, raising=False)
    build = tmp_path / "chromium-1300" / "chrome-linux64"
    build.mkdir(parents=True)
    full = _fake_exe(build / "chrome")
    shell_dir = tmp_path / "chromium_headless_shell-1300" / "chrome-headless-shell-linux64"
    shell_dir.mkdir(parents=True)
    shell = _fake_exe(shell_dir / "chrome-headless-shell")
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert discovery.find_chromium() == shell
    assert discovery.find_chromium(headless=False) == full


def test_system_shell_on_path_before_full_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.SHELL_ENV_VAR, raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    full = _fake_exe(bin_dir / "chromium")
    shell = _fake_exe(bin_dir / "chromium-headless-shell")
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert discovery.find_chromium() == shell
    assert discovery.find_chromium(headless=False) == full


def test_nothing_found_says_how_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError, match="playwright install chromium.*--chromium"):
        discovery.find_chromium()


def test_launcher_script_of_a_shell_is_unwrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.SHELL_ENV_VAR, raising=False)
    # Debian's launcher runs the binary as a child of sh: Playwright would watch sh, not the browser.
    (tmp_path / "lib").mkdir()
    real = _fake_exe(tmp_path / "lib" / "chromium-headless-shell")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "chromium-headless-shell"
    launcher.write_text(f'#!/bin/sh -e\n\n{real} "$@"\n')
    launcher.chmod(0o755)
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert discovery.find_chromium() == real
    assert discovery.find_chromium(str(launcher)) == real


def test_shell_by_default_full_browser_with_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    full = _fake_exe(bin_dir / "chromium")
    shell = _fake_exe(bin_dir / "chromium-headless-shell")
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    monkeypatch.delenv(discovery.SHELL_ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert discovery.find_chromium() == shell
    monkeypatch.setenv(discovery.SHELL_ENV_VAR, "0")
    assert discovery.find_chromium() == full


def test_extra_flags_from_the_environment_come_last(monkeypatch: pytest.MonkeyPatch) -> None:
    from synthgen.browser.launch import ARGS_ENV_VAR, chromium_args

    monkeypatch.setenv(ARGS_ENV_VAR, "--js-flags='--lite-mode --max-lazy' --mute-audio")
    args = chromium_args(Path("/usr/bin/chromium-headless-shell"), ("--host-resolver-rules=x",))
    assert args[-3:] == ["--host-resolver-rules=x", "--js-flags=--lite-mode --max-lazy", "--mute-audio"]
    monkeypatch.delenv(ARGS_ENV_VAR)
    assert chromium_args(Path("/usr/bin/chromium-headless-shell"))[-1] != "--mute-audio"
