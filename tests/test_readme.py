"""The README's scenario examples stay valid: they load with the same loader as generate."""

from __future__ import annotations

import re
from pathlib import Path

from synthgen.scenario.loader import load_scenario

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_scenarios_load(tmp_path: Path) -> None:
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", README.read_text(), re.S) if b.startswith("name:")]
    assert blocks
    for i, text in enumerate(blocks):
        path = tmp_path / f"readme_{i}.yaml"
        path.write_text(text)
        assert load_scenario(path).name
