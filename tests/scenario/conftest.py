"""Shared helpers for the scenario tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgen.errors import ScenarioError
from synthgen.scenario import Scenario, load_scenario_text

EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios" / "_examples"

HEAD = "name: t\napp: webmail\n"


def load(text: str, base_dir: Path | None = None) -> Scenario:
    """Load YAML text as file ``s.yaml``."""
    return load_scenario_text(text, file="s.yaml", base_dir=base_dir)


def error_of(text: str, base_dir: Path | None = None) -> str:
    """The message the loader gives for ``text`` (fails the test if it loads)."""
    with pytest.raises(ScenarioError) as info:
        load(text, base_dir)
    return str(info.value)
