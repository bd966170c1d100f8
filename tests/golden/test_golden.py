"""CI regenerates the golden job and checks every pinned byte (see tests/golden/golden.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden import CHECKSUMS, checksums, generate, read_checksums


@pytest.mark.browser
def test_the_golden_job_gives_the_pinned_bytes(tmp_path: Path, chromium_path: str) -> None:
    out = tmp_path / "ds"
    generate(out)
    want, got = read_checksums(), checksums(out)
    moved = sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p))
    assert not moved, (f"{len(moved)} of {len(want)} pinned files changed, first {moved[:5]}; if the change of "
                       f"behaviour is deliberate, run `python tests/golden/golden.py` and commit {CHECKSUMS.name}; "
                       "`synthgen env` shows whether this machine differs (browser build, fonts, packages)")
