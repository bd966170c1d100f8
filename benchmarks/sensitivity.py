"""Which changes of the environment move a dataset's bytes: the same job under one change at a time.

Runs a small bundled job (webmail compose, 2 sessions, a capture after each step) once as the baseline and
once per variant, then prints, per variant, which tables came out byte-identical and which did not:

* another Faker (``--faker-dir``: a folder made with ``pip install --target DIR faker==30.8.2 --no-deps``);
* another numpy (``--numpy-dir``: ``pip install --target DIR numpy==2.2.6 --no-deps``);
* the full Chromium instead of the headless shell (``SYNTHGEN_HEADLESS_SHELL=0``);
* fewer fonts: a fontconfig file that offers Chromium only the DejaVu fonts (no Liberation);
* a device scale factor of 2 (``--force-device-scale-factor=2``);

and first the same job again with nothing changed, the floor every other row is read against.

    python benchmarks/sensitivity.py --faker-dir /tmp/alt-faker --numpy-dir /tmp/alt-numpy

Each variant runs in a fresh subprocess (``python -m synthgen generate``) into a new folder, so nothing of
one leaks into another. A variant whose folder is not given is skipped (and says so).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOB = ["-s", str(ROOT / "scenarios" / "webmail" / "compose_send.yaml"), "-n", "2", "--seed", "5", "-w", "1",
       "--screenshots", "step", "--no-progress"]
TABLES = ("personas", "sessions", "events", "observations", "frames")

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def table_hashes(out: Path) -> dict[str, str]:
    """One hash per table folder over its files' names and bytes."""
    got = {}
    for t in TABLES:
        h = hashlib.sha256()
        for p in sorted((out / t).rglob("*")) if (out / t).is_dir() else []:
            if p.is_file():
                h.update(p.relative_to(out).as_posix().encode() + b"\0" + p.read_bytes())
        got[t] = h.hexdigest()[:12]
    return got


def run(out: Path, env_extra: dict[str, str]) -> tuple[dict[str, str], float]:
    env = dict(os.environ)
    env.update(env_extra)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "synthgen", "generate", *JOB, "-o", str(out)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"variant failed ({env_extra}): {r.stderr.strip()[-400:]}")
    return table_hashes(out), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--faker-dir", type=Path, help="a --target folder holding another Faker")
    ap.add_argument("--numpy-dir", type=Path, help="a --target folder holding another numpy")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="synthgen-sensitivity-"))
    py = os.environ.get("PYTHONPATH", "")
    fonts = tmp / "fonts.conf"
    fonts.write_text(FONTS_CONF.format(cache=tmp / "fc-cache"))
    variants: list[tuple[str, dict[str, str] | None]] = [
        ("nothing (the same job again: the noise floor)", {}),
        ("Faker 30.8.2 (baseline: installed)", {"PYTHONPATH": f"{args.faker_dir}:{py}"} if args.faker_dir else None),
        ("numpy 2.2.6 (baseline: installed)", {"PYTHONPATH": f"{args.numpy_dir}:{py}"} if args.numpy_dir else None),
        ("full Chromium instead of the headless shell", {"SYNTHGEN_HEADLESS_SHELL": "0"}),
        ("only DejaVu fonts (no Liberation)", {"FONTCONFIG_FILE": str(fonts)}),
        ("device scale factor 2", {"SYNTHGEN_CHROMIUM_ARGS": "--force-device-scale-factor=2"}),
    ]
    base, secs = run(tmp / "baseline", {})
    print(f"baseline: {secs:.1f} s; tables {', '.join(TABLES)}")
    print(f"{'change':46s} " + " ".join(f"{t:>12s}" for t in TABLES))
    for i, (name, extra) in enumerate(variants):
        if extra is None:
            print(f"{name:46s} skipped (give its --*-dir)")
            continue
        got, secs = run(tmp / f"v{i}", extra)
        cells = ["same" if got[t] == base[t] else "DIFFERENT" for t in TABLES]
        print(f"{name:46s} " + " ".join(f"{c:>12s}" for c in cells) + f"   ({secs:.1f} s)")


if __name__ == "__main__":
    main()
