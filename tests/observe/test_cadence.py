"""Capture cadence: parsing, and when each setting captures."""

from __future__ import annotations

import pytest

from synthgen.errors import ConfigError
from synthgen.observe.cadence import Cadence, validate_capture_options
from synthgen.session import SessionOptions


@pytest.mark.parametrize("spec,kind,ms", [("off", "off", 0.0), ("STEP", "step", 0.0), ("action", "action", 0.0),
                                           ("every:250", "every", 250.0), ("every:1000ms", "every", 1000.0)])
def test_parse(spec: str, kind: str, ms: float) -> None:
    c = Cadence.parse(spec)
    assert (c.kind, c.every_ms) == (kind, ms)


@pytest.mark.parametrize("spec", ["sometimes", "every:", "every:0", "every:-5", "every:x"])
def test_bad_cadence_names_the_option(spec: str) -> None:
    with pytest.raises(ConfigError, match="screenshots="):
        Cadence.parse(spec)


def test_every_captures_at_first_boundary_after_each_mark() -> None:
    c = Cadence.parse("every:1000")
    hits = [t for t in (0, 400, 999, 1000, 1500, 2999, 3001, 3002, 7000) if c.due(float(t))]
    # 0 (mark 0), 1000 (mark 1000), 2999 (mark 2000), 3001 (mark 3000), 7000 (marks 4000-7000 collapse)
    assert hits == [0, 1000, 2999, 3001, 7000]


def test_validate_options() -> None:
    validate_capture_options(SessionOptions(screenshots="every:100", image_format="webp", image_scale=0.5))
    for bad, param in ((dict(image_format="gif"), "image_format"), (dict(image_scale=0.0), "image_scale"),
                       (dict(image_quality=0), "image_quality"), (dict(a11y_format="x"), "a11y_format")):
        with pytest.raises(ConfigError, match=param):
            validate_capture_options(SessionOptions(**bad))
