"""The command line as a newcomer meets it (issue 19): -h everywhere, help text printed as written, options from
synthgen.toml / [tool.synthgen] and SYNTHGEN_* variables (command line > environment > file > default), scenario
selection by tags, and the run summary for people and for CI (--report-json, --junit-xml)."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import typer
from typer.models import OptionInfo
from typer.testing import CliRunner

from synthgen.cli import app
from synthgen.runner.config import GenerateConfig, RunSummary, SessionSummary
from synthgen.runner.job import prepare_job
from synthgen.runner.summary import failure_lines, junit_xml, run_report, summary_lines

REPO = Path(__file__).resolve().parents[1]


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250", **(env or {})}, prog_name="synthgen")


def _all_commands() -> list[list[str]]:
    def walk(cmd: Any, path: list[str]) -> list[list[str]]:
        out = [path]
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(None):
                out += walk(cmd.get_command(None, name), path + [name])
        return out

    return walk(typer.main.get_command(app), [])


def test_dash_h_everywhere() -> None:
    commands = _all_commands()
    assert ["generate"] in commands and ["apps", "serve"] in commands and ["scenarios", "schema"] in commands
    for path in commands:
        r = invoke(*path, "-h")
        assert r.exit_code == 0, (path, r.output)
        assert "Usage: synthgen" in r.output and "-h" in r.output, path


def test_help_text_is_printed_as_written() -> None:
    """Rich read [ray] as markup and dropped it: pip install 'synthgen[ray]' printed as pip install 'synthgen'."""
    assert "pip install 'synthgen[ray]'" in invoke("generate", "-h").output
    # every bracket in every option's help survives
    for c in app.registered_commands:
        for p in inspect.signature(c.callback).parameters.values():
            if isinstance(p.default, OptionInfo) and p.default.help and "[" in p.default.help:
                words = re.findall(r"\w+\[\w+\]", p.default.help.replace("\\[", "["))
                out = invoke(c.name or c.callback.__name__, "-h").output
                for w in words:
                    assert w in out, (c.callback.__name__, w)


# ---- options from a file and the environment ---------------------------------------------------------------
def _sessions_error(tmp_path: Path, *cli: str, env: dict[str, str] | None = None) -> str:
    """Run generate with a session count that fails validation at once; the error names the value that won."""
    r = invoke("generate", "-s", "nope.yaml", "--no-progress", "-o", str(tmp_path / "out"), *cli, env=env)
    assert r.exit_code == 2, r.output
    return r.output


def test_precedence_cli_env_file_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "synthgen.toml").write_text("[generate]\nsessions = -3\n")
    assert "sessions=-3: must be at least 1" in _sessions_error(tmp_path)  # the file over the default
    env = {"SYNTHGEN_GENERATE_SESSIONS": "-4"}
    assert "sessions=-4: must be at least 1" in _sessions_error(tmp_path, env=env)  # the environment over the file
    assert "sessions=-5: must be at least 1" in _sessions_error(tmp_path, "-n", "-5", env=env)  # the command line
    (tmp_path / "synthgen.toml").unlink()
    r = invoke("generate", "-s", "nope.yaml", "--no-progress", "-o", str(tmp_path / "out"))
    assert "nope.yaml: no such file" in r.output  # the default (5) passes validation


def test_pyproject_tool_table_and_top_level_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n[tool.synthgen]\nseed = -2\n")
    assert "seed=-2: must be 0 or more" in _sessions_error(tmp_path)
    (tmp_path / "synthgen.toml").write_text("[generate]\nseed = -7\n")  # synthgen.toml is read first
    assert "seed=-7" in _sessions_error(tmp_path)


def test_a_broken_pyproject_without_our_table_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\nname = \n")
    assert invoke("scenarios", "list", str(REPO / "scenarios" / "_examples")).exit_code == 0
    (tmp_path / "pyproject.toml").write_text("[tool.synthgen\nseed = 1\n")
    r = invoke("scenarios", "list", str(REPO / "scenarios" / "_examples"))
    assert r.exit_code == 2 and "cannot be read as TOML" in r.output


@pytest.mark.parametrize("text, message", [
    ("[generate]\nsesions = 3\n", "synthgen.toml [generate] sesions=3: no such option of synthgen generate; "
                                  "did you mean 'sessions'?"),
    ("[generat]\nsessions = 3\n", "synthgen.toml table='generat': no such command; did you mean [generate]?"),
    ("[generate]\nworkers = 'two'\n", "synthgen.toml [generate] workers='two': "),
    ("worker = 2\n", "synthgen.toml worker=2: no command has this option; did you mean 'workers'?"),
    ("[generate\n", "synthgen.toml"),
])
def test_a_bad_option_file_is_refused_naming_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "synthgen.toml").write_text(text)
    r = invoke("scenarios", "list", str(REPO / "scenarios" / "_examples"))
    assert r.exit_code == 2 and message in " ".join(r.output.split()), r.output


def test_file_values_reach_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "synthgen.toml").write_text("[scenarios.list]\njson = true\n")
    r = invoke("scenarios", "list", str(REPO / "scenarios" / "_examples"))
    assert r.exit_code == 0 and json.loads(r.output)[0]["name"]


# ---- scenario selection by tags ------------------------------------------------------------------------------
def test_tags_select_scenarios() -> None:
    folder = [REPO / "scenarios" / "shop", REPO / "scenarios" / "webmail"]
    every = {s.name for s in prepare_job(GenerateConfig(scenarios=folder)).scenarios}
    shop = {s.name for s in prepare_job(GenerateConfig(scenarios=folder, tags=("shop",))).scenarios}
    assert shop and shop < every and all(n.startswith("shop-") for n in shop)
    rest = {s.name for s in prepare_job(GenerateConfig(scenarios=folder, exclude_tags=("shop",))).scenarios}
    assert rest == every - shop


def test_an_unknown_tag_is_a_usage_error_with_the_fix(tmp_path: Path) -> None:
    r = invoke("generate", "-s", str(REPO / "scenarios" / "shop"), "--tags", "chekout", "--no-progress",
               "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert "tags='chekout': no scenario has tag 'chekout' (did you mean 'checkout'?)" in r.output


# ---- the summary -------------------------------------------------------------------------------------------
def _summary(tmp_path: Path, *, run: int, skipped: int) -> RunSummary:
    out = tmp_path / "ds"
    for d in ("sessions", "events", "personas", "frames", "exports/rrweb", "exports/trajectories"):
        (out / d).mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text("{}")
    fail = SessionSummary("shop-x-s0-00001", "failed", 12, 4000.0, error="step 3 'click': a.yaml:9: no",
                          failed_step="3", screenshot="frames/shop-x-s0-00001/00002-failure.jpg")
    return RunSummary(out=out, sessions_run=run, sessions_skipped=skipped, ok=3, failed=1, events=400,
                      synthetic_seconds=120.0, wall_seconds=4.0, peak_rss_mb=300.0,
                      failures=[fail] if run else [], synthetic_seconds_run=60.0 if run else 0.0,
                      earlier_failures=[] if run else [fail])


def test_speed_counts_only_sessions_run_now(tmp_path: Path) -> None:
    lines = summary_lines(run_report(_summary(tmp_path, run=2, skipped=2), exit_code=1))
    assert "wall       4.0 s  (15.0x real time, the 2 sessions run now)" in lines
    redo = run_report(_summary(tmp_path, run=0, skipped=4), exit_code=1)
    assert redo["realtime_factor"] is None
    assert "wall       4.0 s  (no session run now: every one was already written; nothing to time)" in \
        summary_lines(redo)


def test_summary_lists_every_folder_and_failures_with_screenshots(tmp_path: Path) -> None:
    r = run_report(_summary(tmp_path, run=2, skipped=2), exit_code=1)
    dataset_line = summary_lines(r)[-1]
    for part in ("manifest.json", "events/", "sessions/", "personas/", "frames/", "exports/{rrweb,trajectories}/"):
        assert part in dataset_line
    assert failure_lines(r) == ["failed shop-x-s0-00001: step 3 'click': a.yaml:9: no; screenshot "
                                "frames/shop-x-s0-00001/00002-failure.jpg"]
    earlier = failure_lines(run_report(_summary(tmp_path, run=0, skipped=4), exit_code=1))
    assert earlier[0].startswith("failed earlier shop-x-s0-00001")


def test_junit_without_a_local_dataset_lists_the_failures(tmp_path: Path) -> None:
    r = run_report(_summary(tmp_path, run=2, skipped=2), exit_code=1, sessions=False)
    root = ET.fromstring(junit_xml(r))
    assert root.get("tests") == "4" and root.get("failures") == "1"
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "shop-x-s0-00001"
    assert "00002-failure.jpg" in (case.findtext("failure") or "")
