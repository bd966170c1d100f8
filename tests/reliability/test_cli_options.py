"""Bad options give a one-line error and exit code 2; failed sessions give exit code 1 and a summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faultkit import scenario
from synthgen.cli import app

QUICK = str(scenario("quick"))


def _generate(tmp_path: Path, *args: str, base_url: str = "http://127.0.0.1:9/") -> tuple[int, str]:
    r = CliRunner().invoke(app, ["generate", "-s", QUICK, "--no-progress", "--base-url", base_url,
                                 "-o", str(tmp_path / "out"), *args])
    return r.exit_code, r.output.strip()


@pytest.mark.parametrize("args, message", [
    (["-n", "-1"], "sessions=-1: must be at least 1"),
    (["-n", "0"], "sessions=0: must be at least 1"),
    (["--seed", "-1"], "seed=-1: must be 0 or more"),
    (["--image-format", "gif"], "image_format='gif'"),
    (["--screenshots", "sometimes"], "screenshots='sometimes'"),
    (["--workers", "-2"], "workers=-2"),
    (["--concurrency", "0"], "concurrency=0"),
    (["--personas", "0"], "personas=0"),
    (["--retries", "-1"], "retries=-1: must be between 0 and 10"),
    (["--retries", "99"], "retries=99"),
    (["--hang-timeout", "0"], "hang_timeout_s=0.0"),
    (["--step-timeout-ms", "-5"], "step_timeout_ms=-5.0"),
    (["--file-mode", "0777"], "file_mode='0777': data files take no execute bits"),
    (["--file-mode", "abc"], "file_mode='abc': must be an octal mode"),
    (["--base-url", "not a url"], "base_url='not a url': must be an http:// or https:// URL"),
    (["--base-url", "ftp://example.org/"], "base_url='ftp://example.org/'"),
    (["--engine", "spark"], "engine='spark'"),
])
def test_out_of_range_options_are_one_line_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, output = _generate(tmp_path, *args)
    assert code == 2, output
    assert output.splitlines() == [f"error: {output[7:]}"] and message in output
    assert not (tmp_path / "out").exists()  # nothing created for a rejected command


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    r = CliRunner().invoke(app, ["generate", "-s", QUICK, "--no-progress", "-o", str(f)])
    assert r.exit_code == 2 and r.output.strip() == f"error: out='{f}': is a file, not a folder; choose a folder for the dataset"


def test_output_path_below_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    code, output = _generate(tmp_path, "-o", str(f / "sub"))
    assert code == 2 and len(output.splitlines()) == 1 and "cannot create output folder" in output


def test_missing_scenario_and_unreachable_app(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["generate", "-s", str(tmp_path / "nope.yaml"), "--no-progress", "-o", str(tmp_path)])
    assert r.exit_code == 2 and "no such file" in r.output and len(r.output.strip().splitlines()) == 1
    code, output = _generate(tmp_path)
    assert code == 2 and "does not answer" in output and len(output.splitlines()) == 1


def test_non_numbers_are_usage_errors(tmp_path: Path) -> None:
    code, output = _generate(tmp_path, "-n", "abc")
    assert code == 2 and "Invalid value" in output  # typer's own message (several lines, with usage)


@pytest.mark.browser
def test_failed_sessions_exit_1_and_are_listed(tmp_path: Path, faults_url: str) -> None:
    r = CliRunner().invoke(app, ["generate", "-s", QUICK, "-s", str(scenario("missing")), "-n", "1", "--no-progress",
                                 "--base-url", faults_url, "-o", str(tmp_path / "out"), "--personas", "3"])
    assert r.exit_code == 1, r.output
    assert "sessions   2 (1 ok, 1 failed" in r.output
    assert "failed faults-missing-s0-00000: step 2 'click': " in r.output
    # file:line, the full target, the nearest test ids on the page (issue 19)
    assert re.search(r"missing\.yaml:\d+: testid=no-such-button (matched no visible element|did not appear)", r.output)
    assert "nearest visible test ids: " in r.output
    assert "; screenshot frames/faults-missing-s0-00000/" in r.output
    assert "2 sessions run now)" in r.output


@pytest.mark.browser
def test_report_json_and_junit_xml_for_ci(tmp_path: Path, faults_url: str) -> None:
    import json
    from xml.etree import ElementTree as ET

    args = ["generate", "-s", QUICK, "-s", str(scenario("missing")), "-n", "1", "--no-progress", "--base-url",
            faults_url, "-o", str(tmp_path / "out"), "--personas", "3", "--report-json", str(tmp_path / "r.json"),
            "--junit-xml", str(tmp_path / "junit.xml")]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1, r.output
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["format"] == "synthgen-run-report/1" and rep["exit_code"] == 1
    assert rep["sessions"] == {"total": 2, "ok": 1, "failed": 1, "run_now": 2, "already_there": 0}
    assert rep["realtime_factor"] > 0 and "events/" in rep["written"] and "sessions/" in rep["written"]
    (fail,) = rep["failures"]
    assert fail["session_id"] == "faults-missing-s0-00000" and fail["failed_step"] == "2"
    assert fail["screenshot"].startswith("frames/faults-missing-s0-00000/") and fail["screenshot"].endswith("-failure.jpg")
    assert (tmp_path / "out" / fail["screenshot"]).is_file()
    assert {(s["session_id"], s["status"], s["run_now"]) for s in rep["session_list"]} == {
        ("faults-quick-s0-00000", "ok", True), ("faults-missing-s0-00000", "failed", True)}
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    failed = root.find("testsuite[@name='faults-missing']/testcase/failure")
    assert failed is not None and "testid=no-such-button" in (failed.get("message") or "")
    # the same command again: nothing to run, so no speed figure; the earlier failure is listed
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1, r.output
    assert "no session run now" in r.output and "failed earlier faults-missing-s0-00000" in r.output
    assert json.loads((tmp_path / "r.json").read_text())["realtime_factor"] is None
