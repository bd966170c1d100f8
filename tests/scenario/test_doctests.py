"""The examples in the scenario modules' docstrings run."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = ["model", "loader", "templating", "planner", "targets", "fakedates", "lint", "jsonschema"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # examples use repo-relative paths
    mod = importlib.import_module(f"synthgen.scenario.{name}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
