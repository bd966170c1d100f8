"""The editor JSON Schema accepts what the loader accepts (for the examples and every short form)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from synthgen.scenario.jsonschema import scenario_json_schema

from .conftest import EXAMPLES, HEAD
from .test_basics import test_shorthands

jsonschema = pytest.importorskip("jsonschema")  # a test dependency


@pytest.fixture(scope="module")
def validator() -> "jsonschema.Draft202012Validator":
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_data(text: str) -> object:
    return YAML(typ="safe").load(text)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_valid(validator: "jsonschema.Draft202012Validator", path: Path) -> None:
    assert list(validator.iter_errors(as_data(path.read_text()))) == []


SHORT_FORMS = [args[0] for args in test_shorthands.pytestmark[0].args[1]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("step", SHORT_FORMS)
def test_short_forms_valid(validator: "jsonschema.Draft202012Validator", step: str) -> None:
    assert list(validator.iter_errors(as_data(f"{HEAD}steps:\n  - {step}\n"))) == []


@pytest.mark.parametrize("text", [
    HEAD + "steps:\n  - clik: x\n",
    HEAD + "steps: []\n",
    HEAD + "stepz: [goto: /]\n",
    HEAD + "base_url: http://x\nsteps: [goto: /]\n",
    HEAD + "viewport: {width: 100}\nsteps: [goto: /]\n",
    HEAD + "steps:\n  - click: {text: a, button: rigth}\n",
    HEAD + "steps:\n  - click: Send\n    timeout_ms: 3\n",
    HEAD + "steps:\n  - type: {into: x}\n",
    HEAD + "steps:\n  - repeat: {steps: [goto: /]}\n",
    HEAD + "steps:\n  - scroll: {by: 1, to: x}\n",
])
def test_invalid_rejected(validator: "jsonschema.Draft202012Validator", text: str) -> None:
    assert list(validator.iter_errors(as_data(text)))


def test_roles_are_checked_in_the_editor_too(validator: "jsonschema.Draft202012Validator") -> None:
    """The schema refuses the role the loader refuses (issue 19: role=buton), and accepts a template."""
    assert list(validator.iter_errors(as_data(f"{HEAD}steps:\n  - click: {{role: button, name: Send}}\n"))) == []
    assert list(validator.iter_errors(as_data(f"{HEAD}steps:\n  - click: {{role: '{{{{ var.r }}}}'}}\n"))) == []
    assert list(validator.iter_errors(as_data(f"{HEAD}steps:\n  - click: {{role: buton, name: Send}}\n")))
