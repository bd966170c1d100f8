"""A scenario reads only its own material: includes and data files stay in its folder (or ``_``-named shared
material beside it), symlinks are followed before the check, and the error never shows an outside file."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgen.errors import ScenarioError
from synthgen.scenario.loader import load_scenario, load_scenarios

SECRET = "topsecret_key: hunter2\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``outside/secret.yaml`` and ``outside/secret.csv`` beside a collection ``coll/`` with ``app/`` in it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(SECRET)
    (tmp_path / "outside" / "secret.csv").write_text("topsecret_key\nhunter2\n")
    app = tmp_path / "coll" / "app"
    app.mkdir(parents=True)
    (tmp_path / "coll" / "_shared").mkdir()
    (tmp_path / "coll" / "_shared" / "common.yaml").write_text("flows:\n  hi:\n    - goto: /\n")
    (tmp_path / "coll" / "other").mkdir()
    (tmp_path / "coll" / "other" / "_flows.yaml").write_text("flows:\n  hi:\n    - goto: /\n")
    (tmp_path / "coll" / "other" / "plain.yaml").write_text("flows:\n  hi:\n    - goto: /\n")
    return app


def _scenario(app: Path, line: str) -> Path:
    p = app / "s.yaml"
    p.write_text(f"name: s\nbase_url: http://127.0.0.1:9/\n{line}\n")
    return p


@pytest.mark.parametrize("line", [
    "steps:\n  - include: /etc/passwd",
    "steps:\n  - include: ../../outside/secret.yaml",
    "steps:\n  - include: ../other/plain.yaml#hi",                 # a sibling's file not marked shared
    "steps:\n  - include: link.yaml",                             # symlink to outside
    "steps:\n  - include: linkdir/secret.yaml",                   # through a symlinked folder
    "data: /etc/passwd\nsteps: [{goto: /}]",
    "data: {file: ../../outside/secret.csv}\nsteps: [{goto: /}]",
    "data: {file: link.csv}\nsteps: [{goto: /}]",
])
def test_outside_files_are_refused_without_being_shown(tree: Path, line: str) -> None:
    (tree / "link.yaml").symlink_to(tree.parents[1] / "outside" / "secret.yaml")
    (tree / "link.csv").symlink_to(tree.parents[1] / "outside" / "secret.csv")
    (tree / "linkdir").symlink_to(tree.parents[1] / "outside")
    with pytest.raises(ScenarioError) as e:
        load_scenario(_scenario(tree, line))
    msg = str(e.value)
    assert "outside the scenario's folder" in msg and "s.yaml:" in msg, msg
    assert "topsecret" not in msg and "hunter2" not in msg and "root:" not in msg


@pytest.mark.parametrize("line", [
    "steps:\n  - include: ../_shared/common.yaml#hi",
    "steps:\n  - include: ../other/_flows.yaml#hi",
])
def test_shared_material_beside_the_folder_is_allowed(tree: Path, line: str) -> None:
    assert load_scenario(_scenario(tree, line)).name == "s"


def test_bundled_scenarios_still_load() -> None:
    root = Path(__file__).resolve().parents[2] / "scenarios"
    assert len(load_scenarios([root])) >= 19  # mixed/ includes ../crm/_flows.yaml, _examples its _shared/
