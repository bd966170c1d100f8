"""The golden fixture: a small bundled job whose bytes are pinned by a committed checksum list.

``python tests/golden/golden.py`` regenerates ``checksums.txt`` (a deliberate, reviewed change of behaviour);
``tests/golden/test_golden.py`` regenerates the job in CI and fails, naming the files, when any byte moved.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHECKSUMS = HERE / "checksums.txt"
#: The job: three bundled apps, one session each. Screen captures are not pinned: on wall time (the default)
#: a capture can catch an app's timer (a tooltip, an autosave) before or after it fires, which the events
#: never depend on (README "Reproducibility").
JOB = ["-s", str(ROOT / "scenarios" / "webmail" / "compose_send.yaml"),
       "-s", str(ROOT / "scenarios" / "shop" / "browse_compare.yaml"),
       "-s", str(ROOT / "scenarios" / "crm" / "browse_table.yaml"),
       "-n", "1", "--seed", "2024", "--personas", "6", "-w", "1", "--no-progress"]
#: What is pinned: the data tables (the manifest and marker hold paths and the machine).
PINNED = ("personas", "sessions", "events")


def checksums(out: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every pinned file of a dataset."""
    got = {}
    for top in PINNED:
        for p in sorted((out / top).rglob("*")) if (out / top).is_dir() else []:
            if p.is_file() and not p.name.startswith("."):
                got[p.relative_to(out).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return got


def read_checksums() -> dict[str, str]:
    lines = [ln.split("  ", 1) for ln in CHECKSUMS.read_text().splitlines() if ln and not ln.startswith("#")]
    return {path: sha for sha, path in lines}


def generate(out: Path) -> None:
    import subprocess

    r = subprocess.run([sys.executable, "-m", "synthgen", "generate", *JOB, "-o", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"the golden job failed: {r.stderr.strip()[-500:]}")


def main() -> None:
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="synthgen-golden-")) / "ds"
    generate(out)
    sums = checksums(out)
    header = ("# The golden fixture's checksums (tests/golden/golden.py). Regenerate with\n"
              "#   python tests/golden/golden.py\n"
              "# only for a deliberate change of behaviour, and review the diff.\n")
    CHECKSUMS.write_text(header + "".join(f"{sha}  {path}\n" for path, sha in sorted(sums.items())))
    print(f"{len(sums)} files pinned in {CHECKSUMS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
