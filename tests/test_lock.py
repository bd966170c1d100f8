"""The application's lock (requirements.lock) agrees with pyproject.toml, and pins everything with hashes.

`make lock` refreshes it; this test is what makes CI fail while the two disagree (a range changed in
pyproject.toml without a new lock, or a lock edited by hand).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def _pins() -> dict[str, tuple[str, list[str]]]:
    """``name -> (version, hashes)`` of every package in the lock."""
    text = LOCK.read_text()
    pins: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\;]+)", block)
        if m:
            pins[canonicalize_name(m.group(1))] = (m.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in ("test", "ray"):
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


def test_every_declared_requirement_is_pinned_within_its_range() -> None:
    pins = _pins()
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        version = pins[name][0]
        assert req.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {req.name}=={version}, outside pyproject.toml's {req}: run `make lock`")


def test_every_pin_has_hashes_and_the_lock_says_how_it_was_made() -> None:
    pins = _pins()
    assert len(pins) > 50
    assert all(hashes for _v, hashes in pins.values()), [n for n, (_v, h) in pins.items() if not h]
    header = LOCK.read_text().split("\n\n", 1)[0]
    assert "--generate-hashes" in header and "--extra=test" in header and "--extra=ray" in header


def test_the_lock_pins_what_shapes_the_bytes() -> None:
    from synthgen.environment import OUTPUT_PACKAGES

    pins = _pins()
    missing = [p for p in OUTPUT_PACKAGES if p != "synthgen" and canonicalize_name(p) not in pins]
    assert not missing, f"not pinned: {missing}"
