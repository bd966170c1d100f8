"""Issue 15, "the task is not in the data": the task, app, tags and a relative scenario path reach
``sessions``, and the scenario files are copied into the dataset."""

from __future__ import annotations

import asyncio
import glob
from pathlib import Path

import pytest

from synthgen.browser.fake import Box, FakeDriver
from synthgen.dataset import write_scenarios
from synthgen.errors import TemplateError
from synthgen.persona.population import sample_personas
from synthgen.runner.job import scenario_material
from synthgen.scenario.loader import load_scenario, load_scenarios
from synthgen.session import SessionSpec, run_session

ROOT = Path(__file__).resolve().parents[2]


def test_every_bundled_scenario_has_a_task() -> None:
    files = sorted(glob.glob(str(ROOT / "scenarios" / "*" / "[!_]*.yaml")))
    assert len(files) > 20
    for f in files:
        assert load_scenario(f).task.strip(), f"{f} has no task:"


def _session(tmp_path: Path, task: str, description: str = "Open it."):
    home = tmp_path / "myapp"
    home.mkdir()
    (home / "_flows.yaml").write_text("flows:\n  hello:\n    - goto: /start\n")
    (home / "s.yaml").write_text(f"name: t\nbase_url: http://app.test/\ndescription: {description}\n"
                                 f"tags: [a, b]\n{task}variables:\n  who: Ada\n"
                                 "steps:\n  - include: _flows.yaml#hello\n  - click: 'text=Go'\n")
    sc = load_scenario(home / "s.yaml")
    spec = SessionSpec(0, "t-s1-00000", 11, sc, sample_personas(1, seed=1)[0], "http://app.test/")
    res = asyncio.run(run_session(spec, FakeDriver({"text=Go": Box(10, 10, 50, 20)})))
    return sc, res.row


def test_task_rendered_with_the_sessions_values(tmp_path: Path) -> None:
    sc, row = _session(tmp_path, "task: \"Greet {{ who }} as {{ persona.first_name }}\"\n")
    persona = sample_personas(1, seed=1)[0]
    assert row["task"] == f"Greet Ada as {persona.identity.first_name}"
    assert row["app"] == "app.test" and row["tags"] == ["a", "b"]
    # relative, not the generating machine's absolute path, and the copy's place in the dataset
    assert row["scenario_file"] == "scenarios/myapp/s.yaml"
    assert not Path(row["scenario_file"]).is_absolute()


def test_task_falls_back_to_description(tmp_path: Path) -> None:
    _, row = _session(tmp_path, "", description="Open the start page.")
    assert row["task"] == "Open the start page."


def test_task_template_checked_at_load(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="unknown variable"):
        _session(tmp_path, "task: \"Greet {{ var.nobody }}\"\n")


def test_scenario_files_copied_with_their_material(tmp_path: Path) -> None:
    sc, row = _session(tmp_path, "task: Go\n")
    out = tmp_path / "ds"
    written = write_scenarios(out, scenario_material([sc]))
    assert written == ["scenarios/myapp/_flows.yaml", "scenarios/myapp/s.yaml"]
    assert (out / row["scenario_file"]).read_text() == (tmp_path / "myapp" / "s.yaml").read_text()
    # what the dataset holds loads again, includes and all
    assert load_scenarios([out / row["scenario_file"]])[0].name == "t"
